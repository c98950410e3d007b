"""End-to-end tests: whole runs through Kedro, servers, browsers and Airflow. Every
test here is marked ``e2e``; ``make test-fast`` leaves them out. The servers a test
starts listen on 127.0.0.1 and stop with it; the browser is Debian's Chromium."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 180  # seconds; kedro viz loads the whole project first


def free_port() -> int:
    """A free loopback port below 49152, the highest that kedro viz accepts."""
    for port in random.sample(range(20_000, 49_152), 50):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("No free port found.")


def wait_for_http(url: str, server: subprocess.Popen, log: Path) -> None:
    """Wait until ``url`` answers, failing early with the server's log if it exits."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"Server exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(
        f"No answer from {url} after {SERVER_START_TIMEOUT} s:\n{log.read_text()}"
    )


def serve(command: list[str], cwd: Path, url: str, log: Path) -> Iterator[str]:
    """Run a server on the loopback interface until the test is done."""
    with log.open("w") as output:
        server = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, to stop its workers too
            env=os.environ | {"DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "1"},
        )
    try:
        wait_for_http(url, server, log)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"No Chromium at {CHROMIUM}: install Debian's browser with "
            "`apt-get install chromium` (.ci/run does) to run the browser tests."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Page:
    return browser.new_page(viewport={"width": 1600, "height": 1000})
