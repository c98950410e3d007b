"""The `airflow` environment and the helpers the generated DAGs call, without Airflow."""

from __future__ import annotations

import mlflow
import pytest
from kedro.framework.session import KedroSession
from kedro.io import CatalogProtocol, MemoryDataset
from kedro.pipeline import Pipeline

from tabular_mlops.orchestration import end_tracking, nested_params, start_tracking
from tabular_mlops.pipeline_registry import register_pipelines
from tests.conftest import make_project

PIPELINES = register_pipelines()


def datasets_crossing_tasks(pipeline: Pipeline) -> set[str]:
    """Datasets written by one task and read by another, with one task per top-level
    namespace and one per other node (``kedro airflow create --group-by namespace``)."""
    task_of = {
        node: group.name
        for group in pipeline.group_nodes_by("namespace")
        for node in group.nodes
    }
    producer = {
        output: task_of[node.name] for node in pipeline.nodes for output in node.outputs
    }
    return {
        dataset
        for node in pipeline.nodes
        for dataset in node.inputs
        if dataset in producer and producer[dataset] != task_of[node.name]
    }


def test_train_tasks_are_the_model_families_and_single_nodes():
    tasks = {group.name for group in PIPELINES["train"].group_nodes_by("namespace")}
    assert {"linear", "random_forest", "hist_gradient_boosting"} <= tasks
    assert {"ingest_source_table", "select_champion", "package_champion"} <= tasks


@pytest.fixture(scope="module")
def airflow_catalog(tmp_path_factory: pytest.TempPathFactory) -> CatalogProtocol:
    """The `airflow` environment's catalog, built once for every pipeline's test."""
    project = make_project(tmp_path_factory.mktemp("airflow_project"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(project)  # where a run would start
        with KedroSession.create(project_path=project, env="airflow") as session:
            return session.load_context().catalog


@pytest.mark.parametrize("pipeline_name", sorted(set(PIPELINES) - {"__default__"}))
def test_airflow_env_persists_every_dataset_crossing_tasks(
    airflow_catalog, pipeline_name
):
    pipeline, catalog = PIPELINES[pipeline_name], airflow_catalog
    in_memory = {
        dataset
        for dataset in datasets_crossing_tasks(pipeline)
        if dataset not in catalog or isinstance(catalog.get(dataset), MemoryDataset)
    }
    assert not in_memory, f"add these to conf/airflow/catalog.yml: {in_memory}"


def test_runtime_params_from_a_dag_run_conf_are_nested():
    assert nested_params({"data.dataset": "wine", "split.test_size": 0.3}) == {
        "data": {"dataset": "wine"},
        "split": {"test_size": 0.3},
    }


def test_a_dag_run_has_one_mlflow_run_that_a_failed_task_marks_failed(project_path):
    tags = {"airflow.dag_id": "tabular_mlops_train", "airflow.dag_run_id": "manual__1"}
    run_id = start_tracking(project_path, "airflow", "train", tags)
    assert start_tracking(project_path, "airflow", "train", tags) == run_id
    other = {**tags, "airflow.dag_run_id": "manual__2"}
    assert start_tracking(project_path, "airflow", "train", other) != run_id

    end_tracking(project_path, "airflow", run_id, succeeded=False)
    mlflow.set_tracking_uri(f"sqlite:///{project_path}/mlflow.db")
    run = mlflow.get_run(run_id)
    assert run.info.status == "FAILED"
    assert run.info.run_name == "train"
    assert run.data.tags["kedro.pipeline"] == "train"  # what kedro compare finds
    assert run.data.tags["airflow.dag_run_id"] == "manual__1"
