from tabular_mlops.core.comparison import comparison_table, differences

RUNS = {
    "a1b2c3d4": {
        "params": {"linear.C": "1.0", "modelling.cv_folds": "5"},
        "metrics": {"champion.test_accuracy": 0.95, "champion.test_roc_auc": 0.99},
    },
    "champion (e5f6a7b8)": {
        "params": {"linear.C": "1e-12", "modelling.cv_folds": "5", "new": "x"},
        "metrics": {"champion.test_accuracy": 0.63, "champion.test_roc_auc": 0.99},
    },
}


def test_only_what_differs_is_listed_with_the_change_of_each_metric():
    assert differences(RUNS) == [
        ["param", "linear.C", "1.0", "1e-12", ""],
        ["param", "new", "-", "x", ""],
        ["metric", "champion.test_accuracy", "0.9500", "0.6300", "-0.3200"],
    ]


def test_as_markdown_each_run_is_a_column():
    table = comparison_table(RUNS, markdown=True).splitlines()
    assert [cell.strip() for cell in table[0].split("|")[1:-1]] == [
        "",
        "name",
        "a1b2c3d4",
        "champion (e5f6a7b8)",
        "change",
    ]
    assert len(table) == 2 + 3


def test_identical_runs_say_so():
    same = {"a": RUNS["a1b2c3d4"], "b": RUNS["a1b2c3d4"]}
    assert comparison_table(same, markdown=False) == (
        "The 2 runs have the same parameters and metrics.\n"
    )
