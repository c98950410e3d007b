"""Monitoring: how a batch the model scores differs from the rows it was trained on.

The reference profile is built at training and travels inside the registered model.
Drift is a two-sample test per feature (Kolmogorov-Smirnov for numbers, chi-square
for categories), Bonferroni-corrected so that the whole batch raises a false alarm at
most ``alpha`` of the time, and counted only when the distance is large enough to
matter (Wasserstein in reference standard deviations; Jensen-Shannon for categories):
large batches make negligible shifts significant."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats
from scipy.spatial.distance import jensenshannon

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.features import FeatureSpec
from tabular_mlops.core.metrics import LOWER_IS_BETTER

PREDICTION = "predicted"
MISSING = "(missing)"


class MonitoringAlarm(InputError):
    """A batch crossed monitoring thresholds (drift, data quality, performance):
    ``alarms`` names each."""

    def __init__(self, source: str, alarms: list[str]) -> None:
        self.alarms = alarms
        super().__init__(
            f"batch {source} crossed monitoring thresholds: "
            + "; ".join(alarms)
            + ". Details: data/08_reporting/monitoring/report.html; thresholds: "
            "conf/base/parameters_monitor.yml"
        )


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce")


def _numeric_profile(values: pd.Series, sample_size: int, seed: int) -> dict[str, Any]:
    numbers = _numbers(values)
    present = numbers.dropna()
    sample = present.sample(min(sample_size, len(present)), random_state=seed)
    return {
        "kind": "numeric",
        "missing_rate": float(numbers.isna().mean()),
        "mean": float(present.mean()),
        "std": float(present.std()),
        "sample": sorted(float(value) for value in sample),
    }


def _categorical_profile(values: pd.Series) -> dict[str, Any]:
    counts = values.astype("string").fillna(MISSING).value_counts()
    return {
        "kind": "categorical",
        "missing_rate": float(values.isna().mean()),
        "counts": {str(key): int(value) for key, value in counts.items()},
    }


def _profile(
    values: pd.Series, numeric: bool, sample_size: int, seed: int
) -> dict[str, Any]:
    if numeric:
        return _numeric_profile(values, sample_size, seed)
    return _categorical_profile(values)


def reference_profile(
    X_train: pd.DataFrame,
    held_out_predictions: pd.DataFrame,
    held_out_metrics: dict[str, float],
    feature_spec: FeatureSpec,
    sample_size: int,
    seed: int,
) -> dict[str, Any]:
    """Per feature of the training rows: missing rate and a sample of values
    (numbers) or category counts; the distribution of the predictions on the
    held-out rows; the held-out metrics. JSON-ready."""
    numeric = set(feature_spec["numeric"])
    columns = [*feature_spec["numeric"], *feature_spec["categorical"]]
    return {
        "rows": len(X_train),
        "features": {
            column: _profile(X_train[column], column in numeric, sample_size, seed)
            for column in columns
        },
        "prediction": _profile(
            held_out_predictions[PREDICTION],
            feature_spec["task"] == "regression",
            sample_size,
            seed,
        ),
        "metrics": held_out_metrics,
    }


def _numeric_drift(
    reference: dict[str, Any], values: pd.Series, independent: float
) -> tuple[float, float]:
    """KS p-value (asymptotic, counting ``independent`` of the batch's rows), and
    the Wasserstein distance in reference standard deviations."""
    batch = _numbers(values).dropna().to_numpy()
    if not len(batch) or not reference["sample"]:
        return 1.0, 0.0
    statistic = stats.ks_2samp(reference["sample"], batch).statistic
    n, m = len(reference["sample"]), len(batch) * independent
    p_value = stats.kstwobign.sf(statistic * np.sqrt(n * m / (n + m)))
    scale = reference["std"] or 1.0
    return float(p_value), float(
        stats.wasserstein_distance(reference["sample"], batch) / scale
    )


def _categorical_drift(
    reference: dict[str, Any], values: pd.Series, independent: float
) -> tuple[float, float]:
    """Chi-square p-value of the reference and batch counts (new categories
    included; the batch's weighted by ``independent``), and their Jensen-Shannon
    distance."""
    counts = values.astype("string").fillna(MISSING).value_counts()
    categories = sorted(set(reference["counts"]) | set(map(str, counts.index)))
    table = np.array(
        [
            [reference["counts"].get(category, 0) for category in categories],
            [independent * counts.get(category, 0) for category in categories],
        ]
    )
    if len(categories) < 2 or not table[1].sum():
        return 1.0, 0.0
    p_value = stats.chi2_contingency(table).pvalue
    distance = jensenshannon(
        table[0] / table[0].sum(), table[1] / table[1].sum(), base=2
    )
    return float(p_value), float(distance)


def _drift(
    reference: dict[str, Any], values: pd.Series, independent: float
) -> tuple[float, float]:
    if reference["kind"] == "numeric":
        return _numeric_drift(reference, values, independent)
    return _categorical_drift(reference, values, independent)


def performance_drop(metric: str, held_out: float, batch: float) -> float:
    """How much worse the batch scores than the held-out rows (positive: worse)."""
    return batch - held_out if metric in LOWER_IS_BETTER else held_out - batch


def monitoring_report(
    batch: pd.DataFrame,
    predictions: pd.DataFrame,
    reference: dict[str, Any],
    quality: dict[str, Any],
    batch_metrics: dict[str, float] | None,
    thresholds: dict[str, Any],
) -> dict[str, Any]:
    """Drift per feature and of the predictions, data quality and, with labels,
    performance against the held-out metrics; each problem named in ``alarms``.

    ``quality`` holds the contract's counts (rows, and rows per column with unseen
    categories or values outside the training range)."""
    tests = {**reference["features"], PREDICTION: reference["prediction"]}
    alpha = thresholds["alpha"] / len(tests)  # Bonferroni: per batch, not per test
    rows = max(len(batch), 1)
    # The tests assume independent rows: a repeated row (a re-sent record, a batch
    # re-sampled with replacement) adds no evidence, so only distinct rows count.
    independent = len(batch[list(reference["features"])].drop_duplicates()) / rows
    features: dict[str, dict[str, Any]] = {}
    for column, profile in tests.items():
        values = predictions[PREDICTION] if column == PREDICTION else batch[column]
        p_value, distance = _drift(profile, values, independent)
        features[column] = {
            "kind": profile["kind"],
            "p_value": p_value,
            "distance": distance,
            "drifted": p_value < alpha and distance >= thresholds["min_distance"],
            "reference_missing_rate": profile["missing_rate"],
            "missing_rate": float(values.isna().mean()),
            "unseen_share": quality["unseen_category_rows"].get(column, 0) / rows,
            "out_of_range_share": quality["out_of_range_rows"].get(column, 0) / rows,
        }
    drifted = [
        name for name, row in features.items() if row["drifted"] and name != PREDICTION
    ]
    alarms = [
        f"{name} drifted (p={row['p_value']:.2g}, distance {row['distance']:.2f})"
        for name, row in features.items()
        if row["drifted"]
    ]
    limits = {
        "missing-rate increase": (
            lambda row: row["missing_rate"] - row["reference_missing_rate"],
            thresholds["max_missing_increase"],
        ),
        "rows with unseen categories": (
            lambda row: row["unseen_share"],
            thresholds["max_unseen_share"],
        ),
        "rows outside the training range": (
            lambda row: row["out_of_range_share"],
            thresholds["max_out_of_range_share"],
        ),
    }
    for what, (value, limit) in limits.items():
        alarms += [
            f"{name}: {what} {value(row):.0%} > {limit:.0%}"
            for name, row in features.items()
            if value(row) > limit
        ]
    performance = {}
    if batch_metrics is not None:
        performance = {
            metric: {
                "held_out": reference["metrics"][metric],
                "batch": value,
                "drop": performance_drop(metric, reference["metrics"][metric], value),
            }
            for metric, value in batch_metrics.items()
            if metric in reference["metrics"]
        }
        alarms += [
            f"{metric} worsened from {row['held_out']:.4f} (held-out rows) to "
            f"{row['batch']:.4f}"
            for metric, row in performance.items()
            if row["drop"] > thresholds["max_metric_drop"]
        ]
    return {
        "rows": len(batch),
        "features": features,
        "drifted_share": len(drifted) / max(len(reference["features"]), 1),
        "performance": performance,
        "alarms": alarms,
    }


def monitoring_metrics(
    report: dict[str, Any], step: int
) -> dict[str, dict[str, float]]:
    """The report's figures as MLflow metrics at ``step`` (the batch), so that the
    MLflow UI charts them over successive batches."""
    values = {
        "monitor.rows": report["rows"],
        "monitor.drifted_share": report["drifted_share"],
        "monitor.alarms": len(report["alarms"]),
        **{
            f"drift.{name}.{figure}": row[figure]
            for name, row in report["features"].items()
            for figure in ("distance", "p_value", "missing_rate")
        },
        **{
            f"performance.{metric}": row["batch"]
            for metric, row in report["performance"].items()
        },
    }
    return {
        name: {"value": float(value), "step": step} for name, value in values.items()
    }


def check_alarms(report: dict[str, Any], source: str) -> None:
    """Raise ``MonitoringAlarm`` naming every crossed threshold."""
    if report["alarms"]:
        raise MonitoringAlarm(source, report["alarms"])


def drift_figure(report: dict[str, Any], min_distance: float) -> go.Figure:
    """Each feature's drift distance, drifted ones in red, with the threshold."""
    rows = sorted(report["features"].items(), key=lambda item: item[1]["distance"])
    figure = go.Figure(
        go.Bar(
            x=[row["distance"] for _, row in rows],
            y=[name for name, _ in rows],
            orientation="h",
            marker_color=[
                "#d62728" if row["drifted"] else "#1f77b4" for _, row in rows
            ],
            customdata=[row["p_value"] for _, row in rows],
            hovertemplate="%{y}: distance %{x:.3f}, p=%{customdata:.2g}<extra></extra>",
        )
    )
    figure.add_vline(x=min_distance, line_dash="dash", annotation_text="min distance")
    figure.update_layout(
        title="Drift per feature (red: drifted)",
        xaxis_title="distance to the training rows (Wasserstein in std / Jensen-Shannon)",
        height=max(300, 22 * len(rows) + 120),
        margin={"l": 10},
    )
    return figure


def report_html(report: dict[str, Any], figure: go.Figure, title: str) -> str:
    """A self-contained page (plotly.js inlined: it opens offline): the verdict,
    the drift figure, the table per feature and the performance."""
    verdict = (
        "<p class='alarm'>ALARM: "
        + "<br>".join(map(html.escape, report["alarms"]))
        + "</p>"
        if report["alarms"]
        else "<p class='ok'>No threshold crossed.</p>"
    )
    table = pd.DataFrame(report["features"]).T.rename_axis("feature")
    performance = (
        pd.DataFrame(report["performance"])
        .T.rename_axis("metric")
        .to_html(float_format="%.4f")
        if report["performance"]
        else "<p>The batch has no labels: performance not measured.</p>"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
        "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:"
        "collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
        ".alarm{color:#b00;font-weight:bold}.ok{color:#070;font-weight:bold}</style>"
        f"</head><body><h1>{html.escape(title)}</h1>{verdict}"
        f"<p>{report['rows']} rows; drifted features: {report['drifted_share']:.0%}.</p>"
        + figure.to_html(full_html=False, include_plotlyjs=True)
        + "<h2>Per feature</h2>"
        + table.to_html(float_format=lambda value: f"{value:.4g}")
        + "<h2>Performance</h2>"
        + performance
        + "</body></html>"
    )


NEW_CATEGORY = "(new in monitoring demo)"


def demo_batches(
    rows: pd.DataFrame, feature_spec: FeatureSpec, count: int, unchanged: int, seed: int
) -> list[tuple[str, pd.DataFrame]]:
    """``count`` batches re-sampled from ``rows`` (held-out rows with their target):
    the first ``unchanged`` as they are, then a shift growing by a quarter of a
    standard deviation per batch in the first numeric feature and, when there is one,
    a new category taking a growing share of the first categorical feature. Each with
    a sentence saying what was changed."""
    rng = np.random.default_rng(seed)
    numeric = feature_spec["numeric"][0] if feature_spec["numeric"] else None
    categorical = (
        feature_spec["categorical"][0] if feature_spec["categorical"] else None
    )
    batches = []
    for index in range(count):
        batch = rows.sample(len(rows), replace=True, random_state=rng.integers(2**31))
        batch = batch.reset_index(drop=True)
        level = max(index + 1 - unchanged, 0)
        changes = []
        if level and numeric:
            shift = 0.25 * level
            batch[numeric] = (
                _numbers(batch[numeric]) + shift * _numbers(rows[numeric]).std()
            )
            changes.append(f"'{numeric}' shifted by {shift:.2f} std")
        if level and categorical:
            share = min(0.1 * level, 1.0)
            replaced = rng.random(len(batch)) < share
            batch[categorical] = (
                batch[categorical].astype(object).where(~replaced, NEW_CATEGORY)
            )
            changes.append(f"'{categorical}': {share:.0%} of rows a new category")
        batches.append((", ".join(changes) or "unchanged", batch))
    return batches
