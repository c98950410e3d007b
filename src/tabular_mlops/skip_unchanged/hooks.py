"""Keeps the node-key record right whatever the runner."""

from __future__ import annotations

from kedro.framework.hooks import hook_impl
from kedro.pipeline.node import Node

from tabular_mlops.skip_unchanged.manifest import read_manifest, update_manifest


class ForgetRerunNodesHook:
    """Forgets a node's recorded key when it starts saving new outputs, whatever the
    runner.

    Only ``SkipUnchangedRunner`` records keys (for the nodes it completed), so outputs
    rewritten by any other run, or by a run that failed further on, are never taken
    for the recorded ones. A node that fails, or whose outputs a hook rejects, saves
    nothing, and its key is kept.
    """

    @hook_impl
    def before_dataset_saved(self, node: Node) -> None:
        if node.name in read_manifest():
            update_manifest(lambda recorded: recorded.pop(node.name, None))
