"""Nodes that package the champion for the MLflow Model Registry and decide its
alias; the decisions are in ``core.promotion``."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sklearn.pipeline import Pipeline

from tabular_mlops.core import metrics, monitoring, promotion
from tabular_mlops.core.features import FeatureSpec
from tabular_mlops.core.model import (
    InferencePipeline,
    RegisteredModel,
    input_example,
    model_card,
)
from tabular_mlops.core.sources import source_name


def package_inference_pipeline(
    champion_model: Pipeline,
    feature_spec: FeatureSpec,
    X_train: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    monitor: dict[str, Any],
) -> InferencePipeline:
    """The champion behind the feature building it was trained with, carrying the
    reference profile that monitoring compares the batches it scores with."""
    task, target = feature_spec["task"], feature_spec["target"]
    features = champion_model.named_steps["features"].spec_
    profile = monitoring.reference_profile(
        X_train,
        held_out_predictions=metrics.predict_with_probabilities(
            champion_model, X_test, task
        ),
        held_out_metrics=metrics.score_model(
            champion_model, X_test, y_test[target], task
        ),
        feature_spec={**feature_spec, **features},
        sample_size=monitor["reference_sample_size"],
        seed=0,
    )
    return InferencePipeline(champion_model, feature_spec, profile)


def score_against_champion(
    inference_pipeline: InferencePipeline,
    current_champion: RegisteredModel | None,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    feature_spec: FeatureSpec,
    modelling: dict[str, Any],
) -> dict[str, Any]:
    """Every test metric of the new model and of the registered champion, both
    scored now on the same held-out rows (when they can be compared), the metric
    that decides between them and whether the new model is the champion refitted."""
    task = feature_spec["task"]
    metric = metrics.champion_metric(modelling["champion_metric"], task)

    def score(model: InferencePipeline) -> dict[str, float]:
        y = y_test[feature_spec["target"]]
        return metrics.score_model(model.model, X_test, y, task)

    scores = {
        "task": task,
        "metric": metric,
        "new": score(inference_pipeline),
        "champion": None,
        "champion_version": None,
        "not_comparable": "",
        "same_as_champion": False,
    }
    if current_champion is not None:
        champion = current_champion.model.unwrap_python_model()
        scores["champion_version"] = current_champion.version
        scores["not_comparable"] = promotion.not_comparable_reason(
            champion.feature_spec, feature_spec
        )
        if not scores["not_comparable"]:
            scores["champion"] = score(champion)
            scores["same_as_champion"] = promotion.same_model(
                champion, inference_pipeline
            )
    return scores


def decide_promotion(
    champion_scores: dict[str, Any], registry: dict[str, Any], data: dict[str, Any]
) -> dict[str, Any]:
    """The new model's alias and why, with the scores it was decided on and the
    data they come from (what ``make gate`` and ``make baseline`` read)."""
    decision = promotion.decide_promotion(
        champion_scores, model_name=registry["model_name"], margin=registry["margin"]
    )
    return decision | {"data": source_name(data)}


def prepare_registration(
    inference_pipeline: InferencePipeline,
    X_test: pd.DataFrame,
    promotion_decision: dict[str, Any],
    candidate_comparison: pd.DataFrame,
    data: dict[str, Any],
    reporting: dict[str, Any],
) -> dict[str, Any]:
    """The model with a source-rows input example (its signature: the training
    schema), the alias it earned, the tags that explain it and its model card."""
    champion = candidate_comparison.iloc[0]
    spec, family = inference_pipeline.feature_spec, str(champion["family"])
    held_out = {
        name.removeprefix("test_"): float(value)
        for name, value in champion.items()
        if str(name).startswith("test_")
    }
    return {
        "python_model": inference_pipeline,
        "reference_profile": inference_pipeline.reference_profile,
        "input_example": input_example(X_test, spec, reporting["input_example_rows"]),
        **promotion.registration(promotion_decision, family),
        "model_card": model_card(
            spec,
            family=family,
            metrics=held_out,
            data_name=source_name(data),
        ),
    }
