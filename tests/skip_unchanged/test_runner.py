"""SkipUnchangedRunner: on a small pipeline whose node code lives in a temporary
module, then on `train` through a KedroSession, tracked in MLflow."""

from __future__ import annotations

import importlib
import logging
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import mlflow
import pytest
from kedro.framework.hooks import hook_impl
from kedro.framework.hooks.manager import _create_hook_manager
from kedro.framework.project import pipelines
from kedro.framework.session import KedroSession
from kedro.io import DataCatalog, DatasetError, MemoryDataset
from kedro.pipeline import Node, Pipeline
from kedro.runner import SequentialRunner
from kedro_datasets.pickle import PickleDataset
from mlflow import MlflowClient

from tabular_mlops.skip_unchanged import SkipUnchangedRunner
from tabular_mlops.skip_unchanged.hooks import ForgetRerunNodesHook
from tabular_mlops.skip_unchanged.keys import code_fingerprint
from tests.conftest import source_data

NODES = """
DIGITS = 3

def _total(values):
    return sum(values)

def prepare(source):
    return [value + 1 for value in source]

def scale(prepared, factor):
    return [value * factor for value in prepared]

def total(scaled):
    return round(_total(scaled), DIGITS)

def describe(prepared):
    return {"count": len(prepared)}

def report(summary):
    return f"{summary['count']} values"
"""
ALL_NODES = {"prepare", "scale", "total", "describe", "report"}


class RanNodes:
    """Hook that records which nodes ran."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    @hook_impl
    def after_node_run(self, node: Node) -> None:
        self.names.add(node.name)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("toy_nodes", None)


def write_nodes(workdir: Path, source: str) -> ModuleType:
    """(Re)load the node module from ``source``, as after editing the file."""
    (workdir / "toy_nodes.py").write_text(textwrap.dedent(source))
    importlib.invalidate_caches()
    if "toy_nodes" in sys.modules:
        return importlib.reload(sys.modules["toy_nodes"])
    return importlib.import_module("toy_nodes")


def toy_pipeline(nodes: ModuleType) -> Pipeline:
    return Pipeline(
        [
            Node(nodes.prepare, "source", "prepared", name="prepare"),
            Node(nodes.scale, ["prepared", "params:factor"], "scaled", name="scale"),
            Node(nodes.total, "scaled", "total", name="total"),
            Node(nodes.describe, "prepared", "summary", name="describe"),
            Node(nodes.report, "summary", "report", name="report"),
        ]
    )


def toy_catalog(workdir: Path, source: list[int], factor: int) -> DataCatalog:
    return DataCatalog(
        {
            "source": MemoryDataset(source),
            "params:factor": MemoryDataset(factor),
            **{
                name: PickleDataset(filepath=str(workdir / f"{name}.pkl"))
                for name in ("prepared", "scaled", "total", "report")
            },
        }
    )


@pytest.fixture
def run(workdir: Path):
    """Run the toy pipeline; returns the names of the nodes that ran."""

    def run_toy(
        source=(1, 2, 3), factor=2, runner=None, nodes: ModuleType | None = None
    ) -> set[str]:
        nodes = nodes or sys.modules.get("toy_nodes") or write_nodes(workdir, NODES)
        hook_manager = _create_hook_manager()
        ran = RanNodes()
        hook_manager.register(ran)
        hook_manager.register(ForgetRerunNodesHook())
        (runner or SkipUnchangedRunner()).run(
            toy_pipeline(nodes),
            toy_catalog(workdir, list(source), factor),
            hook_manager,
        )
        return ran.names

    return run_toy


def outputs(workdir: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(workdir.glob("*.pkl"))}


def test_unchanged_nodes_are_skipped_with_a_log_line(run, workdir, caplog):
    assert run() == ALL_NODES
    first = outputs(workdir)
    with caplog.at_level(logging.INFO, logger="tabular_mlops.skip_unchanged.runner"):
        assert run() == set()
    assert outputs(workdir) == first
    skipped = {
        record.args[0] for record in caplog.records if "Skipped node" in record.msg
    }
    assert skipped == ALL_NODES


def test_a_parameter_change_reruns_its_nodes_and_those_downstream(run, workdir):
    run(factor=2)
    assert run(factor=3) == {"scale", "total"}
    rerun = outputs(workdir)
    run(factor=3, runner=SkipUnchangedRunner(force=True))
    assert outputs(workdir) == rerun  # the same results as a full run


def test_a_data_change_reruns_everything_that_reads_it(run):
    run(source=(1, 2, 3))
    assert run(source=(1, 2, 4)) == ALL_NODES
    assert run(source=(1, 2, 4)) == set()


def test_a_code_change_reruns_the_changed_node_and_those_downstream(run, workdir):
    run()
    write_nodes(workdir, NODES.replace("value * factor", "factor * value"))
    assert run() == {"scale", "total"}


def test_a_change_in_a_helper_reruns_only_the_nodes_that_use_it(run, workdir):
    run()
    write_nodes(workdir, NODES.replace("return sum(values)", "return sum(values) + 0"))
    assert run() == {"total"}


def test_a_change_in_a_constant_reruns_only_the_nodes_that_use_it(run, workdir):
    run()
    write_nodes(workdir, NODES.replace("DIGITS = 3", "DIGITS = 2"))
    assert run() == {"total"}


def test_a_function_called_through_its_module_is_part_of_the_code(workdir):
    package = workdir / "toy_package"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text("def double(x):\n    return 2 * x\n")
    (package / "nodes.py").write_text(
        "from toy_package import helpers\n\ndef node(x):\n    return helpers.double(x)\n"
    )
    try:
        nodes = importlib.import_module("toy_package.nodes")
        before = code_fingerprint(nodes.node)
        (package / "helpers.py").write_text("def double(x):\n    return x + x\n")
        importlib.reload(sys.modules["toy_package.helpers"])
        assert code_fingerprint(nodes.node) != before
    finally:
        for name in ("toy_package.nodes", "toy_package.helpers", "toy_package"):
            sys.modules.pop(name, None)


def test_force_runs_every_node(run):
    run()
    assert run(runner=SkipUnchangedRunner(force=True)) == ALL_NODES


def test_a_node_without_outputs_always_runs(workdir):
    nodes = write_nodes(workdir, NODES + "\ndef check(total):\n    assert total > 0\n")
    pipeline = toy_pipeline(nodes) + Pipeline(
        [Node(nodes.check, "total", None, name="check")]
    )

    def ran() -> set[str]:
        hook_manager = _create_hook_manager()
        recorder = RanNodes()
        hook_manager.register(recorder)
        SkipUnchangedRunner().run(
            pipeline, toy_catalog(workdir, [1, 2], 2), hook_manager
        )
        return recorder.names

    assert ran() == {*ALL_NODES, "check"}
    assert ran() == {"check"}


def test_an_unreadable_input_fails_in_its_node_as_without_the_cache(workdir):
    catalog = toy_catalog(workdir, [1, 2], 2)
    catalog["source"] = PickleDataset(filepath=str(workdir / "missing.pkl"))
    with pytest.raises(DatasetError, match="missing.pkl"):
        SkipUnchangedRunner().run(
            toy_pipeline(write_nodes(workdir, NODES)), catalog, _create_hook_manager()
        )


def test_a_missing_output_reruns_its_node_only(run, workdir):
    run()
    (workdir / "scaled.pkl").unlink()
    assert run() == {"scale"}


def test_a_memory_output_is_recomputed_when_a_running_node_reads_it(run, workdir):
    run()
    (workdir / "report.pkl").unlink()
    assert run() == {"describe", "report"}


def test_outputs_rewritten_by_another_runner_are_not_taken_for_recorded_ones(run):
    run(factor=2)
    run(factor=3, runner=SequentialRunner())
    assert run(factor=2) == ALL_NODES


STAGES = ["data_processing", "modelling", "reporting"]
"""`train` without the registry stage, whose re-runs depend on the registry's state."""
ALWAYS_RUN = {
    "describe_source_data",
    "snapshot_source_table",
    "describe_split",
    "collect_tracked_metrics",
    "package_champion",
}
"""Nodes of these stages whose outputs live only in memory or in the MLflow run."""


@pytest.mark.integration
def test_train_reruns_track_the_same_run_and_redo_only_what_changed(project_path):
    def train(**runtime_params) -> mlflow.entities.Run:
        with KedroSession.create(
            project_path=project_path, runtime_params=runtime_params or None
        ) as session:
            session.run(pipeline_names=STAGES, runner=SkipUnchangedRunner())
        mlflow.set_tracking_uri(f"sqlite:///{project_path}/mlflow.db")
        return mlflow.search_runs(
            experiment_names=["tabular_mlops"],
            order_by=["start_time DESC"],
            max_results=1,
            output_format="list",
        )[0]

    def results() -> dict[str, bytes]:
        return {
            path: (project_path / "data" / path).read_bytes()
            for path in (
                "07_model_output/test_predictions.parquet",
                "08_reporting/candidate_comparison.csv",
                "08_reporting/feature_importance.csv",
            )
        }

    def artifacts(run: mlflow.entities.Run) -> set[str]:
        client = MlflowClient()
        return {
            artifact.path
            for folder in ("plots", "reports")
            for artifact in client.list_artifacts(run.info.run_id, folder)
        }

    def skipped(run: mlflow.entities.Run) -> set[str]:
        return set(run.data.tags["kedro.skipped_nodes"].split(","))

    all_nodes = {node.name for name in STAGES for node in pipelines[name].nodes}
    full = train()
    full_results = results()
    assert "kedro.skipped_nodes" not in full.data.tags

    rerun = train()
    assert skipped(rerun) == all_nodes - ALWAYS_RUN
    assert results() == full_results
    assert rerun.data.metrics == full.data.metrics
    assert rerun.data.params == full.data.params
    assert artifacts(rerun) == artifacts(full)
    for tag in ("git.commit", "task", "lineage.snapshot"):
        assert rerun.data.tags[tag] == full.data.tags[tag]
    for context in ("source", "training", "testing"):
        assert source_data(rerun, context) == source_data(full, context)
    assert source_data(rerun)["name"] == "breast_cancer"
    (model,) = mlflow.search_logged_models(
        filter_string=f"source_run_id = '{full.info.run_id}'", output_format="list"
    )
    assert model.name == "champion_model"
    # the unchanged champion is linked to the re-run, not logged again
    assert [output.model_id for output in rerun.outputs.model_outputs] == [
        model.model_id
    ]

    changed = train(reporting={"top_features": 10})
    assert all_nodes - skipped(changed) == ALWAYS_RUN | {
        "compute_feature_importance",
        "plot_feature_importance",
    }
    assert changed.data.params["reporting.top_features"] == "10"
