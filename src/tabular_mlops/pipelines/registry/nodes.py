"""Nodes that package the champion for the registry and decide its alias."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from mlflow.pyfunc import PythonModel
from sklearn.pipeline import Pipeline

from tabular_mlops.pipelines.data_processing.nodes import build_features
from tabular_mlops.pipelines.modelling.nodes import (
    LOWER_IS_BETTER,
    champion_metric,
    predict_with_probabilities,
    score_model,
)
from tabular_mlops.registered_model import RegisteredModel

logger = logging.getLogger(__name__)


class InferencePipeline(PythonModel):
    """The registered model: rows in the raw table's format in, predictions out.

    Builds the features exactly as training did (``build_features``), then predicts
    with the fitted candidate: ``predicted`` and, for classification, ``proba_<class>``.
    """

    def __init__(self, model: Pipeline, feature_spec: dict[str, Any]) -> None:
        self.model = model
        self.feature_spec = feature_spec

    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict | None = None
    ) -> pd.DataFrame:
        features = build_features(model_input, self.feature_spec)
        return predict_with_probabilities(
            self.model, features, self.feature_spec["task"]
        )


class QualityGateError(Exception):
    """The last trained model failed the quality gate; the message says why."""


def feature_columns(feature_spec: dict[str, Any]) -> list[str]:
    """The raw columns the model reads, in the spec's order."""
    return [
        *feature_spec["numeric"],
        *feature_spec["categorical"],
        *feature_spec["datetime"],
    ]


def select_held_out_rows(
    intermediate_table: pd.DataFrame,
    X_test: pd.DataFrame,
    feature_spec: dict[str, Any],
) -> pd.DataFrame:
    """The test rows in the table's own columns, without the target: what the
    registered model scores and ``inference`` scores by default."""
    return intermediate_table.loc[X_test.index].drop(columns=feature_spec["target"])


def package_inference_pipeline(
    champion_model: Pipeline, feature_spec: dict[str, Any]
) -> InferencePipeline:
    """The champion behind the feature building it was trained with."""
    return InferencePipeline(champion_model, feature_spec)


def _not_comparable_reason(
    champion: InferencePipeline, feature_spec: dict[str, Any]
) -> str:
    """Why the registered champion cannot be scored like the new model, or ''."""
    spec = champion.feature_spec
    if (spec["target"], spec["task"]) != (feature_spec["target"], feature_spec["task"]):
        return (
            f"the champion predicts '{spec['target']}' ({spec['task']}), "
            f"the new model '{feature_spec['target']}' ({feature_spec['task']})"
        )
    missing = set(feature_columns(spec)) - set(feature_columns(feature_spec))
    if missing:
        return f"the champion reads columns this table lacks: {sorted(missing)}"
    return ""


def score_against_champion(
    inference_pipeline: InferencePipeline,
    current_champion: RegisteredModel | None,
    held_out_rows: pd.DataFrame,
    y_test: pd.DataFrame,
    feature_spec: dict[str, Any],
    modelling: dict[str, Any],
) -> dict[str, Any]:
    """The champion metric of the new model and of the registered champion, both
    scored now on the same held-out rows."""
    metric = champion_metric(modelling, feature_spec["task"])

    def score(model: InferencePipeline) -> float:
        features = build_features(held_out_rows, model.feature_spec)
        return score_model(model.model, features, y_test, feature_spec)[metric]

    scores = {
        "metric": metric,
        "new": score(inference_pipeline),
        "champion": None,
        "champion_version": None,
        "not_comparable": "",
    }
    if current_champion is not None:
        champion = current_champion.model.unwrap_python_model()
        scores["champion_version"] = current_champion.version
        scores["not_comparable"] = _not_comparable_reason(champion, feature_spec)
        if not scores["not_comparable"]:
            scores["champion"] = score(champion)
    return scores


def decide_promotion(
    scores: dict[str, Any], registry: dict[str, Any]
) -> dict[str, Any]:
    """The new model's alias, whether it passes the quality gate, and why.

    It becomes ``champion`` when there is none yet or when it beats the champion on
    the metric by at least ``registry.margin``, else ``challenger``. It fails the gate
    when it is worse by more than the margin, or cannot be compared.
    """
    metric, margin, version = scores["metric"], registry["margin"], None
    new, champion = scores["new"], scores["champion"]
    if scores["not_comparable"]:
        promoted, passes_gate = False, False
        reason = f"cannot be compared with champion v{scores['champion_version']}: "
        reason += f"{scores['not_comparable']}. Use another registry.model_name."
    elif champion is None:
        promoted, passes_gate = True, True
        reason = f"first model of '{registry['model_name']}' ({metric}={new:.4f})"
    else:
        version = scores["champion_version"]
        gain = (champion - new) if metric in LOWER_IS_BETTER else (new - champion)
        promoted, passes_gate = gain >= margin, gain >= -margin
        comparison = (
            f"test {metric} {new:.4f} vs {champion:.4f} of champion v{version} "
            f"(improvement {gain:+.4f}, margin {margin})"
        )
        if promoted:
            reason = f"beats the champion: {comparison}"
        elif passes_gate:
            reason = f"does not beat the champion by the margin: {comparison}"
        else:
            reason = f"worse than the champion by more than the margin: {comparison}"
    decision = {
        "alias": "champion" if promoted else "challenger",
        "promoted": promoted,
        "passes_gate": passes_gate,
        "reason": reason,
        **scores,
    }
    (logger.info if promoted else logger.warning)(
        "Registering as %s: %s", decision["alias"], reason
    )
    return decision


def prepare_registration(
    inference_pipeline: InferencePipeline,
    held_out_rows: pd.DataFrame,
    promotion: dict[str, Any],
    feature_spec: dict[str, Any],
    reporting: dict[str, Any],
) -> dict[str, Any]:
    """The model with a raw input example (its signature: the training schema), the
    alias it earned and the tags that explain it."""
    example = held_out_rows[feature_columns(feature_spec)].head(
        reporting["input_example_rows"]
    )
    # Numbers as float (they may have gaps), the rest as text, as JSON sends them.
    numeric = feature_spec["numeric"]
    text = example.drop(columns=numeric).astype("string").astype(object)
    example = pd.concat(
        [example[numeric].astype("float64"), text.where(text.notna(), None)], axis=1
    )
    return {
        "python_model": inference_pipeline,
        "input_example": example,
        "alias": promotion["alias"],
        "tags": {
            f"test_{promotion['metric']}": f"{promotion['new']:.6f}",
            "promotion": promotion["reason"],
        },
    }


def check_quality_gate(promotion: dict[str, Any]) -> None:
    """Fail the run (exit status 1) when the last trained model fails the gate."""
    if not promotion["passes_gate"]:
        raise QualityGateError(promotion["reason"])
    logger.info("Quality gate passed: %s", promotion["reason"])
