"""The import rules of docs/source/architecture.md: ``core`` imports no Kedro, and no
pipeline imports another pipeline's modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "tabular_mlops"
FRAMEWORKS = ("kedro", "kedro_mlflow", "kedro_datasets", "kedro_viz")


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules a source file imports (relative ones resolved)."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = (
                    package.rsplit(".", node.level - 1)[0]
                    if node.level > 1
                    else package
                )
                base = f"{parent}.{base}".rstrip(".")
            names.add(base)
    return names


def modules_under(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules_under("core"), ids=lambda path: path.name)
def test_core_imports_no_kedro(path):
    kedro = [
        name for name in imported_modules(path) if name.split(".")[0] in FRAMEWORKS
    ]
    assert kedro == [], f"{path.name} imports {kedro}: core must stay free of Kedro"


@pytest.mark.parametrize(
    "path",
    modules_under("pipelines"),
    ids=lambda path: f"{path.parent.name}/{path.name}",
)
def test_no_pipeline_imports_another_pipeline(path):
    stage = path.relative_to(PACKAGE / "pipelines").parts[0]
    others = [
        name
        for name in imported_modules(path)
        if name.startswith("tabular_mlops.pipelines.") and name.split(".")[2] != stage
    ]
    assert others == [], f"pipelines/{stage} imports {others}: use core instead"


def test_the_rules_see_relative_and_absolute_imports():
    pipeline = imported_modules(PACKAGE / "pipelines" / "modelling" / "pipeline.py")
    assert "tabular_mlops.pipelines.modelling.nodes" in pipeline  # from .nodes
    assert "tabular_mlops.core.estimators" in pipeline
    assert "kedro.pipeline" in pipeline
