import pandas as pd
import pytest

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.lineage import (
    check_commit,
    prediction_differences,
    table_digest,
)

TABLE = pd.DataFrame({"x": [1.0, 2.0, None], "city": ["a", "b", "a"]})
COMMIT, OTHER = "a" * 40, "b" * 40


def test_the_digest_covers_every_value_name_and_type():
    assert table_digest(TABLE.copy()) == table_digest(TABLE)
    changed_last_row = TABLE.assign(x=[1.0, 2.0, 3.0])
    renamed = TABLE.rename(columns={"city": "town"})
    retyped = TABLE.assign(city=TABLE["city"].astype("category"))
    digests = {
        table_digest(table) for table in (TABLE, changed_last_row, renamed, retyped)
    }
    assert len(digests) == 4


def test_the_same_commit_rebuilds_without_warnings():
    assert check_commit(COMMIT, COMMIT, "run1", allow_other=False) == []


def test_another_commit_is_refused_with_the_checkout_to_make():
    with pytest.raises(
        InputError, match=r"git checkout aaaaaaaaaaaa.*--allow-other-commit"
    ):
        check_commit(COMMIT, OTHER, "run1", allow_other=False)


def test_another_commit_allowed_and_uncommitted_changes_are_warned_about():
    warnings = check_commit(f"{COMMIT}-dirty", OTHER, "run1", allow_other=True)
    assert warnings == [
        "rebuilding with commit bbbbbbbbbbbb, not aaaaaaaaaaaa",
        "the run had uncommitted changes: the rebuild may differ",
    ]
    assert check_commit("unknown", COMMIT, "run1", allow_other=False) == [
        "the commit cannot be checked (not a git repository)"
    ]


def test_identical_predictions_have_no_differences():
    assert prediction_differences(TABLE, TABLE.copy()) == []


def test_differing_predictions_are_counted_per_column():
    changed = TABLE.assign(x=[1.0, 2.5, None])
    assert prediction_differences(TABLE, changed) == [
        "test predictions: 1 of 3 values of 'x' differ"
    ]
    assert prediction_differences(TABLE, TABLE.head(2)) == [
        "test predictions: 3 rows -> 2"
    ]
