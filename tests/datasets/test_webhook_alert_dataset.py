import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from kedro.io import DatasetError

from tabular_mlops.datasets import WebhookAlertDataset
from tests.conftest import free_port


@pytest.fixture
def receiver():
    """A webhook on 127.0.0.1 that records the JSON bodies POSTed to it."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            received.append(
                json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    server.server_close()


def test_an_alert_is_posted_as_json(receiver):
    url, received = receiver
    WebhookAlertDataset(url=url).save({"text": "drift", "alarms": ["x drifted"]})
    assert received == [{"text": "drift", "alarms": ["x drifted"]}]


def test_nothing_is_sent_without_an_alarm_or_a_url(receiver):
    url, received = receiver
    WebhookAlertDataset(url=url).save({})
    WebhookAlertDataset(url=None).save({"text": "drift"})
    assert received == []


def test_a_failed_post_is_logged_not_raised(caplog):
    url = f"http://127.0.0.1:{free_port()}/nobody"
    with caplog.at_level(logging.WARNING):
        WebhookAlertDataset(url=url, timeout=2).save({"text": "drift"})
    assert f"Alert not sent to {url}" in caplog.text


def test_alerts_are_write_only():
    with pytest.raises(DatasetError, match="write-only"):
        WebhookAlertDataset(url=None).load()
