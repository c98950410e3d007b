"""`make bench-tuning`: tuning throughput of one worker against two sharing a study.

Both configurations get the same budget (BENCH_TRIALS trials per family, default 12)
on a fresh SQLite Optuna storage, one after the other in this invocation. Each worker
is a `kedro run --pipelines=tune` process in its own copy of the project, as on its own
machine; here they share this machine's cores, each with an equal share of OpenMP
threads (as one would set on a shared machine). Figures go to
benchmarks/tuning_results.md (BENCH_TUNING_RESULTS).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import optuna
from bench import BIN, ENV, REPO, load, machine, project_copy

from tabular_mlops.pipelines.modelling.pipeline import MODEL_FAMILIES

RESULTS = Path(
    os.environ.get("BENCH_TUNING_RESULTS", REPO / "benchmarks/tuning_results.md")
)


@dataclass
class Outcome:
    workers: int
    wall: float
    cpu: float
    trials: dict[str, int]
    """Finished trials per family."""
    minutes: dict[str, float]
    """Per family: from the study's first trial start to its last trial end."""

    @property
    def trials_per_minute(self) -> float:
        return sum(self.trials.values()) / (self.wall / 60)


def run_workers(workers: int, trials: int, work: Path) -> Outcome:
    """``workers`` tune processes started together on one new study per family."""
    storage = f"sqlite:///{work / 'tuning.db'}"
    optuna.storages.RDBStorage(storage)  # tables first: workers would race on them
    params = (
        f"tuning.storage={storage},tuning.study_name=bench,tuning.n_trials={trials}"
    )
    projects = [project_copy(work / f"worker{i}") for i in range(workers)]
    threads = str(max(1, (os.cpu_count() or 1) // workers))
    start = time.perf_counter()
    processes = [
        subprocess.Popen(
            [str(BIN / "kedro"), "run", "--pipelines=tune", "--params", params],
            cwd=project,
            env=ENV | {"OMP_NUM_THREADS": threads},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for project in projects
    ]
    cpu = 0.0
    for process in processes:
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status):
            raise RuntimeError(f"a tune worker failed: {' '.join(process.args)}")
        cpu += usage.ru_utime + usage.ru_stime
    wall = time.perf_counter() - start
    counts, minutes = {}, {}
    for family in MODEL_FAMILIES:
        study = optuna.load_study(study_name=f"bench.{family}", storage=storage)
        finished = [t for t in study.trials if t.state.is_finished()]
        counts[family] = len(finished)
        span = max(t.datetime_complete for t in finished) - min(
            t.datetime_start for t in finished
        )
        minutes[family] = span.total_seconds() / 60
    return Outcome(workers, wall, cpu, counts, minutes)


def table(outcomes: list[Outcome]) -> list[str]:
    baseline = outcomes[0].trials_per_minute
    lines = [
        "| workers | wall | CPU (all workers) | trials finished | trials/min | "
        + " | ".join(f"{family} trials/min" for family in MODEL_FAMILIES)
        + " | trials/min vs 1 worker |",
        "|---" * (6 + len(MODEL_FAMILIES)) + "|",
    ]
    for outcome in outcomes:
        per_family = " | ".join(
            f"{outcome.trials[f] / outcome.minutes[f]:.1f}" for f in MODEL_FAMILIES
        )
        lines.append(
            f"| {outcome.workers} | {outcome.wall:.0f} s | {outcome.cpu:.0f} s | "
            f"{sum(outcome.trials.values())} | {outcome.trials_per_minute:.1f} | "
            f"{per_family} | {outcome.trials_per_minute / baseline:.2f} |"
        )
    return lines


def main() -> None:
    trials = int(os.environ.get("BENCH_TRIALS", "12"))
    load_before = load()
    outcomes = []
    for workers in (1, 2):
        with tempfile.TemporaryDirectory(prefix="tabular-mlops-tuning-") as work:
            outcomes.append(run_workers(workers, trials, Path(work)))
        print(  # noqa: T201
            f"{workers} worker(s): {sum(outcomes[-1].trials.values())} trials in "
            f"{outcomes[-1].wall:.0f} s",
            flush=True,
        )
    report = [
        "# Benchmark: distributed tuning, one worker against two",
        "",
        "Written by `make bench-tuning` (`benchmarks/tuning_workers.py`); do not edit "
        "by hand.",
        "",
        *machine(),
        f"- Load before: `{load_before}`",
        f"- Load after: `{load()}`",
        "",
        f"`kedro run --pipelines=tune` on the default data, budget {trials} trials per "
        "family (`tuning.n_trials`, shared by the workers of a study), one SQLite "
        "Optuna storage per configuration. Each worker runs in its own copy of the "
        "project; here all share this machine's cores (OpenMP threads per worker: cores / "
        "workers). Wall is from the start of the "
        "workers to the end of the last; a family's trials/min counts from its "
        "study's first trial start to its last trial end.",
        "",
        *table(outcomes),
        "",
    ]
    RESULTS.write_text("\n".join(report))
    print("\n".join(report))  # noqa: T201


if __name__ == "__main__":
    main()
