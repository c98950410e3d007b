"""Skip the nodes whose code, parameters and inputs did not change since their last
successful run: the runner, the node keys, the record of keys and the hook that keeps
that record right."""

from tabular_mlops.skip_unchanged.runner import SkipUnchangedRunner

__all__ = ["SkipUnchangedRunner"]
