"""Hyper-parameter search of one model family with Optuna."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import optuna
import pandas as pd
from optuna.samplers import TPESampler
from optuna.study import MaxTrialsCallback
from optuna.trial import FrozenTrial, Trial

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.metrics import LOWER_IS_BETTER

logger = logging.getLogger(__name__)

# Optuna's own line per trial would repeat ours (below) without the family's name.
optuna.logging.set_verbosity(optuna.logging.WARNING)

SUGGESTERS = {
    "float": "suggest_float",
    "int": "suggest_int",
    "categorical": "suggest_categorical",
}
"""Search space ``type`` -> the ``optuna.trial.Trial`` method that samples it."""


def suggest_hyperparameters(
    trial: Trial, search_space: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """One value per hyper-parameter, each ``{type, ...}`` passed to Optuna's
    ``suggest_<type>`` (e.g. ``low``, ``high``, ``log``, ``step`` or ``choices``)."""
    suggested = {}
    for name, distribution in search_space.items():
        arguments = {key: value for key, value in distribution.items() if key != "type"}
        suggest = getattr(trial, SUGGESTERS[distribution["type"]])
        suggested[name] = suggest(name, **arguments)
    return suggested


def trials_table(trials: list[FrozenTrial], metric: str) -> pd.DataFrame:
    """One row per trial in MLflow's naming: ``params.<name>``, ``metrics.<name>``.

    Values keep their Python type (``None`` stays ``None``, not NaN).
    """
    return pd.DataFrame(
        [
            {
                "number": trial.number,
                **{f"params.{name}": value for name, value in trial.params.items()},
                f"metrics.cv_{metric}": trial.value,
                "metrics.duration_s": trial.duration.total_seconds(),  # type: ignore[union-attr]  # finished
            }
            for trial in trials
        ],
        dtype=object,
    )


def search(
    family: str,
    metric: str,
    objective: Callable[[dict[str, Any]], float],
    search_space: dict[str, dict[str, Any]],
    tuning: dict[str, Any],
) -> tuple[FrozenTrial, int, list[FrozenTrial]]:
    """Search the family's ``search_space`` for the best ``objective`` (a CV score
    of ``metric``) in the study ``<tuning.study_name>.<family>``.

    The budget is ``tuning.n_trials`` trials in the whole study (all workers sharing
    ``tuning.storage`` together) and/or ``tuning.timeout`` seconds for this worker.
    Returns the study's best trial, its number of trials and this worker's trials.
    """
    n_trials, timeout = tuning["n_trials"], tuning["timeout"]
    if n_trials is None and timeout is None:
        raise InputError(
            "tuning.n_trials and tuning.timeout are both null: no budget. Set one."
        )
    study = optuna.create_study(
        study_name=f"{tuning['study_name']}.{family}",
        storage=tuning["storage"],
        direction="minimize" if metric in LOWER_IS_BETTER else "maximize",
        load_if_exists=True,
    )
    # A worker that joins a study seeds its sampler past the trials already run, so it
    # does not replay them; a new study gets exactly tuning.seed, hence reproducible.
    study.sampler = TPESampler(seed=tuning["seed"] + len(study.trials))
    remaining = None if n_trials is None else n_trials - len(study.trials)
    own_trials: list[FrozenTrial] = []

    def log_trial(study: optuna.Study, trial: FrozenTrial) -> None:
        own_trials.append(trial)
        logger.info(
            "%s trial %d: cv_%s=%.4f in %.1f s (best %.4f, trial %d) %s",
            family,
            trial.number,
            metric,
            trial.value,
            trial.duration.total_seconds(),  # type: ignore[union-attr]  # finished
            study.best_value,
            study.best_trial.number,
            trial.params,
        )

    if remaining is None or remaining > 0:
        callbacks = [log_trial]
        if n_trials is not None:
            callbacks.append(MaxTrialsCallback(n_trials, states=None))
        study.optimize(
            lambda trial: objective(suggest_hyperparameters(trial, search_space)),
            n_trials=remaining,
            timeout=timeout,
            n_jobs=tuning["n_jobs"],
            callbacks=callbacks,
        )
    else:
        logger.info("%s: the study already has %d trials.", family, len(study.trials))
    best = study.best_trial
    logger.info(
        "%s: best cv_%s=%.4f at trial %d of %d: %s",
        family,
        metric,
        best.value,
        best.number,
        len(study.trials),
        best.params,
    )
    return best, len(study.trials), own_trials
