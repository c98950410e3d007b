"""End-to-end tests: whole runs through Kedro, servers, browsers and Airflow. Every
test here is marked ``e2e``; ``make test-fast`` leaves them out."""

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)
