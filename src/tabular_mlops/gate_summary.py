"""The quality gate's table where people look: the terminal, and the job summary of
GitHub Actions (the file ``$GITHUB_STEP_SUMMARY`` names, when set)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from kedro.framework.hooks import hook_impl
from kedro.pipeline.node import Node

from tabular_mlops.catalog_names import GATE_REPORT


class GateSummaryHook:
    """Shows ``gate_report`` before the node that may fail on it runs, so that the
    table is printed (and the job summary written) whether the gate passes or not,
    also when the report itself was up to date and its node skipped."""

    @hook_impl
    def before_node_run(self, node: Node, inputs: dict[str, Any]) -> None:
        report = inputs.get(GATE_REPORT)
        if report is None:
            return
        click.echo(report)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with Path(summary).open("a", encoding="utf-8") as job_summary:
                job_summary.write(report + "\n")
