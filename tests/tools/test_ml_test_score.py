import re

from tabular_mlops.tools.ml_test_score import (
    Item,
    points,
    read_rubric,
    section_scores,
)
from tests.conftest import REPO_ROOT

RUBRIC = REPO_ROOT / "docs/source/ml-test-score.md"


def test_the_rubric_page_lists_the_28_tests_seven_per_section():
    items = read_rubric(RUBRIC.read_text())
    assert len(items) == 28
    assert {item.section for item in items} == {
        "Data",
        "Model",
        "Infrastructure",
        "Monitoring",
    }
    for section in ("Data", "Model", "Infrastructure", "Monitoring"):
        numbers = [item.number for item in items if item.section == section]
        assert numbers == list(range(1, 8))


def test_every_automated_item_names_tests_that_exist():
    for item in read_rubric(RUBRIC.read_text()):
        if item.status != "automated":
            continue
        assert item.evidence, item.test
        for test_id in item.evidence:
            path, _, name = test_id.partition("::")
            source = (REPO_ROOT / path).read_text()
            assert not name or re.search(rf"def {name}\b", source), test_id


def test_points_and_the_final_score_follow_the_paper():
    items = [
        Item("Data", 1, "a", "automated", ("tests/a.py",)),
        Item("Data", 2, "b", "manual", ()),
        Item("Model", 1, "c", "automated", ("tests/b.py",)),
        Item("Model", 2, "d", "not done", ()),
    ]
    passed = {"tests/a.py": True, "tests/b.py": False}.get
    assert [points(item, passed) for item in items] == [1.0, 0.5, 0.0, 0.0]
    scores = section_scores(items, passed)
    assert scores == {"Data": 1.5, "Model": 0.0}
    assert min(scores.values()) == 0.0
