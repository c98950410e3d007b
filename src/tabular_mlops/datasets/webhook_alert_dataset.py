"""An alarm sent to a webhook (a chat channel, an incident tool) as an HTTP POST."""

from __future__ import annotations

import logging
from typing import Any

from kedro.io import AbstractDataset, DatasetError
from kedro_datasets.api import APIDataset

logger = logging.getLogger(__name__)


class WebhookAlertDataset(AbstractDataset[dict[str, Any], None]):
    """Saving a JSON-ready dict POSTs it to ``url`` (kedro-datasets' ``APIDataset``);
    an empty dict, or no ``url``, sends nothing. A failed POST is logged as a warning and
    never fails the run: the alarm itself is raised by the pipeline. Write-only.

    Example catalog entry::

        monitoring_alert:
          type: tabular_mlops.datasets.WebhookAlertDataset
          url: https://chat.example.com/hooks/abc
    """

    def __init__(
        self,
        url: str | None,
        timeout: float = 10,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._url = url
        self._timeout = timeout
        self.metadata = metadata

    def save(self, data: dict[str, Any]) -> None:
        if not data or not self._url:
            return
        webhook = APIDataset(
            url=self._url, method="POST", save_args={"timeout": self._timeout}
        )
        try:
            webhook.save(data)
        except DatasetError as error:
            logger.warning("Alert not sent to %s: %s", self._url, error)
            return
        logger.info("Alert sent to %s.", self._url)

    def load(self) -> None:
        raise DatasetError("An alert is write-only.")

    def _describe(self) -> dict[str, Any]:
        return {"url": self._url}
