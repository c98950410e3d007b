"""The project root, whatever folder a command runs from."""

from __future__ import annotations

from pathlib import Path

from kedro.utils import find_kedro_project


def project_root() -> Path:
    """The Kedro project around the working directory (the working directory itself
    outside a project), so that files such as the node cache, the run lock and the
    SQLite tracking database are the same from ``src/`` or a notebook folder."""
    return (find_kedro_project(Path.cwd()) or Path.cwd()).resolve()
