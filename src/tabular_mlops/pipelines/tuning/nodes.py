"""Nodes that search a model family's hyper-parameters; the search is in ``core``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tabular_mlops.core import estimators, metrics, tuning
from tabular_mlops.core.features import FeatureSpec, task_kind
from tabular_mlops.log_console import progress_bar


def tune_candidate(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    feature_spec: FeatureSpec,
    candidate: dict[str, Any],
    search_space: dict[str, dict[str, dict[str, Any]]],
    modelling: dict[str, Any],
    tuning_params: dict[str, Any],
    data: dict[str, Any],
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Search the family's space for the best cross-validated champion metric.

    Returns the study's best hyper-parameters and a table of this worker's trials.
    """
    family, task = candidate["family"], feature_spec["task"]
    kind = task_kind(task)
    metric = metrics.champion_metric(modelling["champion_metric"], task)
    configured = estimators.configured_hyperparameters(
        candidate, feature_spec, modelling
    )
    y = y_train[feature_spec["target"]]

    def objective(suggested: dict[str, Any]) -> float:
        model = estimators.build_candidate(
            family,
            configured | suggested,
            task,
            random_state=modelling["random_state"],
            min_category_frequency=modelling["preprocessing"]["min_category_frequency"],
            id_unique_share=data["id_unique_share"],
        )
        scores = metrics.cross_validation_scores(
            model,
            X_train,
            y,
            task,
            cv_folds=metrics.cv_folds_for(
                feature_spec["rows"], modelling["cv_folds"], modelling["large_data"]
            ),
            random_state=modelling["random_state"],
        )
        return scores[f"cv_{metric}"]

    with progress_bar(f"{family}: tuning", total=tuning_params["n_trials"]) as advance:

        def objective_with_progress(suggested: dict[str, Any]) -> float:
            score = objective(suggested)
            advance()
            return score

        best, trials, own_trials = tuning.search(
            family, metric, objective_with_progress, search_space[kind], tuning_params
        )
    tuned = {
        "task": task,
        f"cv_{metric}": best.value,
        "trials": trials,
        "hyperparameters": {kind: configured | best.params},
    }
    return tuned, tuning.trials_table(own_trials, metric)


def collect_tuned_hyperparameters(
    **tuned_by_family: dict[str, Any],
) -> dict[str, dict[str, Any]]:
    """The tuned hyper-parameters of every family, one partition each."""
    return tuned_by_family
