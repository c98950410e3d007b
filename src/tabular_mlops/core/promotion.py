"""Whether a new model replaces the registered champion."""

from __future__ import annotations

import logging
from typing import Any

import joblib

from tabular_mlops.core.features import FeatureSpec, feature_columns
from tabular_mlops.core.metrics import improvement

logger = logging.getLogger(__name__)


def not_comparable_reason(champion: FeatureSpec, new: FeatureSpec) -> str:
    """Why the champion cannot be scored like the new model, or '' when it can:
    models compare only on the same target, task, class labels and input columns."""
    if (champion["target"], champion["task"]) != (new["target"], new["task"]):
        return (
            f"the champion predicts '{champion['target']}' ({champion['task']}), "
            f"the new model '{new['target']}' ({new['task']})"
        )
    if champion.get("classes") != new.get("classes"):
        return (
            f"the champion's classes are {champion.get('classes')}, "
            f"the new model's {new.get('classes')}"
        )
    old_columns, new_columns = set(feature_columns(champion)), set(feature_columns(new))
    if old_columns != new_columns:
        return (
            "the models read different columns (champion only: "
            f"{sorted(old_columns - new_columns)}, new only: "
            f"{sorted(new_columns - old_columns)})"
        )
    return ""


def same_model(champion: Any, new: Any) -> bool:
    """Whether two inference pipelines hold the same fitted model and feature spec:
    a content hash (``joblib.hash``), equal for a model refitted on the same data
    with the same configuration and seed."""
    return joblib.hash((champion.model, champion.feature_spec)) == joblib.hash(
        (new.model, new.feature_spec)
    )


def decide_promotion(
    scores: dict[str, Any], model_name: str, margin: float
) -> dict[str, Any]:
    """The new model's alias and why.

    It becomes ``champion`` when there is none yet or when it beats the champion on
    the metric by at least ``margin``, else ``challenger``. A model that cannot be
    compared with the champion is registered as ``challenger`` with the reason. The
    champion itself, refitted (``scores["same_as_champion"]``), is not registered
    again (``register`` false): a forced re-run adds no version.
    """
    metric = scores["metric"]
    new = scores["new"][metric]
    register = not scores.get("same_as_champion")
    if not register:
        promoted = False
        reason = (
            f"the same model as champion v{scores['champion_version']} (identical "
            "fitted model and features): no new version, this run links to it"
        )
    elif scores["not_comparable"]:
        promoted = False
        reason = (
            f"cannot be compared with champion v{scores['champion_version']}: "
            f"{scores['not_comparable']}. Registered as challenger; use another "
            "registry.model_name for a different model."
        )
    elif scores["champion"] is None:
        promoted = True
        reason = f"first model of '{model_name}' ({metric}={new:.4f})"
    else:
        champion = scores["champion"][metric]
        gain = improvement(metric, new, champion)
        promoted = gain >= margin
        comparison = (
            f"test {metric} {new:.4f} vs {champion:.4f} of champion "
            f"v{scores['champion_version']} (improvement {gain:+.4f}, margin {margin})"
        )
        if promoted:
            reason = f"beats the champion: {comparison}"
        elif gain >= 0:
            reason = f"does not beat the champion by the margin: {comparison}"
        else:
            reason = f"worse than the champion: {comparison}"
    decision = {
        "alias": "champion" if promoted or not register else "challenger",
        "promoted": promoted,
        "register": register,
        "reason": reason,
        **scores,
    }
    if not register:
        logger.info("Not registering: %s", reason)
    else:
        (logger.info if promoted else logger.warning)(
            "Registering as %s: %s", decision["alias"], reason
        )
    return decision


def registration(decision: dict[str, Any], family: str) -> dict[str, Any]:
    """What the registry needs from a decision: the alias, the version this run
    links to instead of registering (the champion itself, refitted) and the tags
    that explain the version."""
    metric = decision["metric"]
    return {
        "alias": decision["alias"],
        "existing_version": None
        if decision["register"]
        else decision["champion_version"],
        "tags": {
            f"test_{metric}": f"{decision['new'][metric]:.6f}",
            "promotion": decision["reason"],
            "family": family,
        },
    }
