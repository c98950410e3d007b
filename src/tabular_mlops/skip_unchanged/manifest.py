"""The record of node keys: node name -> key of its last successful run.

One JSON file at the project root's ``data/node_cache.json``, whatever the working
directory. Every change is a read-modify-write under an exclusive file lock, written
to a temporary file and renamed over the record, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from tabular_mlops.project_paths import project_root

logger = logging.getLogger(__name__)

MANIFEST = Path("data/node_cache.json")
"""Relative to the project root."""


def manifest_path() -> Path:
    return project_root() / MANIFEST


def read_manifest(path: Path | None = None) -> dict[str, str]:
    """Recorded node keys; empty when nothing was recorded yet or the record is
    unreadable (then every node runs, and the record is rebuilt)."""
    path = path or manifest_path()
    try:
        recorded = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        logger.warning("Ignoring the unreadable node cache %s (%s).", path, error)
        return {}
    if not isinstance(recorded, dict):
        logger.warning("Ignoring the node cache %s: it is not a JSON object.", path)
        return {}
    return recorded


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f"{path.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def update_manifest(
    change: Callable[[dict[str, str]], object], path: Path | None = None
) -> None:
    """Apply ``change`` to the recorded keys, atomically and under a lock."""
    path = path or manifest_path()
    with _locked(path):
        recorded = read_manifest(path)
        change(recorded)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(recorded, indent=1, sort_keys=True))
        temporary.replace(path)
