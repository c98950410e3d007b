"""Project settings. See https://docs.kedro.org/en/stable/configure/configuration_basics/"""

import os
import warnings

from omegaconf.resolvers import oc

from tabular_mlops.log_console import quiet_console

# The console leaves out dataset load/save lines and known library noise (info.log
# keeps them). First: importing the hooks below already makes noise (MLflow's hint
# about kedro-mlflow's model class, once its hook is imported).
quiet_console()

from tabular_mlops.gate_summary import GateSummaryHook
from tabular_mlops.parameters import ParameterValidationHook
from tabular_mlops.project_paths import project_root
from tabular_mlops.run_lock import ProjectRunLockHook
from tabular_mlops.skip_unchanged.hooks import ForgetRerunNodesHook
from tabular_mlops.tracking.lineage import LineageHook
from tabular_mlops.tracking.mlflow_hook import BatchedMlflowHook
from tabular_mlops.tracking.run_lifecycle import RunLifecycleHook
from tabular_mlops.tracking.run_tags import RunTagsHook
from tabular_mlops.tracking.store import TrackingStoreCheckHook
from tabular_mlops.tracking.summary import TrainingSummaryHook
from tabular_mlops.tracking.tuning_trials import TuningTrialRunsHook

# MLflow's anonymous usage reporting must never reach out from a run.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
# Nor draw progress bars for the small artefacts it downloads (the model's files).
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")

# Noise from the libraries, not about this project: OmegaConf's resolver API rename
# and Kedro's warning about the "." that its own namespaces put in dataset names.
warnings.filterwarnings("ignore", message=r"register_new_resolver\(\) is deprecated")
warnings.filterwarnings("ignore", message="One or more dataset names contain '.'")


HOOKS = (
    ProjectRunLockHook(),
    RunTagsHook(),
    LineageHook(),
    RunLifecycleHook(),
    ParameterValidationHook(),
    TrackingStoreCheckHook(),
    TuningTrialRunsHook(),
    TrainingSummaryHook(),
    GateSummaryHook(),
    ForgetRerunNodesHook(),
    # Last: called first, where kedro-mlflow's own hook would be. A family's
    # hyper-parameters for every task stay out of the run's parameters: those of the
    # run's task are logged by `{family}.candidate_config`.
    BatchedMlflowHook(untracked_parameters=("*.candidate.*",)),
)
# kedro-mlflow's hook is replaced by BatchedMlflowHook; its CLI commands stay.
DISABLE_HOOKS_FOR_PLUGINS = ("kedro_mlflow",)

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    "custom_resolvers": {
        "project_root": lambda: project_root().as_posix(),
        "oc.env": oc.env,  # environment variables in any config, e.g. conf/ci
    },
    "config_patterns": {
        # kedro-mlflow's pattern, declared here too: TrackingStoreCheckHook reads mlflow.yml
        # before kedro-mlflow's own hook adds it.
        "mlflow": ["mlflow*", "mlflow*/**", "**/mlflow*"],
        # A developer's secrets live in conf/local/credentials.yml whatever the --env
        # (Kedro alone reads conf/local only when no --env is given), never in a
        # committed folder.
        "credentials": ["../local/credentials*", "../local/credentials*/**"],
    },
    # conf/<env>/ holds only the keys that differ from conf/base/, at any depth.
    "merge_strategy": {"mlflow": "soft", "parameters": "soft", "globals": "soft"},
}
