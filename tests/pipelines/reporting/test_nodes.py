import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from matplotlib.figure import Figure
from sklearn.linear_model import Ridge

from tabular_mlops.pipelines.reporting.nodes import (
    collect_tracked_metrics,
    compute_feature_importance,
    package_champion,
    plot_diagnostics,
    plot_feature_importance,
    predict_test_set,
    render_png,
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
    errors, fit = plot_diagnostics(predict_test_set(model, X, y, spec), spec)
    assert errors.data[0].type == "heatmap"
    assert np.asarray(errors.data[0].z).sum() == len(X)
    (curve, chance) = fit.data
    assert curve.name.startswith("pos (AUC 0.") and chance.name == "chance"
    assert fit.layout.title.text == "ROC curve (test set)"  # binary: not one vs rest


def test_multiclass_roc_has_one_curve_per_class():
    predictions = pd.DataFrame(
        {
            "actual": ["a", "b", "c", "a"],
            "predicted": ["a", "b", "b", "a"],
            "proba_a": [0.8, 0.1, 0.1, 0.7],
            "proba_b": [0.1, 0.8, 0.5, 0.2],
            "proba_c": [0.1, 0.1, 0.4, 0.1],
        }
    )
    _, fit = plot_diagnostics(predictions, {"task": "multiclass"})
    assert [trace.name for trace in fit.data] == [
        "a (AUC 1.000)",
        "b (AUC 1.000)",
        "c (AUC 1.000)",
        "chance",
    ]
    assert fit.layout.title.text == "ROC curve, one vs rest (test set)"


def test_regression_diagnostics():
    predictions = pd.DataFrame(
        {"actual": [1.0, 2.0, 3.0], "predicted": [1.5, 2.0, 2.5]}
    )
    residuals, fit = plot_diagnostics(predictions, {"task": "regression"})
    assert list(residuals.data[0].y) == [-0.5, 0.0, 0.5]
    assert fit.layout.title.text.startswith("Predicted vs actual")


def test_feature_importance_ranks_informative_features_first(fitted):
    model, X, y, spec = fitted
    importance = compute_feature_importance(model, X, y, spec, MODELLING, REPORTING)
    assert set(importance["feature"]) == set("abcd")
    assert importance["importance_mean"].is_monotonic_decreasing
    figure = plot_feature_importance(importance, REPORTING)
    assert len(figure.data[0].y) == 3
    assert figure.data[0].y[-1] == importance["feature"].iloc[0]


@pytest.mark.parametrize(
    "figure",
    [
        go.Figure(go.Heatmap(z=[[1, 2], [3, 4]], x=["a", "b"], y=["a", "b"])),
        go.Figure(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="line")),
        go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h")),
    ],
)
def test_render_png_draws_each_kind_of_trace(figure):
    rendered = render_png(
        figure.update_layout(title="t", xaxis_title="x", yaxis_title="y")
    )
    assert isinstance(rendered, Figure)
    assert rendered.axes[0].get_title() == "t"


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
