"""Every adaptation of Kedro, kedro-mlflow and MLflow in one place: the hooks that
track a run (parameters, tags, tuning trials, closing the run, the summary), the
MLflow datasets, the tracking-store check and what skipped nodes log.

Private APIs of those libraries are used only in this package and in
``skip_unchanged``; ``tests/test_private_apis.py`` names each one."""
