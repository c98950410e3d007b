"""Forecasting end to end: a user's table of three stores' daily sales (trend, weekly
season, noise, a gap) through ``data.task=forecasting``: backtested, logged,
registered, forecast by ``inference``, served over REST and loaded where only its
requirements are; bad tables refused with one line; the bundled air passengers
series through the real ``kedro run --pipelines=train``."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
import requests
from click.testing import CliRunner, Result

from tabular_mlops.cli import cli
from tabular_mlops.core.forecasters import BASELINE_FAMILY, FORECASTING_FAMILIES
from tests.conftest import kedro, make_project, model_server
from tests.e2e.conftest import (
    install_clean_python,
    predict_in,
    printed_last,
    snapshot,
    tracking_store,
    unchanged_except,
)

pytestmark = pytest.mark.integration

MODEL = "store_sales"
HORIZON = 14
STORES = {"north": (100.0, 0.8), "south": (60.0, 0.5), "east": (150.0, -0.3)}
WEEKLY = np.array([0.8, 0.9, 1.0, 1.0, 1.2, 1.6, 1.3])


def store_sales(days: int = 364) -> pd.DataFrame:
    """Daily sales of three stores: a level with a trend, times a weekly pattern,
    plus noise, and the day's temperature (an exogenous column); north misses two
    days. Seasonal naive repeats last week, so it
    trails every trend by a week."""
    rng = np.random.default_rng(0)
    dates = pd.date_range("2024-01-01", periods=days, freq="D")
    parts = [
        pd.DataFrame(
            {
                "date": dates.strftime("%Y-%m-%d"),
                "store": store,
                "sales": (
                    (level + growth * np.arange(days)) * WEEKLY[dates.day_of_week]
                    + rng.normal(0, 2, days)
                ).round(2),
                "temperature": rng.normal(15, 5, days).round(1),
            }
        )
        for store, (level, growth) in STORES.items()
    ]
    return pd.concat(parts, ignore_index=True).drop(index=[40, 41])


STORE_PARAMS = ",".join(
    [
        "data.task=forecasting",
        "data.filepath=stores.csv",
        "data.target=sales",
        "data.series_column=store",
        f"data.horizon={HORIZON}",
        "forecasting.folds=2",
        "lag_catboost.forecaster.hyperparameters.iterations=100",
        f"registry.forecasting_model_name={MODEL}",
    ]
)


def kedro_run(*options: str) -> Result:
    """``kedro run`` in-process, through the project's CLI."""
    return CliRunner().invoke(cli, ["run", *options])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A project trained on the stores' table, as working directory for the module."""
    path = make_project(tmp_path_factory.mktemp("forecasting"))
    store_sales().to_csv(path / "stores.csv", index=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(path)
        result = kedro_run("--pipelines=train", "--params", STORE_PARAMS)
        assert result.exit_code == 0, result.output
        (path / "train.log").write_text(result.output)
        yield path


@pytest.fixture(scope="module")
def client(project: Path) -> Iterator[mlflow.MlflowClient]:
    with tracking_store(project) as client:
        yield client


def comparison(project: Path) -> pd.DataFrame:
    return pd.read_csv(project / "data/08_reporting/candidate_comparison.csv")


def test_train_runs_the_forecasting_pipeline_and_says_what_it_filled(project):
    log = (project / "train.log").read_text()
    assert "data.task is forecasting: running train_forecasting." in log
    assert "Filled 2 missing time steps (interpolate, forecasting.fill_gaps)." in log
    assert re.search(r"Candidates by mean backtest mase \(lower is better\)", log)
    spec = json.loads((project / "data/03_primary/series_spec.json").read_text())
    assert spec["frequency"] == "D" and spec["season_length"] == 7
    assert spec["series"] == ["east", "north", "south"] and spec["gaps_filled"] == 2
    assert spec["exogenous"] == ["temperature"]
    assert (
        "Exogenous columns, read by the lag models 14 steps later: temperature." in log
    )


def test_the_test_window_comes_after_every_history_step_of_its_series(project):
    history = pd.read_parquet(project / "data/05_model_input/history.parquet")
    test = pd.read_parquet(project / "data/05_model_input/test_window.parquet")
    assert test.groupby("unique_id").size().eq(HORIZON).all()
    last_seen = history.groupby("unique_id")["ds"].max()
    first_tested = test.groupby("unique_id")["ds"].min()
    assert (first_tested - last_seen).eq(pd.Timedelta(days=1)).all()


def test_every_forecaster_is_scored_and_logged_like_the_tabular_candidates(
    project, client
):
    version = client.get_model_version_by_alias(MODEL, "champion")
    metrics = client.get_run(version.run_id).data.metrics
    for family in FORECASTING_FAMILIES:
        for name in ("mae", "rmse", "mape", "smape", "mase"):
            assert (
                f"{family}.cv_{name}" in metrics and f"{family}.test_{name}" in metrics
            )
        assert f"{family}.cv_mase_std" in metrics
    assert 0 <= metrics["champion.test_coverage"] <= 1
    champion = comparison(project).iloc[0]
    assert metrics["champion.test_mase"] == pytest.approx(champion["test_mase"])
    assert version.tags["family"] == champion["family"]


def test_statistical_and_lag_forecasters_beat_seasonal_naive_on_mase(project):
    table = comparison(project).set_index("family")
    print(table[["cv_mase", "test_mase", "test_coverage"]].to_string())  # noqa: T201
    baseline = table.loc[BASELINE_FAMILY]
    for family in set(FORECASTING_FAMILIES) - {BASELINE_FAMILY}:
        assert table.loc[family, "cv_mase"] < baseline["cv_mase"], family
        assert table.loc[family, "test_mase"] < baseline["test_mase"], family
    assert table.index[0] != BASELINE_FAMILY


def test_the_figures_are_written_for_kedro_viz_and_as_a_picture(project):
    reporting = project / "data/08_reporting"
    for name in ("test_forecast", "backtest_errors", "residual_autocorrelation"):
        figure = json.loads((reporting / f"{name}_plot.json").read_text())
        assert figure["data"], name
    forecast = json.loads((reporting / "test_forecast_plot.json").read_text())
    assert {trace["name"] for trace in forecast["data"]} >= {
        "history",
        "test window (actual)",
        "prediction interval",
    }
    assert (reporting / "test_forecast.png").read_bytes().startswith(b"\x89PNG")


def test_inference_forecasts_the_steps_after_each_series(project):
    result = kedro_run("--pipelines=inference", "--params", STORE_PARAMS)
    assert result.exit_code == 0, result.output
    forecasts = pd.read_parquet(project / "data/07_model_output/forecasts.parquet")
    assert forecasts.groupby("unique_id").size().to_dict() == dict.fromkeys(
        sorted(STORES), HORIZON
    )
    assert forecasts["ds"].min() == pd.Timestamp("2024-12-30")  # after the last day
    assert (forecasts["lo"] <= forecasts["forecast"]).all()
    assert (forecasts["forecast"] <= forecasts["hi"]).all()


@pytest.fixture(scope="module")
def registered(client, tmp_path_factory) -> Path:
    return Path(
        mlflow.artifacts.download_artifacts(
            f"models:/{MODEL}@champion", dst_path=str(tmp_path_factory.mktemp("model"))
        )
    )


def recent_history(project: Path, store: str, steps: int) -> pd.DataFrame:
    """A store's last ``steps`` days as a request sends them: dates as text."""
    table = pd.read_parquet(project / "data/03_primary/primary_series.parquet")
    rows = table[table["unique_id"] == store].tail(steps)
    return rows.assign(ds=rows["ds"].dt.strftime("%Y-%m-%d"))


def test_rest_forecasts_after_the_fitted_history_or_after_a_sent_one(project):
    history = recent_history(project, "south", 60)
    requests_and_first_days = [
        (pd.DataFrame({"unique_id": ["north", "east"]}), "2024-12-30"),
        (history.head(50), pd.Timestamp(history["ds"].iloc[49]) + pd.Timedelta(days=1)),
    ]
    with model_server(
        f"models:/{MODEL}@champion",
        Path(sys.executable),
        MLFLOW_TRACKING_URI=f"sqlite:///{project}/mlflow.db",
    ) as url:
        for rows, first_day in requests_and_first_days:
            payload = {"dataframe_split": json.loads(rows.to_json(orient="split"))}
            response = requests.post(f"{url}/invocations", json=payload, timeout=60)
            assert response.status_code == 200, response.text
            served = pd.DataFrame(response.json()["predictions"])
            assert len(served) == HORIZON * rows["unique_id"].nunique()
            assert pd.Timestamp(served["ds"].min()) == pd.Timestamp(first_day)
        too_short = {
            "dataframe_split": json.loads(history.head(5).to_json(orient="split"))
        }
        response = requests.post(f"{url}/invocations", json=too_short, timeout=60)
    assert response.status_code == 400
    assert "Send at least 42 steps of each series' history" in response.text


def test_the_registered_forecaster_forecasts_the_same_where_only_its_requirements_are(
    project, registered, tmp_path
):
    requirements = (registered / "requirements.txt").read_text().split()
    assert {line.split("==")[0] for line in requirements} >= {
        "mlflow-skinny",
        "pandas",
        "cloudpickle",
    }
    assert {"statsforecast", "mlforecast"} & {
        line.split("==")[0] for line in requirements
    }
    rows = recent_history(project, "east", 42)
    python = install_clean_python(registered / "requirements.txt", tmp_path)
    in_project = mlflow.pyfunc.load_model(str(registered)).predict(rows)
    served = predict_in(python, registered, rows, tmp_path)
    assert served["forecast"] == pytest.approx(in_project["forecast"].tolist())


def write(project: Path, name: str, table: pd.DataFrame) -> str:
    table.to_csv(project / name, index=False)
    return name


def stores_with(project: Path, name: str, change) -> str:
    return write(project, name, change(store_sales()))


CASES = [
    (
        "time_column_missing",
        lambda p: "data.time_column=day",
        r"data.time_column 'day' is not a column of the table \(columns: date, "
        r"store, sales, temperature\)",
    ),
    (
        "time_column_not_dates",
        lambda p: (
            "data.filepath="
            + stores_with(p, "words.csv", lambda t: t.assign(date="soon"))
        ),
        r"data.time_column 'date' is not parseable as dates",
    ),
    (
        "duplicated_time_steps",
        lambda p: (
            "data.filepath="
            + stores_with(p, "twice.csv", lambda t: pd.concat([t, t.tail(3)]))
        ),
        r"6 rows share a time step of series 'east' .*Aggregate them first",
    ),
    (
        "series_too_short",
        lambda p: f"data.horizon={HORIZON},forecasting.folds=30",
        r"Series 'east' \(364 steps\), 'north' \(364 steps\), 'south' \(364 steps\) "
        r"are shorter than data.horizon x \(forecasting.folds \+ 1\) = 434 steps",
    ),
    (
        "target_not_numeric",
        lambda p: "data.target=store",
        r"data.target 'store' is not numeric \(values such as 'north'\)",
    ),
    (
        "irregular_timestamps",
        lambda p: (
            "data.filepath="
            + stores_with(
                p,
                "irregular.csv",
                lambda t: t.assign(
                    date=(
                        pd.Timestamp("2024-01-01")
                        + pd.to_timedelta(np.arange(len(t)) * 97, unit="min")
                    ).strftime("%Y-%m-%d %H:%M")
                ),
            )
        ),
        r"The timestamps are irregular.*Set data.frequency",
    ),
    (
        "mape_with_zeros",
        lambda p: (
            "forecasting.champion_metric=mape,data.filepath="
            + stores_with(
                p,
                "closed_day.csv",
                lambda t: t.assign(sales=t["sales"].mask(t.index == 9, 0)),
            )
        ),
        r"champion_metric 'mape' cannot rank the forecasters: series '\w+' has zeros",
    ),
]


@pytest.mark.parametrize(
    ("params", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_series_get_one_message_and_lose_nothing(project, params, message):
    before = snapshot(project)
    result = kedro_run(
        "--pipelines=train", "--params", f"{STORE_PARAMS},{params(project)}"
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    printed = printed_last(result)
    assert re.search(message, printed), printed
    unchanged_except(before, snapshot(project), ())


def test_the_bundled_air_passengers_series_trains_from_kedro_run_train(tmp_path):
    project = make_project(tmp_path)
    completed = kedro(
        project,
        "run",
        "--pipelines=train",
        "--params",
        "data.task=forecasting,data.dataset=air_passengers",
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    table = comparison(project).set_index("family")
    assert table.index[0] != BASELINE_FAMILY
    assert table["test_mase"].iloc[0] < table.loc[BASELINE_FAMILY, "test_mase"]
    assert table["test_mape"].notna().all()  # no zeros in the series
    assert "Registered as champion: first model of 'tabular_mlops_forecasting'" in (
        completed.stderr
    )


def test_a_forecasting_run_rebuilds_identically_from_its_snapshot(project, client):
    version = client.get_model_version_by_alias(MODEL, "champion")
    versions_before = len(client.search_model_versions(f"name = '{MODEL}'"))
    result = CliRunner().invoke(cli, ["reproduce", version.run_id])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"identical: run \w+ rebuilt run \w+; its \d+ metrics and its "
        r"test predictions match",
        result.output,
    ), result.output[-2000:]
    assert len(client.search_model_versions(f"name = '{MODEL}'")) == versions_before
