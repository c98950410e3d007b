import re

import pytest

from tabular_mlops.core.promotion import not_comparable_reason

SPEC = {
    "target": "diagnosis",
    "task": "binary",
    "numeric": ["radius", "texture"],
    "categorical": ["site"],
    "datetime": [],
    "classes": ["benign", "malignant"],
}


def test_the_same_problem_is_comparable():
    assert not_comparable_reason(SPEC, dict(SPEC)) == ""


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"target": "label"}, r"the champion predicts 'diagnosis' \(binary\)"),
        ({"task": "multiclass"}, r"the new model 'diagnosis' \(multiclass\)"),
        # A boolean target's labels: the champion never saw them.
        ({"classes": ["False", "True"]}, r"classes are \['benign', 'malignant'\]"),
        ({"numeric": ["radius", "area"]}, r"champion only: \['texture'\]"),
        ({"categorical": []}, r"champion only: \['site'\], new only: \[\]"),
    ],
)
def test_another_target_task_label_set_or_columns_is_not_comparable(change, reason):
    assert re.search(reason, not_comparable_reason(SPEC, SPEC | change))
