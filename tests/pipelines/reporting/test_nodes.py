import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from tabular_mlops.pipelines.reporting.nodes import (
    break_down_performance,
    collect_tracked_metrics,
    compute_feature_importance,
    package_champion,
    plot_cv_spread,
    plot_diagnostics,
    plot_feature_importance,
    predict_test_set,
    render_report,
)

MODELLING = {"random_state": 0, "champion_metric": {"classification": "roc_auc"}}
REPORTING = {
    "permutation_repeats": 2,
    "permutation_max_rows": 1000,
    "permutation_max_features": 50,
    "top_features": 3,
    "input_example_rows": 4,
}


def test_predictions_hold_actual_predicted_and_probabilities(fitted):
    model, X, y, spec = fitted
    predictions = predict_test_set(model, X, y, spec)
    assert list(predictions.columns) == [
        "actual",
        "predicted",
        "proba_neg",
        "proba_pos",
    ]
    assert np.allclose(predictions[["proba_neg", "proba_pos"]].sum(axis=1), 1)


def test_regression_predictions_have_no_probabilities():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]})
    y = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0]})
    predictions = predict_test_set(
        Ridge().fit(X, y["y"]), X, y, {"target": "y", "task": "regression"}
    )
    assert list(predictions.columns) == ["actual", "predicted"]


def test_classification_diagnostics(fitted):
    model, X, y, spec = fitted
    figures = plot_diagnostics(predict_test_set(model, X, y, spec), spec)
    assert list(figures) == [
        "confusion_matrix",
        "roc_curve",
        "pr_curve",
        "calibration_curve",
    ]
    matrix = figures["confusion_matrix"].data[0]
    assert matrix.type == "heatmap" and np.asarray(matrix.z).sum() == len(X)
    (curve, chance) = figures["roc_curve"].data
    assert curve.name.startswith("pos (AUC 0.") and chance.name == "chance"
    # binary: the positive class's curves, not one vs rest
    assert figures["roc_curve"].layout.title.text == "ROC curve (test set)"
    assert figures["pr_curve"].data[0].name.startswith("pos (AP 0.")
    calibration, perfect = figures["calibration_curve"].data
    assert calibration.name == "pos" and perfect.name == "perfectly calibrated"


MULTICLASS = pd.DataFrame(
    {
        "actual": ["a", "b", "c", "a"],
        "predicted": ["a", "b", "b", "a"],
        "proba_a": [0.8, 0.1, 0.1, 0.7],
        "proba_b": [0.1, 0.8, 0.5, 0.2],
        "proba_c": [0.1, 0.1, 0.4, 0.1],
    }
)


def test_multiclass_curves_have_one_line_per_class():
    figures = plot_diagnostics(MULTICLASS, {"task": "multiclass"})
    assert [trace.name for trace in figures["roc_curve"].data] == [
        "a (AUC 1.000)",
        "b (AUC 1.000)",
        "c (AUC 1.000)",
        "chance",
    ]
    assert figures["roc_curve"].layout.title.text == "ROC curve, one vs rest (test set)"
    assert [trace.name for trace in figures["pr_curve"].data] == [
        "a (AP 1.000)",
        "b (AP 1.000)",
        "c (AP 1.000)",
    ]


def test_the_breakdown_has_precision_recall_and_f1_per_class():
    breakdown = break_down_performance(MULTICLASS, {"task": "multiclass"})
    assert breakdown["class"].tolist() == ["a", "b", "c"]
    by_class = breakdown.set_index("class")
    # b: predicted twice, right once; c: never predicted
    assert by_class.loc["b", ["precision", "recall", "rows"]].tolist() == [0.5, 1, 1]
    assert by_class.loc["c", ["precision", "recall", "f1"]].tolist() == [0, 0, 0]
    assert by_class.loc["a", "f1"] == 1


REGRESSION = pd.DataFrame(
    {
        "actual": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
        "predicted": [1.5, 2.0, 2.5, 4.0, 5.0, 6.0, 6.0, 10.0],
    }
)


def test_regression_diagnostics():
    figures = plot_diagnostics(REGRESSION, {"task": "regression"})
    assert list(figures) == ["residuals", "predicted_vs_actual"]
    assert list(figures["residuals"].data[0].y[:3]) == [-0.5, 0.0, 0.5]
    assert figures["predicted_vs_actual"].layout.title.text.startswith("Predicted vs")


def test_the_regression_breakdown_has_the_errors_per_quartile_of_the_target():
    breakdown = break_down_performance(REGRESSION, {"task": "regression"})
    assert breakdown["rows"].tolist() == [2, 2, 2, 2]
    assert breakdown["mae"].tolist() == pytest.approx([0.25, 0.25, 0.0, 1.5])
    assert breakdown["rmse"].iloc[-1] == pytest.approx(np.sqrt((1 + 4) / 2))


COMPARISON = pd.DataFrame(
    {
        "family": ["linear", "random_forest"],
        "rank": [1, 2],
        "cv_roc_auc": [0.99, 0.95],
        "cv_roc_auc_std": [0.01, 0.02],
        "test_roc_auc": [0.98, 0.96],
    }
)


def test_the_cv_spread_shows_mean_and_deviation_beside_the_test_score():
    figure = plot_cv_spread(COMPARISON, {"task": "binary"}, MODELLING)
    cv, test = figure.data
    assert list(cv.y) == ["linear", "random_forest"]
    assert list(cv.error_x.array) == [0.01, 0.02]
    assert list(test.x) == [0.98, 0.96]
    assert "higher is better" in figure.layout.title.text


def test_feature_importance_ranks_informative_features_first(fitted):
    model, X, y, spec = fitted
    importance = compute_feature_importance(model, X, y, spec, MODELLING, REPORTING)
    assert set(importance["feature"]) == set("abcd")
    assert importance["importance_mean"].is_monotonic_decreasing
    figure = plot_feature_importance(importance, REPORTING)
    assert len(figure.data[0].y) == 3
    assert figure.data[0].y[-1] == importance["feature"].iloc[0]


def test_tracked_metrics_are_prefixed_by_candidate_and_champion():
    comparison = pd.DataFrame(
        {
            "family": ["rf", "linear"],
            "rank": [1, 2],
            "cv_r2": [0.9, 0.8],
            "test_r2": [0.85, 0.7],
        }
    )
    tracked = collect_tracked_metrics(comparison)
    assert tracked["champion.cv_r2"] == {"value": 0.9, "step": 0}
    assert tracked["linear.test_r2"] == {"value": 0.7, "step": 0}
    assert len(tracked) == 6


def test_package_champion_keeps_a_few_example_rows(fitted):
    model, X, _, _ = fitted
    packaged_model, example = package_champion(model, X, REPORTING)
    assert packaged_model is model and len(example) == 4


def test_the_report_is_one_page_that_draws_offline(fitted):
    model, X, y, spec = fitted
    predictions = predict_test_set(model, X, y, spec)
    figures = plot_diagnostics(predictions, spec)
    importance = compute_feature_importance(model, X, y, spec, MODELLING, REPORTING)
    report = render_report(
        {"dataset": "demo", "filepath": None},
        spec | {"rows": len(X)},
        COMPARISON,
        MODELLING,
        # as the partitioned dataset loads them, in another order
        {name: (lambda f=figure: f) for name, figure in reversed(figures.items())},
        break_down_performance(predictions, spec),
        plot_cv_spread(COMPARISON, spec, MODELLING),
        plot_feature_importance(importance, REPORTING),
        {"alias": "champion", "register": True, "reason": "first model of 'demo'"},
    )
    assert report.startswith("<!DOCTYPE html>")
    assert "Training report: demo (bundled)" in report
    assert "0.9900 ± 0.0100" in report  # rounded, with the CV spread
    assert "Registered as champion</b>: first model of &#39;demo&#39;" in report
    # every figure, in the task's order, drawn by one inlined copy of plotly.js
    titles = ["Confusion matrix", "ROC curve", "Precision-recall", "Calibration"]
    positions = [report.index(f'"text":"{title}') for title in titles]
    assert positions == sorted(positions)
    assert "Permutation importance of the champion" in report
    assert report.count("plotly.js v") == 1
    assert "<script src=" not in report and "<link" not in report  # nothing to fetch
