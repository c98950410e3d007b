"""The benchmark's peer: `kedro run --pipelines=train` written as a plain script.

Same work without Kedro: the project's node functions called in order on in-memory
data (same split, candidates, hyper-parameters and metrics, read from the same
conf/base YAML files), then the same MLflow logging: flattened parameters, the data
and task tags, every candidate's and the champion's metrics, the reports and plots
(JSON, CSV) as artefacts and the champion as an MLflow scikit-learn model with an
input example. Intermediate layers are not written: a plain script keeps them in memory.
With ``--register`` it also does the work of `train`'s `registry` stage for a first
model: the inference pipeline with its reference profile, the promotion decision, the
HTML report, and a registered version (the project's code inside, a model card) with
the alias the decision gives.

Usage: python benchmarks/plain_train.py --workdir DIR [--data FILE] [--families a,b]
       [--env ENV] [--register]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import types
from pathlib import Path

import mlflow
import pandas as pd
import yaml
from sklearn import datasets as sklearn_datasets

REPO = Path(__file__).resolve().parents[1]
PIPELINES = REPO / "src/tabular_mlops/pipelines"


def import_nodes(stage: str) -> types.ModuleType:
    """A pipeline's ``nodes`` module, without running the package ``__init__`` files,
    which build Kedro pipelines: this peer must not import Kedro."""
    for package, path in (
        ("tabular_mlops", PIPELINES.parent),
        ("tabular_mlops.pipelines", PIPELINES),
        (f"tabular_mlops.pipelines.{stage}", PIPELINES / stage),
    ):
        if package not in sys.modules:
            module = types.ModuleType(package)
            module.__path__ = [str(path)]
            module.__file__ = str(path / "__init__.py")  # where its code is staged from
            sys.modules[package] = module
    return importlib.import_module(f"tabular_mlops.pipelines.{stage}.nodes")


def flatten(tree: dict, prefix: str = "") -> dict[str, object]:
    """Nested parameters as ``a.b.c`` keys, as kedro-mlflow logs them."""
    flat: dict[str, object] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat |= flatten(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def deep_merge(base: dict, override: dict) -> dict:
    """``override`` merged key by key into ``base``, as the project's settings merge
    an environment's parameters."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_source(filepath: str | None, dataset: str) -> pd.DataFrame:
    if filepath:
        path = Path(filepath)
        return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    loader = getattr(sklearn_datasets, f"load_{dataset}")
    bunch = loader(as_frame=True)
    table = bunch.frame
    if "target_names" in bunch:
        table["target"] = bunch.target_names[table["target"]]
    return table


def register(  # noqa: PLR0913 - the run's results, as a script holds them
    params: dict,
    catalog: dict,
    spec: dict,
    champion: object,
    splits: tuple,
    figures: dict,
    tables: dict,
) -> None:
    """The `registry` stage for a first model, and the run's HTML report."""
    from tabular_mlops.core.model import stage_model_code  # noqa: PLC0415

    promotion, reporting = import_nodes("promotion"), import_nodes("reporting")
    X_train, X_test, _, y_test = splits
    comparison = tables["candidate_comparison"]
    model_name = yaml.safe_load((REPO / "conf/base/globals.yml").read_text())[
        "registry"
    ]["model_name"]
    inference = promotion.package_inference_pipeline(
        champion, spec, X_train, X_test, y_test, params["monitor"]
    )
    scores = promotion.score_against_champion(
        inference, None, X_test, y_test, spec, params["modelling"]
    )
    decision = promotion.decide_promotion(
        scores, params["registry"] | {"model_name": model_name}, params["data"]
    )
    registration = promotion.prepare_registration(
        inference, X_test, decision, comparison, params["data"], params["reporting"]
    )
    report = reporting.render_report(
        params["data"],
        spec,
        comparison,
        params["modelling"],
        {name: (lambda figure=figure: figure) for name, figure in figures.items()},
        tables["performance_breakdown"],
        figures["cv_spread_plot"],
        figures["feature_importance_plot"],
        decision,
    )
    mlflow.log_text(report, "reports/report.html")
    with tempfile.TemporaryDirectory() as folder:
        card = Path(folder, "model_card.md")
        card.write_text(registration["model_card"])
        info = mlflow.pyfunc.log_model(
            python_model=registration["python_model"],
            input_example=registration["input_example"],
            registered_model_name=model_name,
            code_paths=[str(stage_model_code(Path(folder)))],
            artifacts={"model_card": str(card)},
            **catalog["registered_model"]["save_args"],
        )
    client = mlflow.MlflowClient()
    version = info.registered_model_version
    client.set_registered_model_alias(model_name, registration["alias"], version)
    for key, value in registration["tags"].items():
        client.set_model_version_tag(model_name, version, key, value)


def main() -> None:  # noqa: PLR0915 - one straight script, as users write it
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--env", help="conf/<env> whose parameters override base")
    parser.add_argument("--data", help="CSV or Parquet table (default: bundled set)")
    parser.add_argument("--target", default=None)
    parser.add_argument(
        "--families", default="linear,random_forest,hist_gradient_boosting,catboost"
    )
    parser.add_argument("--register", action="store_true")
    args = parser.parse_args()

    data_processing = import_nodes("data_processing")
    modelling = import_nodes("modelling")
    reporting = import_nodes("reporting")

    params: dict = {}
    for env in ("base", args.env) if args.env else ("base",):
        for path in sorted((REPO / "conf" / env).glob("parameters*.yml")):
            params = deep_merge(params, yaml.safe_load(path.read_text()))
    params["data"] |= {
        "dataset": "breast_cancer",
        "filepath": args.data,
        **({"target": args.target} if args.target else {}),
    }
    families = args.families.split(",")
    catalog = yaml.safe_load((REPO / "conf/base/catalog.yml").read_text())
    model_save_args = catalog["tracked_champion"]["save_args"]

    workdir = args.workdir.resolve()
    reports = workdir / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(f"sqlite:///{workdir}/mlflow.db")
    if mlflow.get_experiment_by_name("tabular_mlops") is None:
        mlflow.create_experiment(
            "tabular_mlops", artifact_location=(workdir / "mlartifacts").as_uri()
        )
    mlflow.set_experiment("tabular_mlops")

    with mlflow.start_run(run_name="train"):
        print("Running first step", flush=True)  # noqa: T201
        used = ["data", "split", "modelling", "reporting", *families]
        mlflow.log_params(flatten({key: params[key] for key in used}))

        source = load_source(args.data, params["data"]["dataset"])
        raw = data_processing.ingest_source_table(
            source, params["data"], params["split"], params["modelling"]
        )
        mlflow.log_input(
            data_processing.describe_source_data(raw, params["data"]),
            context="training",
        )
        intermediate = data_processing.clean_table(raw, params["data"])
        spec = data_processing.build_feature_spec(intermediate, params["data"])
        mlflow.set_tag("task", spec["task"])
        primary = data_processing.build_primary_table(intermediate, spec)
        splits = data_processing.split_train_test(primary, spec, params["split"])
        X_train, X_test, y_train, y_test = splits

        metrics, models = {}, {}
        for family in families:
            candidate = modelling.choose_hyperparameters(
                params[family]["candidate"], {}, spec, params["modelling"]
            )
            train_args = (
                X_train,
                y_train,
                spec,
                candidate,
                params["modelling"],
                params["data"],
            )
            models[family] = modelling.train_candidate(*train_args)
            cv_scores = modelling.cross_validate_candidate(*train_args)
            metrics[family] = modelling.evaluate_candidate(
                models[family], X_test, y_test, spec, cv_scores
            )
        comparison = modelling.rank_candidates(params["modelling"], spec, **metrics)
        champion = modelling.select_champion(comparison, **models)
        pd.to_pickle(champion, workdir / "champion_model.pkl")

        predictions = reporting.predict_test_set(champion, X_test, y_test, spec)
        importance = reporting.compute_feature_importance(
            champion,
            X_test,
            y_test,
            spec,
            params["modelling"],
            params["reporting"],
        )
        figures = {
            **reporting.plot_diagnostics(predictions, spec),
            "cv_spread_plot": reporting.plot_cv_spread(
                comparison, spec, params["modelling"]
            ),
            "feature_importance_plot": reporting.plot_feature_importance(
                importance, params["reporting"]
            ),
        }
        for name, figure in figures.items():
            figure.write_json(reports / f"{name}.json")
        tables = {
            "candidate_comparison": comparison,
            "feature_importance": importance,
            "performance_breakdown": reporting.break_down_performance(
                predictions, spec
            ),
        }
        for name, table in tables.items():
            table.to_csv(reports / f"{name}.csv", index=False)
            mlflow.log_artifact(str(reports / f"{name}.csv"), "reports")

        tracked = reporting.collect_tracked_metrics(comparison)
        mlflow.log_metrics({key: item["value"] for key, item in tracked.items()})
        model, example = reporting.package_champion(
            champion, X_test, params["reporting"]
        )
        mlflow.sklearn.log_model(model, input_example=example, **model_save_args)
        if args.register:
            register(params, catalog, spec, champion, splits, figures, tables)
    assert "kedro" not in sys.modules, "the plain peer must not import Kedro"


if __name__ == "__main__":
    main()
