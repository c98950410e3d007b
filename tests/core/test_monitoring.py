import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from tabular_mlops.core import monitoring
from tabular_mlops.core.contracts import check_features
from tabular_mlops.core.metrics import score_model
from tests.conftest import REPO_ROOT

THRESHOLDS = yaml.safe_load(
    (REPO_ROOT / "conf/base/parameters_monitor.yml").read_text()
)["monitor"]
SPEC = {
    "task": "binary",
    "target": "label",
    "numeric": ["age", "income", "score"],
    "categorical": ["city"],
    "datetime": [],
    "categories": {"city": ["Lille", "Lyon", "Nice", "Paris"]},
}


def table(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(
        {
            "age": rng.normal(45, 12, rows).round(),
            "income": rng.lognormal(10, 0.4, rows),
            "score": rng.uniform(0, 1, rows),
            "city": rng.choice(
                ["Paris", "Lyon", "Nice", "Lille"], rows, p=[0.4, 0.3, 0.2, 0.1]
            ),
        }
    )
    risk = (data["age"] - 45) / 12 + (data["city"] == "Nice") + rng.normal(0, 0.7, rows)
    return data.assign(label=(risk > 0).astype(int))


TRAIN, HELD_OUT = table(800, 1), table(200, 2)
MODEL = make_pipeline(
    make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["city"]),
        remainder=make_pipeline(SimpleImputer(), StandardScaler()),
    ),
    LogisticRegression(max_iter=1000),
).fit(TRAIN.drop(columns="label"), TRAIN["label"])


def predictions(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"predicted": MODEL.predict(rows[MODEL.feature_names_in_])})


def features(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.drop(columns="label")


REFERENCE = monitoring.reference_profile(
    features(TRAIN),
    predictions(HELD_OUT),
    score_model(MODEL, features(HELD_OUT), HELD_OUT["label"], "binary"),
    SPEC,
    sample_size=1000,
    seed=0,
)
RANGES = {
    "ranges": {
        column: [TRAIN[column].min(), TRAIN[column].max()] for column in SPEC["numeric"]
    }
}


def report(batch: pd.DataFrame, labelled: bool = False) -> dict:
    quality = check_features(batch, SPEC | RANGES).summary()
    batch_metrics = (
        score_model(MODEL, features(batch), batch["label"], "binary")
        if labelled
        else None
    )
    return monitoring.monitoring_report(
        batch, predictions(batch), REFERENCE, quality, batch_metrics, THRESHOLDS
    )


def resampled(seed: int) -> pd.DataFrame:
    return HELD_OUT.sample(len(HELD_OUT), replace=True, random_state=seed).reset_index(
        drop=True
    )


def test_the_profile_describes_training_rows_predictions_and_metrics():
    assert REFERENCE["rows"] == 800
    assert set(REFERENCE["features"]) == {"age", "income", "score", "city"}
    assert len(REFERENCE["features"]["age"]["sample"]) == 800
    assert (
        REFERENCE["features"]["city"]["counts"]["Paris"]
        == (TRAIN["city"] == "Paris").sum()
    )
    assert REFERENCE["prediction"]["kind"] == "categorical"
    assert 0.5 < REFERENCE["metrics"]["roc_auc"] <= 1


def test_unchanged_batches_raise_at_most_one_false_alarm_in_twenty():
    alarms = [report(resampled(seed))["alarms"] for seed in range(20)]
    assert sum(map(bool, alarms)) <= 1, alarms


def test_a_numeric_feature_shifted_by_one_std_is_detected_and_named():
    batch = resampled(0).assign(
        income=lambda rows: rows["income"] + TRAIN["income"].std()
    )
    result = report(batch)
    assert result["features"]["income"]["drifted"]
    assert any(alarm.startswith("income drifted") for alarm in result["alarms"])
    assert result["drifted_share"] >= 0.25


def test_a_new_frequent_category_is_detected_and_named():
    batch = resampled(0)
    batch.loc[batch.index[::3], "city"] = "Marseille"
    result = report(batch)
    assert result["features"]["city"]["drifted"]
    assert any(alarm.startswith("city drifted") for alarm in result["alarms"])
    assert any(
        "city: rows with unseen categories" in alarm for alarm in result["alarms"]
    )


def test_more_missing_values_are_a_quality_alarm():
    batch = resampled(0)
    batch.loc[batch.index[::4], "score"] = np.nan
    assert any(
        "score: missing-rate increase 25%" in alarm for alarm in report(batch)["alarms"]
    )


def test_shuffled_labels_show_the_performance_decay():
    batch = resampled(0)
    batch["label"] = batch["label"].sample(frac=1, random_state=0).to_numpy()
    result = report(batch, labelled=True)
    assert result["performance"]["accuracy"]["drop"] > THRESHOLDS["max_metric_drop"]
    assert any(alarm.startswith("accuracy worsened") for alarm in result["alarms"])
    assert report(resampled(0), labelled=True)["alarms"] == []


def test_a_lower_is_better_metric_drops_when_it_rises():
    assert monitoring.performance_drop(
        "log_loss", held_out=0.1, batch=0.4
    ) == pytest.approx(0.3)
    assert monitoring.performance_drop(
        "accuracy", held_out=0.9, batch=0.6
    ) == pytest.approx(0.3)


def test_alarms_are_raised_naming_each_one_and_metrics_carry_the_step():
    result = report(resampled(0).assign(income=lambda rows: rows["income"] * 3))
    with pytest.raises(
        monitoring.MonitoringAlarm, match="batch b.csv crossed .*income drifted"
    ):
        monitoring.check_alarms(result, "b.csv")
    logged = monitoring.monitoring_metrics(result, step=7)
    assert logged["drift.income.distance"]["step"] == 7
    assert logged["monitor.drifted_share"]["value"] == result["drifted_share"]


def test_the_html_report_is_self_contained():
    page = monitoring.report_html(
        report(resampled(0)), monitoring.drift_figure(report(resampled(0)), 0.1), "t"
    )
    assert "No threshold crossed." in page
    assert '<script type="text/javascript">' in page  # plotly.js inside the page
    assert "<script src=" not in page and "<link" not in page


def test_demo_batches_start_unchanged_then_shift_and_add_a_category():
    batches = monitoring.demo_batches(HELD_OUT, SPEC, count=5, unchanged=2, seed=0)
    assert [change for change, _ in batches][:2] == ["unchanged", "unchanged"]
    change, last = batches[-1]
    assert change == "'age' shifted by 0.75 std, 'city': 30% of rows a new category"
    assert last["age"].mean() > HELD_OUT["age"].mean() + 0.5 * HELD_OUT["age"].std()
    assert (last["city"] == monitoring.NEW_CATEGORY).mean() > 0.15
