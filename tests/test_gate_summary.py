from kedro.pipeline import Node

from tabular_mlops.gate_summary import GateSummaryHook

REPORT = "## Quality gate passed: iris (bundled)\n\n| metric |\n"


def test_the_report_is_printed_and_appended_to_the_job_summary(
    tmp_path, monkeypatch, capsys
):
    summary = tmp_path / "step_summary.md"
    summary.write_text("# Earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    node = Node(lambda gate_report: None, "gate_report", None, name="check")
    GateSummaryHook().before_node_run(node, {"gate_report": REPORT})
    assert capsys.readouterr().out == REPORT + "\n"
    assert summary.read_text() == "# Earlier step\n" + REPORT + "\n"


def test_other_nodes_and_local_runs_write_no_summary(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    node = Node(lambda x: x, "x", "y", name="other")
    GateSummaryHook().before_node_run(node, {"x": 1})
    GateSummaryHook().before_node_run(node, {"gate_report": REPORT})
    assert capsys.readouterr().out == REPORT + "\n"
    assert list(tmp_path.iterdir()) == []
