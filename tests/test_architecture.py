"""The import rules of docs/source/architecture.md: ``core`` imports no Kedro, node
modules import none either (not even through the project's other modules), and no
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


def module_file(name: str) -> Path | None:
    """The source file of a module of the package, if ``name`` is one."""
    if not name.startswith(f"{PACKAGE.name}."):
        return None
    base = PACKAGE.joinpath(*name.split(".")[1:])
    return next(
        (
            path
            for path in (base.with_suffix(".py"), base / "__init__.py")
            if path.exists()
        ),
        None,
    )


def project_imports(path: Path) -> set[Path]:
    """The package's modules that ``path`` imports, directly or through others
    (``from package import module`` included; package ``__init__`` files left out,
    as the benchmark's plain peer loads node modules without them)."""
    found: set[Path] = set()
    pending = [path]
    while pending:
        for node in ast.walk(ast.parse(pending.pop().read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                module = module_file(name)
                if module and module.name != "__init__.py" and module not in found:
                    found.add(module)
                    pending.append(module)
    return found


@pytest.mark.parametrize(
    "path",
    sorted(PACKAGE.glob("pipelines/*/nodes.py")),
    ids=lambda path: path.parent.name,
)
def test_nodes_import_no_kedro_even_through_the_project(path):
    """Nodes are plain functions: `make bench`'s plain script calls them without
    Kedro (benchmarks/plain_train.py)."""
    kedro = {
        f"{module.relative_to(PACKAGE)}: {name}"
        for module in {path} | project_imports(path)
        for name in imported_modules(module)
        if name.split(".")[0] in FRAMEWORKS
    }
    assert kedro == set()
