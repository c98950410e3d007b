"""``kedro run`` on bad input: one short message, exit status 1, nothing lost.

One good training run per module gives the outputs that every failed run must leave
unchanged: data layers, the versioned champion, reports and MLflow runs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from mlflow import MlflowClient

from tabular_mlops.cli import cli
from tests.conftest import free_port, make_project
from tests.e2e.conftest import printed_last, snapshot, unchanged_except

pytestmark = pytest.mark.integration


def kedro_run(*options: str) -> Result:
    """``kedro run --pipelines=train`` in-process, through the project's CLI."""
    return CliRunner().invoke(cli, ["run", "--pipelines=train", *options])


QUICK_TRAINING = [
    "--params",
    "data.dataset=iris,"
    "random_forest.candidate.hyperparameters.classification.n_estimators=10,"
    "hist_gradient_boosting.candidate.hyperparameters.classification.max_iter=10,"
    "catboost.candidate.hyperparameters.classification.iterations=10",
]
"""A small good run: its outputs are what failed runs must leave alone."""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A trained copy of the project, as working directory for the module."""
    path = tmp_path_factory.mktemp("project")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(path)
        make_project(path)
        result = kedro_run(*QUICK_TRAINING)
        assert result.exit_code == 0, result.output
        yield path


def write_table(project: Path, name: str, table: pd.DataFrame) -> str:
    path = project / name
    if path.suffix == ".csv":
        table.to_csv(path, index=False)
    else:
        table.to_parquet(path, index=False)
    return name


def write_file(project: Path, name: str, content: bytes) -> str:
    (project / name).write_bytes(content)
    return name


PETAL_WIDTH = "petal width (cm)"


def held_out(project: Path) -> pd.DataFrame:
    """The rows the module's model (trained on iris) holds out: a table it scores."""
    return pd.read_parquet(project / "data/05_model_input/X_test.parquet")


def labelled(rows: int = 40, label: object = None) -> pd.DataFrame:
    """A small valid two-class table; ``label`` replaces its labels."""
    table = pd.DataFrame(
        {
            "x": range(rows),
            "y": [1.5, 2.5] * (rows // 2),
            "label": ["a", "b"] * (rows // 2),
        }
    )
    if label is not None:
        table["label"] = label
    return table


def environment(project: Path, name: str, tracking_uri: str) -> str:
    """A configuration environment whose mlflow.yml points at ``tracking_uri``."""
    (project / "conf" / name).mkdir(exist_ok=True)
    (project / "conf" / name / "mlflow.yml").write_text(
        f"server:\n  mlflow_tracking_uri: {tracking_uri}\n"
    )
    return name


def file_params(name: str, target: str = "label", *more: str) -> list[str]:
    return [
        "--params",
        ",".join([f"data.filepath={name}", f"data.target={target}", *more]),
    ]


# (id, how to build the command options from the project, expected message regex,
#  data layers a failure may rewrite)
CASES = [
    # --- parameters (refused before any node runs, no MLflow run) ---
    (
        "unknown_model_family",
        lambda p: ["--params", "random_forest.candidate.family=svm"],
        r"random_forest\.candidate\.family = 'svm': Input should be 'linear', "
        r"'random_forest', 'hist_gradient_boosting' or 'catboost'",
        (),
    ),
    (
        "misspelt_key",
        lambda p: ["--params", "split.tset_size=0.3"],
        r"split: unknown key 'tset_size'; allowed keys: test_size, random_state",
        (),
    ),
    (
        "misspelt_top_level_key",
        lambda p: ["--params", "modeling.cv_folds=3"],
        r"modeling: unknown top-level key; allowed: .*catboost, data, .*modelling",
        (),
    ),
    (
        "negative_n_estimators",
        lambda p: [
            "--params",
            "random_forest.candidate.hyperparameters.classification.n_estimators=-5",
        ],
        r"random_forest\.candidate: classification hyperparameters: The "
        r"'n_estimators' parameter of RandomForestClassifier must be an int in the "
        r"range \[1, inf\)\. Got -5 instead",
        (),
    ),
    (
        "test_size_outside_0_1",
        lambda p: ["--params", "split.test_size=1.5"],
        r"split\.test_size = 1\.5: Input should be less than 1",
        (),
    ),
    (
        "unknown_champion_metric",
        lambda p: ["--params", "modelling.champion_metric.classification=auc"],
        r"modelling\.champion_metric\.classification = 'auc': Input should be "
        r"'accuracy', .*'roc_auc' or 'log_loss'",
        (),
    ),
    (
        "unknown_bundled_data_set",
        lambda p: ["--params", "data.dataset=titanic"],
        r"data\.dataset = 'titanic': Input should be 'breast_cancer', 'wine', "
        r"'iris', 'diabetes' or 'air_passengers'",
        (),
    ),
    # --- file problems (the first node fails while loading, nothing written) ---
    (
        "missing_file",
        lambda p: file_params("no_such_table.csv"),
        r"File not found: '/.*/no_such_table\.csv' \(data\.filepath\)",
        (),
    ),
    (
        "corrupt_csv",
        lambda p: file_params(write_file(p, "corrupt.csv", b'a,label\n1,"open\n')),
        r"Cannot read '/.*/corrupt\.csv' \(data\.filepath\) as CSV: .*EOF inside string",
        (),
    ),
    (
        "corrupt_parquet",
        lambda p: file_params(write_file(p, "corrupt.parquet", b"PAR1 truncated")),
        r"Cannot read '/.*/corrupt\.parquet' \(data\.filepath\) as Parquet: .*magic bytes",
        (),
    ),
    (
        "unsupported_extension",
        lambda p: file_params(write_file(p, "table.xlsx", b"PK")),
        r"Unsupported file type '\.xlsx' for data\.filepath='/.*/table\.xlsx'\. Use one "
        r"of: \.csv, \.parquet, \.pq",
        (),
    ),
    (
        "empty_file",
        lambda p: file_params(write_file(p, "empty.csv", b"")),
        r"File '/.*/empty\.csv' \(data\.filepath\) is empty",
        (),
    ),
    # --- data contracts on the table (first node, nothing written) ---
    (
        "target_column_missing",
        lambda p: ["--params", "data.target=diagnosis"],
        r"The table from data set breast_cancer breaks its data contract:\n"
        r"  - column 'diagnosis' \(data\.target\) is missing \(columns: 'mean radius'",
        (),
    ),
    (
        "table_without_rows",
        lambda p: file_params(write_table(p, "header_only.csv", labelled().head(0))),
        r"The table from header_only\.csv breaks its data contract:\n"
        r"  - the table has no rows",
        (),
    ),
    (
        "target_entirely_empty",
        lambda p: file_params(
            write_table(p, "no_labels.parquet", labelled().assign(label=None))
        ),
        r"column 'label' \(data\.target\) has no value in any row",
        (),
    ),
    (
        "single_class",
        lambda p: file_params(write_table(p, "one_class.csv", labelled(label="a"))),
        r"column 'label' holds a single class: a classifier needs at least 2",
        (),
    ),
    (
        "too_few_rows_per_class",
        lambda p: file_params(
            write_table(p, "rare.csv", labelled(label=["a"] * 36 + ["rare"] * 4))
        ),
        r"column 'label' has too few rows of some classes: each class needs at least "
        r"8 rows for 5-fold cross-validation on the 80% training split .* "
        r"\(values: 'rare'\)",
        (),
    ),
    (
        "text_target_for_regression",
        lambda p: file_params(
            write_table(p, "text.csv", labelled()), "label", "data.task=regression"
        ),
        r"column 'label' must hold numbers for regression \(data\.task\); these are "
        r"not numbers \(values: 'a', 'b'\)",
        (),
    ),
    (
        "duplicate_column_names",
        lambda p: file_params(
            write_file(p, "repeated.csv", b"x,x,label\n" + b"1,2,a\n3,4,b\n" * 20)
        ),
        r"File '/.*/repeated\.csv' \(data\.filepath\) repeats the column names 'x'",
        (),
    ),
    (
        "infinite_regression_target",
        lambda p: file_params(
            write_table(
                p,
                "infinite.csv",
                labelled(label=[float("inf"), -float("inf")] + list(range(38))),
            ),
            "label",
            "data.task=regression",
        ),
        r"column 'label' must hold finite numbers for regression; remove or replace "
        r"the infinite values \(values: 'inf', '-inf'\)",
        (),
    ),
    (
        "date_target",
        lambda p: file_params(
            write_table(
                p,
                "dates.csv",
                labelled(label=pd.date_range("2024-01-01", periods=40).astype(str)),
            )
        ),
        r"the target column 'label' \(data\.target\) holds dates, .* forecasting",
        (),
    ),
    (
        "nested_parquet_columns",
        lambda p: file_params(
            write_table(
                p,
                "nested.parquet",
                labelled().assign(tags=[[1, 2]] * 40, where=[{"a": 1}] * 40),
            )
        ),
        r"has nested values \(lists, arrays or structs\) in the columns 'tags', "
        r"'where'\. Flatten them",
        (),
    ),
    # --- features: empty and constant ones are dropped; none left is an error ---
    (
        "only_empty_or_constant_features",
        lambda p: file_params(
            write_table(p, "useless.parquet", labelled().assign(x=None, y=7.0))
        ),
        r"No usable feature to predict 'label': 'x' is entirely empty; 'y' is "
        r"constant\. Add informative columns",
        ("01_raw", "02_intermediate"),
    ),
    # --- tracking (refused before kedro-mlflow touches it, no MLflow run) ---
    (
        "tracking_server_unreachable",
        lambda p: [
            "--env",
            environment(p, "remote", f"http://127.0.0.1:{free_port()}"),
        ],
        r"MLflow tracking URI 'http://127\.0\.0\.1:\d+' cannot be used: the server "
        r"does not answer .*server\.mlflow_tracking_uri in conf/remote/mlflow\.yml",
        (),
    ),
    (
        "tracking_database_corrupt",
        lambda p: [
            "--env",
            environment(
                p,
                "corrupt",
                f"sqlite:///{write_file(p, 'garbage.db', b'not a database' * 100) and p}/garbage.db",
            ),
        ],
        r"MLflow tracking URI 'sqlite:///.*/garbage\.db' cannot be used: .*garbage\.db "
        r"is not a readable SQLite database \(file is not a database\); move it away",
        (),
    ),
    # --- inference (refused before anything is written) ---
    (
        "inference_unknown_alias",
        lambda p: [
            "--pipelines=inference",
            "--params",
            "inference.alias=staging",
        ],
        r"Registered model 'tabular_mlops' has no version with the alias 'staging' "
        r"\(aliases: champion\)",
        (),
    ),
    (
        "inference_table_missing_a_column",
        lambda p: [
            "--pipelines=inference",
            "--params",
            "inference.filepath="
            + write_table(p, "no_width.csv", held_out(p).drop(columns=PETAL_WIDTH)),
        ],
        r"The table to score does not match the model's features:\n"
        r"  - column 'petal width \(cm\)' is missing",
        (),
    ),
    (
        "inference_wrong_type",
        lambda p: [
            "--pipelines=inference",
            "--params",
            "inference.filepath="
            + write_table(p, "text.csv", held_out(p).assign(**{PETAL_WIDTH: "wide"})),
        ],
        r"column 'petal width \(cm\)' has values of the wrong type: wide",
        (),
    ),
    (
        "inference_empty_table",
        lambda p: [
            "--pipelines=inference",
            "--params",
            "inference.filepath=" + write_table(p, "none.parquet", held_out(p).head(0)),
        ],
        r"  - the table has no rows",
        (),
    ),
    (
        "tracking_database_unwritable",
        lambda p: [
            "--env",
            environment(p, "nowhere", f"sqlite:///{p}/no/such/folder/mlflow.db"),
        ],
        r"MLflow tracking URI 'sqlite:///.*/no/such/folder/mlflow\.db' cannot be "
        r"used: the folder .*/no/such/folder does not exist.* "
        r"conf/nowhere/mlflow\.yml",
        (),
    ),
]


@pytest.mark.parametrize(
    ("options", "message", "layers"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_gets_one_message_and_loses_nothing(
    project, options, message, layers
):
    before = snapshot(project)
    result = kedro_run(*options(project))

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    message_printed = printed_last(result)
    assert re.search(message, message_printed), message_printed
    assert not re.search(r"\b(INFO|WARNING)\b", message_printed)
    unchanged_except(before, snapshot(project), layers)


def test_a_run_that_fails_in_a_node_is_failed_in_mlflow(project):
    before = snapshot(project)
    assert kedro_run("--params", "data.target=diagnosis").exit_code == 1
    after = snapshot(project)
    (new_run,) = set(after) - set(before)
    assert after[new_run] == "FAILED"


def test_verbose_adds_the_traceback(project):
    result = kedro_run("--params", "split.test_size=2", "--verbose")
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.output
    assert printed_last(result).startswith("Error: Invalid parameters:\n")


def test_unexpected_errors_keep_their_traceback(project):
    result = kedro_run("--pipelines", "no_such_pipeline")
    assert result.exit_code == 1
    assert isinstance(result.exception, ValueError)
    assert "no_such_pipeline" in str(result.exception)


def test_kedro_run_prints_the_message_last_and_logs_the_traceback(project):
    """The real command: logs first, the message last, the traceback in info.log."""
    completed = subprocess.run(
        [Path(sys.executable).parent / "kedro", "run", "--params", "split.test_size=0"],
        cwd=project,
        capture_output=True,
        text=True,
        env=os.environ | {"DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "1"},
        check=False,
    )
    assert completed.returncode == 1
    assert "Traceback" not in completed.stdout + completed.stderr
    assert completed.stderr.rstrip().splitlines()[-2:] == [
        "  - split.test_size = 0: Input should be greater than 0",
        "Fix them in conf/base/parameters_*.yml (or your conf/<env>/) or in --params.",
    ]
    log = (project / "info.log").read_text()
    assert "Traceback (most recent call last)" in log
    assert "tabular_mlops.core.errors.InputError: Invalid parameters" in log


def test_a_good_run_after_a_failed_one_works(project):
    assert kedro_run("--params", "data.filepath=no_such_table.csv").exit_code == 1
    before = snapshot(project)

    # Forced: nothing changed since the module's first run, which would be reused.
    result = kedro_run(*QUICK_TRAINING, "--runner-params", "force=true")

    assert result.exit_code == 0, result.output
    after = snapshot(project)
    new_runs = [after[key] for key in set(after) - set(before) if "mlflow run" in key]
    assert new_runs == ["FINISHED"]
    champions = list((project / "data/06_models/champion_model.pkl").iterdir())
    assert len(champions) == 2  # the first run's champion is kept beside the new one


def test_a_corrupt_node_cache_is_ignored_with_a_warning_and_rebuilt(project):
    cache = project / "data/node_cache.json"
    cache.write_text("[not, a, record")
    result = kedro_run(*QUICK_TRAINING)
    assert result.exit_code == 0, result.output
    assert "Ignoring the unreadable node cache" in result.output
    assert json.loads(cache.read_text())  # rebuilt


def test_semicolon_and_tab_separated_files_and_a_numeric_target_name_train(project):
    table = labelled().rename(columns={"label": "10"})
    (project / "semicolons.csv").write_text(table.to_csv(index=False, sep=";"))
    (project / "tabs.csv").write_text(table.to_csv(index=False, sep="\t"))
    for name in ("semicolons.csv", "tabs.csv"):
        result = kedro_run(
            "--pipelines=data_processing",
            "--params",
            f"data.filepath={name},data.target=10",
        )
        assert result.exit_code == 0, result.output
        spec = json.loads((project / "data/03_primary/feature_spec.json").read_text())
        assert (spec["target"], spec["numeric"]) == ("10", ["y"])


def test_a_password_given_in_params_is_in_no_store_log_or_artefact(project):
    secret = "s3cret-Passw0rd"
    storage = f"postgresql://optuna:{secret}@127.0.0.1:1/tuning"
    result = kedro_run(
        "--pipelines=data_processing", "--params", f"tuning.storage={storage}"
    )
    assert result.exit_code == 0, result.output
    assert secret not in result.output
    for path in [project / "mlflow.db", project / "info.log", *project.rglob("*")]:
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    client = MlflowClient(f"sqlite:///{project}/mlflow.db")
    experiments = [e.experiment_id for e in client.search_experiments()]
    (latest,) = client.search_runs(
        experiments, order_by=["attributes.start_time DESC"], max_results=1
    )
    assert (
        "postgresql://optuna:***@127.0.0.1:1/tuning"
        in (latest.data.tags["runtime_params"])
    )
