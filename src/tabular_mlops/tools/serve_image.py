"""Write the build folder of the serving image: the champion's MLflow artefacts and
``docker/serve.Dockerfile``, for ``docker build`` anywhere (``make serve-image``).

Usage: python -m tabular_mlops.tools.serve_image MODEL_URI FOLDER DOCKERFILE
(the tracking store comes from ``MLFLOW_TRACKING_URI``).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import mlflow


def write_build_folder(model_uri: str, folder: Path, dockerfile: Path) -> Path:
    """``folder``/Dockerfile and ``folder``/model/ (the model's artefacts), anew."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as download:
        local = mlflow.artifacts.download_artifacts(model_uri, dst_path=download)
        shutil.copytree(local, folder / "model")
    shutil.copy(dockerfile, folder / "Dockerfile")
    return folder


def main(model_uri: str, folder: str, dockerfile: str) -> None:
    built = write_build_folder(model_uri, Path(folder), Path(dockerfile))
    print(f"Wrote {built}/: docker build -t tabular-mlops-serve {built}")  # noqa: T201


if __name__ == "__main__":
    main(*sys.argv[1:])
