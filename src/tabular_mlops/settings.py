"""Project settings. See https://docs.kedro.org/en/stable/configure/configuration_basics/"""

import os
import warnings
from pathlib import Path

from kedro.utils import find_kedro_project
from omegaconf.resolvers import oc

from tabular_mlops.hooks import (
    BatchedMlflowHook,
    CloseMlflowRunHook,
    InputValidationHook,
    RunTagsHook,
    TrainingSummaryHook,
    TuningTrialRunsHook,
)
from tabular_mlops.node_cache import ForgetRerunNodesHook

# MLflow's anonymous usage reporting must never reach out from a run.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

# Noise from the libraries, not about this project: OmegaConf's resolver API rename,
# Kedro's warning about the "." that its own namespaces put in dataset names, and
# MLflow's hint for hand-written pyfunc models (ours are scikit-learn flavoured).
warnings.filterwarnings("ignore", message=r"register_new_resolver\(\) is deprecated")
warnings.filterwarnings("ignore", message="One or more dataset names contain '.'")
warnings.filterwarnings("ignore", message=".*Add type hints to the `predict` method")


def project_root() -> str:
    """The Kedro project around the working directory, for absolute paths in config
    (e.g. the SQLite tracking database) whatever folder a command runs from."""
    return (find_kedro_project(Path.cwd()) or Path.cwd()).resolve().as_posix()


HOOKS = (
    RunTagsHook(),
    CloseMlflowRunHook(),
    InputValidationHook(),
    TuningTrialRunsHook(),
    TrainingSummaryHook(),
    ForgetRerunNodesHook(),
    BatchedMlflowHook(),  # last: called first, where kedro-mlflow's own hook would be
)
# kedro-mlflow's hook is replaced by BatchedMlflowHook; its CLI commands stay.
DISABLE_HOOKS_FOR_PLUGINS = ("kedro_mlflow",)

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    "custom_resolvers": {
        "project_root": project_root,
        "oc.env": oc.env,  # environment variables in any config, e.g. conf/ci
    },
    "config_patterns": {
        # kedro-mlflow's pattern, declared here too: InputValidationHook reads mlflow.yml
        # before kedro-mlflow's own hook adds it.
        "mlflow": ["mlflow*", "mlflow*/**", "**/mlflow*"],
        # A developer's secrets live in conf/local/credentials.yml whatever the --env
        # (Kedro alone reads conf/local only when no --env is given), never in a
        # committed folder.
        "credentials": ["../local/credentials*", "../local/credentials*/**"],
    },
    # conf/<env>/mlflow.yml holds only what differs from conf/base/mlflow.yml.
    "merge_strategy": {"mlflow": "soft"},
}
