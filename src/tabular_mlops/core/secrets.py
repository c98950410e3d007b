"""Keep credentials out of what the project logs: MLflow parameters and tags, log
lines, error messages and the run lock."""

from __future__ import annotations

import re
from typing import Any

MASK = "***"
SECRET_NAME = re.compile(r"password|passwd|secret|token|api_?key|credential", re.I)
URL_PASSWORD = re.compile(
    r"(?P<user>[a-z][a-z0-9+.\-]*://[^:/@\s]*:)[^@\s/]+(?=@)", re.I
)


def mask_text(text: str) -> str:
    """``text`` with the password of every URL in it masked
    (``postgresql://user:***@host/db``)."""
    return URL_PASSWORD.sub(rf"\g<user>{MASK}", text)


def mask_value(name: str, value: Any) -> Any:
    """The value to show for a parameter: masked when its name says it is secret,
    with URL passwords masked otherwise; other values unchanged."""
    if value is None:
        return value
    if SECRET_NAME.search(name.rsplit(".", 1)[-1]):
        return MASK
    if isinstance(value, str):
        return mask_text(value)
    return value


def mask_tree(tree: Any, prefix: str = "") -> Any:
    """A nested parameter tree with every secret value masked."""
    if isinstance(tree, dict):
        return {key: mask_tree(value, f"{prefix}{key}.") for key, value in tree.items()}
    if isinstance(tree, list):
        return [mask_tree(value, prefix) for value in tree]
    return mask_value(prefix.rstrip("."), tree)
