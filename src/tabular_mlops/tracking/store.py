"""Check that the MLflow tracking store can be used before a run starts training."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import mlflow
from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from tabular_mlops.core.errors import InputError

DATABASE_SCHEMES = ("postgresql", "mysql", "mssql")
TIMEOUT_SECONDS = 5


def _sqlite_problem(uri: str) -> str | None:
    database = make_url(uri).database
    if not database or database == ":memory:":
        return "it keeps no runs (in-memory database)"
    path = Path(database).absolute()
    if not path.parent.is_dir():
        return f"the folder {path.parent} does not exist"
    if not os.access(path.parent, os.W_OK) or (
        path.exists() and not os.access(path, os.W_OK)
    ):
        return f"{path} is not writable"
    if path.exists() and path.stat().st_size:
        try:
            with contextlib.closing(
                sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            ) as connection:
                connection.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as error:
            return (
                f"{path} is not a readable SQLite database ({error}); move it away to "
                "start a new store, or restore it from a backup"
            )
    return None


def _server_problem(uri: str) -> str | None:
    try:
        with urllib.request.urlopen(
            f"{uri.rstrip('/')}/health", timeout=TIMEOUT_SECONDS
        ):
            return None
    except urllib.error.HTTPError:
        return None  # the server answered: reachable (it may want credentials)
    except (OSError, ValueError) as error:
        return f"the server does not answer ({getattr(error, 'reason', error)})"


def _database_problem(uri: str, scheme: str) -> str | None:
    timeout = {"connect_timeout": TIMEOUT_SECONDS} if scheme != "mssql" else {}
    try:
        engine = create_engine(uri, connect_args=timeout)
        with engine.connect():
            return None
    except (SQLAlchemyError, ArgumentError, ImportError) as error:
        return f"cannot connect ({str(error).splitlines()[0]})"


def _without_password(uri: str) -> str:
    parts = urlsplit(uri)
    if not parts.password:
        return uri
    return uri.replace(f":{parts.password}@", ":***@", 1)


def check_tracking_uri(uri: str | None, env: str) -> None:
    """Raise ``InputError`` when runs cannot be written to ``uri``.

    Local SQLite files must be in an existing, writable folder; HTTP tracking servers
    must answer within a few seconds; databases must accept a connection. Other
    schemes (e.g. ``databricks``) are left to MLflow.
    """
    where = f"server.mlflow_tracking_uri in conf/{env}/mlflow.yml"
    if not uri:
        raise InputError(
            "No MLflow tracking URI is set and MLflow 3 refuses the ./mlruns folder. "
            f"Set {where}, e.g. sqlite:///${{project_root:}}/mlflow.db."
        )
    scheme = uri.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme == "sqlite":
        problem = _sqlite_problem(uri)
    elif scheme in ("http", "https"):
        problem = _server_problem(uri)
    elif scheme in DATABASE_SCHEMES:
        problem = _database_problem(uri, scheme)
    else:
        problem = None
    if problem:
        raise InputError(
            f"MLflow tracking URI '{_without_password(uri)}' cannot be used: {problem}. "
            f"Fix that, or point {where} at another tracking store."
        )


class TrackingStoreCheckHook:
    """Refuses an unusable MLflow tracking store before any node runs, and before
    kedro-mlflow opens a run (so no MLflow run is left behind)."""

    @hook_impl(tryfirst=True)
    def after_context_created(self, context: KedroContext) -> None:
        if mlflow.active_run() is not None:
            return  # an orchestrator set up tracking
        server = context.config_loader["mlflow"].get("server", {})
        check_tracking_uri(
            server.get("mlflow_tracking_uri"),
            context.env or context.config_loader.default_run_env,  # type: ignore[attr-defined]
        )
