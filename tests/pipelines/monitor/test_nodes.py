import logging

import pytest

from tabular_mlops.core.monitoring import MonitoringAlarm
from tabular_mlops.pipelines.monitor.nodes import check_monitoring, publish_batch

MONITOR = {"step": 3, "fail_on_alarm": True, "filepath": "batch.csv"}
FEATURE = {
    "kind": "numeric",
    "p_value": 1e-9,
    "distance": 0.8,
    "drifted": True,
    "missing_rate": 0.0,
}
REPORT = {
    "rows": 100,
    "features": {"x": FEATURE, "y": FEATURE | {"drifted": False, "p_value": 0.5}},
    "drifted_share": 0.5,
    "performance": {},
    "alarms": ["x drifted (p=1e-09, distance 0.80)"],
    "model_version": "2",
    "batch": "batch.csv",
    "batch_digest": "ab" * 32,
}


def test_a_batch_publishes_metrics_at_its_step_a_series_tags_and_an_alert():
    metrics, series, tags, alert, alarms = publish_batch(REPORT, MONITOR)
    assert metrics["drift.x.distance"] == {"value": 0.8, "step": 3}
    assert series["series"] == "monitoring · model version 2"
    assert series["metrics"] == metrics
    assert tags == {
        "model_version": "2",
        "batch_digest": "ab" * 32,
        "monitor.alarm": "true",
    }
    assert alert["drifted_features"] == ["x"] and alert["alarms"] == alarms


def test_a_quiet_batch_sends_no_alert():
    _, _, tags, alert, alarms = publish_batch(REPORT | {"alarms": []}, MONITOR)
    assert (alert, alarms, tags["monitor.alarm"]) == ({}, [], "false")


def test_an_alarm_fails_the_run_unless_asked_only_to_report(caplog):
    with pytest.raises(
        MonitoringAlarm,
        match="batch batch.csv crossed monitoring thresholds: x drifted",
    ):
        check_monitoring(REPORT["alarms"], "<html>", MONITOR)
    with caplog.at_level(logging.WARNING):
        assert check_monitoring(
            REPORT["alarms"], "<html>", MONITOR | {"fail_on_alarm": False}
        )
    assert "Monitoring alarm (not failing the run): x drifted" in caplog.text
    assert check_monitoring([], "<html>", MONITOR)
