"""The project's ML Test Score (Breck et al., 2017), from the rubric page of the docs.

Usage (``make ml-test-score``)::

    python -m tabular_mlops.tools.ml_test_score docs/source/ml-test-score.md [--no-run]

Runs the pytest evidence of every automated item (``--no-run`` skips that and counts
them as passing), then prints each item's points, the section scores and the final
score: the lowest section score.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

POINTS = {"automated": 1.0, "manual": 0.5, "not done": 0.0}
ROW = re.compile(r"^\| (\d+) \| (.+?) \| (automated|manual|not done) \|\s*(.*?)\s*\|$")
EVIDENCE = re.compile(r"`(tests/[^`]+)`")


@dataclass(frozen=True)
class Item:
    section: str
    number: int
    test: str
    status: str
    evidence: tuple[str, ...]  # pytest ids: a file, or a file::test


def read_rubric(text: str) -> list[Item]:
    """The items of the rubric page, section by section."""
    items, section = [], ""
    for line in text.splitlines():
        if line.startswith("## "):
            section = line.removeprefix("## ").strip()
        elif match := ROW.match(line):
            number, test, status, evidence = match.groups()
            items.append(
                Item(
                    section,
                    int(number),
                    test,
                    status,
                    tuple(EVIDENCE.findall(evidence)),
                )
            )
    return items


def points(item: Item, passed: Callable[[str], bool]) -> float:
    """An automated item earns its point only when all its evidence passes."""
    if item.status == "automated" and not all(map(passed, item.evidence)):
        return 0.0
    return POINTS[item.status]


def section_scores(
    items: Iterable[Item], passed: Callable[[str], bool]
) -> dict[str, float]:
    scores: dict[str, float] = {}
    for item in items:
        scores[item.section] = scores.get(item.section, 0.0) + points(item, passed)
    return scores


def run_evidence(ids: list[str]) -> Callable[[str], bool]:
    """Run the tests; a test id passes when every test case it selects passed."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder, "report.xml")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--junitxml={report}",
                *ids,
            ],
            check=False,
        )
        cases = [
            (
                case.get("classname", ""),
                case.get("name", ""),
                case.find("failure") is None and case.find("error") is None,
            )
            for case in ElementTree.parse(report).iter("testcase")
        ]

    def passed(test_id: str) -> bool:
        path, _, name = test_id.partition("::")
        module = path.removesuffix(".py").replace("/", ".")
        selected = [
            ok
            for classname, case, ok in cases
            if classname == module and (not name or case.split("[")[0] == name)
        ]
        return bool(selected) and all(selected)

    return passed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rubric", type=Path)
    parser.add_argument("--no-run", action="store_true")
    arguments = parser.parse_args(argv)
    items = read_rubric(arguments.rubric.read_text())
    evidence = sorted(
        {test for item in items if item.status == "automated" for test in item.evidence}
    )
    passed = (lambda test_id: True) if arguments.no_run else run_evidence(evidence)
    scores = section_scores(items, passed)
    lines = [f"{'section':<15} {'#':>2}  {'points':>6}  test"]
    lines += [
        f"{item.section:<15} {item.number:>2}  {points(item, passed):>6.1f}  "
        f"{item.test} ({item.status})"
        for item in items
    ]
    lines += ["", *(f"{name:<15} {score:.1f} / 7" for name, score in scores.items())]
    lines.append(
        f"ML Test Score: {min(scores.values()):.1f} (the lowest section score)"
    )
    print("\n" + "\n".join(lines))  # noqa: T201


if __name__ == "__main__":
    main()
