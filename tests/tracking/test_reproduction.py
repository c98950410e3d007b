from kedro.framework.project import pipelines

from tabular_mlops.tracking.reproduction import rebuild_node_names, rebuild_parameters

CONFIGURATION = {
    "pipelines": ["train"],
    "parameters": {
        "data": {"filepath": "customers.csv", "separator": ";", "target": "churn"},
        "split": {"test_size": 0.3},
    },
}


def test_a_rebuild_reads_the_snapshot_with_every_other_parameter_kept():
    parameters = rebuild_parameters(CONFIGURATION, "data/snapshots/ab.parquet")
    assert parameters == {
        "data": {
            "filepath": "data/snapshots/ab.parquet",
            "separator": None,
            "target": "churn",
        },
        "split": {"test_size": 0.3},
    }
    assert CONFIGURATION["parameters"]["data"]["filepath"] == "customers.csv"


def test_a_rebuild_runs_the_pipeline_without_the_registry_stage(project_path):
    names = rebuild_node_names(CONFIGURATION)
    registry = {node.name for node in pipelines["promotion"].nodes}
    assert set(names) == {node.name for node in pipelines["train"].nodes} - registry
    assert "snapshot_source_table" in names and "prepare_registration" not in names
