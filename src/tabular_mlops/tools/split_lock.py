"""Split one frozen environment into the runtime, server and development locks.

Usage (``make lock``): python -m tabular_mlops.tools.split_lock ALL RUNTIME SERVER,
where ALL is ``pip freeze`` of the development environment and RUNTIME and SERVER are
``pip install --dry-run --report`` files of the project and of its ``server`` extra.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HEADERS = {
    "requirements.lock": "# Runtime: what training and serving need (pyproject.toml's "
    "dependencies), pinned.\n# The Docker image installs this; refresh with `make lock`.\n",
    "requirements-server.lock": "# The tracking server (the `server` extra) on top of "
    "the runtime lock: the MLflow\n# service of docker-compose.yml installs this; "
    "refresh with `make lock`.\n-r requirements.lock\n",
    "requirements-dev.lock": "# A developer's tools (the `dev` extra: tests, lint, "
    "docs, notebooks, kedro viz) on\n# top of the server and runtime locks; `make "
    "install` installs this; `make lock`.\n-r requirements-server.lock\n",
}


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def reported(path: Path) -> set[str]:
    """Names of the distributions a ``pip --report`` file would install."""
    return {
        normalised(item["metadata"]["name"])
        for item in json.loads(path.read_text())["install"]
    }


def split(
    frozen: list[str], runtime: set[str], server: set[str]
) -> dict[str, list[str]]:
    """Each pinned line of ``frozen`` in the first lock that needs it."""
    locks: dict[str, list[str]] = {name: [] for name in HEADERS}
    for line in frozen:
        match = re.match(r"^([A-Za-z0-9_.\-]+)==", line)
        if not match:
            continue
        name = normalised(match[1])
        lock = (
            "requirements.lock"
            if name in runtime
            else "requirements-server.lock"
            if name in server
            else "requirements-dev.lock"
        )
        locks[lock].append(line)
    return locks


def main(all_path: str, runtime_path: str, server_path: str) -> None:
    locks = split(
        Path(all_path).read_text().splitlines(),
        reported(Path(runtime_path)),
        reported(Path(server_path)),
    )
    for lock, lines in locks.items():
        Path(lock).write_text(HEADERS[lock] + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
