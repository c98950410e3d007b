"""Hyper-parameter search of one model family with Optuna."""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import optuna
import pandas as pd
from optuna.samplers import TPESampler
from optuna.study import MaxTrialsCallback
from optuna.trial import FrozenTrial, Trial
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.metrics import LOWER_IS_BETTER

logger = logging.getLogger(__name__)

# Optuna's own line per trial would repeat ours (below) without the family's name.
optuna.logging.set_verbosity(optuna.logging.WARNING)

STORAGE_ATTEMPTS = 3

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


def open_storage(url: str | None) -> optuna.storages.BaseStorage | None:
    """Optuna's storage at ``url`` (``None``: in memory), its tables created once even
    when several workers start together on a new database: under a file lock for
    SQLite, by trying again for a server database that another worker is setting up
    (Optuna's schema set-up is not safe to race)."""
    if url is None:
        return None
    if url.startswith("sqlite:"):
        database = Path(make_url(url).database or "").absolute()
        database.parent.mkdir(parents=True, exist_ok=True)
        with open(database.with_name(f"{database.name}.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return optuna.storages.RDBStorage(url)
    for attempt in range(STORAGE_ATTEMPTS):
        try:
            return optuna.storages.RDBStorage(url)
        except SQLAlchemyError:
            if attempt == STORAGE_ATTEMPTS - 1:
                raise
            time.sleep(1 + attempt)
    raise AssertionError("unreachable")


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
        storage=open_storage(tuning["storage"]),
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
