"""What makes a run rebuildable: the digest of its table, the commit it ran at, and
whether a rebuild gave the same results."""

from __future__ import annotations

import hashlib

import pandas as pd

from tabular_mlops.core.errors import InputError

DIRTY = "-dirty"


def table_digest(table: pd.DataFrame) -> str:
    """SHA-256 of a table's whole content: column names, types and every value (in
    order). Equal tables, however they were read, share a digest; MLflow's own
    dataset digest samples the first rows only, so it cannot address a copy."""
    digest = hashlib.sha256(repr(list(table.dtypes.astype(str).items())).encode())
    digest.update(pd.util.hash_pandas_object(table, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def check_commit(
    recorded: str, current: str, run_id: str, allow_other: bool
) -> list[str]:
    """Refuse to rebuild a run at another commit than the one it ran at (``git
    checkout`` that one first), unless ``allow_other``; return the warnings that
    remain (another commit allowed, uncommitted changes, no git)."""
    if "unknown" in (recorded, current):
        return ["the commit cannot be checked (not a git repository)"]
    warnings = [
        f"{which} had uncommitted changes: the rebuild may differ"
        for which, commit in (("the run", recorded), ("the checkout", current))
        if commit.endswith(DIRTY)
    ]
    recorded_commit, current_commit = (
        recorded.removesuffix(DIRTY),
        current.removesuffix(DIRTY),
    )
    if recorded_commit == current_commit:
        return warnings
    if not allow_other:
        raise InputError(
            f"run {run_id} ran at commit {recorded_commit[:12]}, the checkout is at "
            f"{current_commit[:12]}: `git checkout {recorded_commit[:12]}` first, or "
            "pass --allow-other-commit to rebuild it with today's code"
        )
    return [
        f"rebuilding with commit {current_commit[:12]}, not {recorded_commit[:12]}",
        *warnings,
    ]


def prediction_differences(old: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    """How two runs' test predictions differ, empty when they are identical (same
    rows, columns, types and values)."""
    if list(old.columns) != list(new.columns):
        return [f"test predictions: columns {list(old.columns)} -> {list(new.columns)}"]
    if len(old) != len(new):
        return [f"test predictions: {len(old)} rows -> {len(new)}"]
    if old.equals(new):
        return []
    changed = (old != new) & ~(old.isna() & new.isna())
    return [
        f"test predictions: {int(changed[column].sum())} of {len(old)} values of "
        f"'{column}' differ"
        for column in old.columns
        if changed[column].any()
    ]
