from kedro.pipeline import node

from tabular_mlops.skip_unchanged.hooks import ForgetRerunNodesHook
from tabular_mlops.skip_unchanged.manifest import read_manifest, update_manifest


def test_a_node_that_saves_new_outputs_loses_its_recorded_key(project_path):
    rewriting = node(lambda: 1, None, "a", name="rewriting")
    update_manifest(lambda recorded: recorded.update(rewriting="k1", other="k2"))
    ForgetRerunNodesHook().before_dataset_saved(node=rewriting)
    assert read_manifest() == {"other": "k2"}
