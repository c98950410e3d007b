"""Nodes that package the champion for the MLflow Model Registry, decide its alias
and check the quality gate; the decisions are in ``core.promotion``."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sklearn.pipeline import Pipeline

from tabular_mlops.core import metrics, promotion
from tabular_mlops.core.features import FeatureSpec, build_features
from tabular_mlops.core.model import InferencePipeline, RegisteredModel, input_example


def select_held_out_rows(
    intermediate_table: pd.DataFrame,
    X_test: pd.DataFrame,
    feature_spec: FeatureSpec,
) -> pd.DataFrame:
    """The test rows in the table's own columns, without the target: what the
    registered model scores and ``inference`` scores by default."""
    return intermediate_table.loc[X_test.index].drop(columns=feature_spec["target"])


def package_inference_pipeline(
    champion_model: Pipeline, feature_spec: FeatureSpec
) -> InferencePipeline:
    """The champion behind the feature building it was trained with."""
    return InferencePipeline(champion_model, feature_spec)


def score_against_champion(
    inference_pipeline: InferencePipeline,
    current_champion: RegisteredModel | None,
    held_out_rows: pd.DataFrame,
    y_test: pd.DataFrame,
    feature_spec: FeatureSpec,
    modelling: dict[str, Any],
) -> dict[str, Any]:
    """The champion metric of the new model and of the registered champion, both
    scored now on the same held-out rows (when they can be compared)."""
    task = feature_spec["task"]
    metric = metrics.champion_metric(modelling["champion_metric"], task)

    def score(model: InferencePipeline) -> float:
        features = build_features(held_out_rows, model.feature_spec)
        y = y_test[feature_spec["target"]]
        return metrics.score_model(model.model, features, y, task)[metric]

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
        scores["not_comparable"] = promotion.not_comparable_reason(
            champion.feature_spec, feature_spec
        )
        if not scores["not_comparable"]:
            scores["champion"] = score(champion)
    return scores


def decide_promotion(
    champion_scores: dict[str, Any], registry: dict[str, Any]
) -> dict[str, Any]:
    """The new model's alias, whether it passes the quality gate, and why."""
    return promotion.decide_promotion(
        champion_scores, model_name=registry["model_name"], margin=registry["margin"]
    )


def prepare_registration(
    inference_pipeline: InferencePipeline,
    held_out_rows: pd.DataFrame,
    promotion_decision: dict[str, Any],
    feature_spec: FeatureSpec,
    reporting: dict[str, Any],
) -> dict[str, Any]:
    """The model with a raw input example (its signature: the training schema), the
    alias it earned and the tags that explain it."""
    return {
        "python_model": inference_pipeline,
        "input_example": input_example(
            held_out_rows, feature_spec, reporting["input_example_rows"]
        ),
        "alias": promotion_decision["alias"],
        "tags": {
            f"test_{promotion_decision['metric']}": f"{promotion_decision['new']:.6f}",
            "promotion": promotion_decision["reason"],
        },
    }


def check_quality_gate(promotion_decision: dict[str, Any]) -> None:
    """Fail the run (exit status 1) when the last trained model fails the gate."""
    promotion.check_quality_gate(promotion_decision)
