"""The project's domain logic, free of Kedro and kedro-mlflow: features, contracts,
estimators, metrics, tuning, the registered model, promotion and reports. Node
functions in ``pipelines/`` call these; an import-rule test keeps Kedro out."""
