"""A throwaway PostgreSQL cluster for tests: Debian's server, on a private socket.

`Cluster.start()` runs `initdb` into a fresh temporary folder and starts `postgres` listening
only on a Unix socket in that folder (no TCP port), as the `postgres` system user when the
tests run as root (the server refuses to run as root). `Cluster.stop()` stops it and removes
the folder; `stop_server()` and `start_server()` restart it on the same data and socket.
`missing()` says why no cluster can be started here, or None.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USER = "flashcards"


def server_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (the newest version), or None."""
    found = shutil.which("initdb")
    if found and Path(found).resolve().with_name("pg_ctl").exists():
        return Path(found).resolve().parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(versions[-1]).parent if versions else None


def _run_as() -> list[str]:
    """The prefix that runs a server program as a user the server accepts."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


def missing() -> str | None:
    """Why no PostgreSQL server can be started for the tests, or None."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    if server_bin() is None:
        return "no PostgreSQL server (Debian package postgresql; .ci/run installs it)"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run the server as"
    return None


@dataclass
class Cluster:
    folder: Path
    bin: Path
    #: The server's default fsync and synchronous commit (else off: no disk flush a commit).
    durable: bool = False

    @property
    def socket_dir(self) -> Path:
        return self.folder

    @classmethod
    def start(cls, *, durable: bool = False) -> Cluster:
        """A new cluster; `durable` keeps the server's default fsync and synchronous commit
        (for benchmarks: tests turn them off, a commit then costs no disk flush)."""
        reason = missing()
        if reason:
            raise RuntimeError(reason)
        bin_dir = server_bin()
        assert bin_dir is not None
        # a short path: a Unix socket's path is limited to about 100 bytes
        folder = Path(tempfile.mkdtemp(prefix="fcpg-"))
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        data = folder / "data"
        prefix = _run_as()
        subprocess.run(
            [
                *prefix,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        cluster = cls(folder, bin_dir, durable)
        cluster.start_server()
        return cluster

    def start_server(self) -> None:
        """Start the server on this cluster's data folder and socket, and wait until it
        accepts connections (after `stop_server`, the same data and socket again)."""
        options = f"-k {self.folder} -c listen_addresses='' -c max_connections=50"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            [
                *_run_as(),
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-l",
                str(self.folder / "server.log"),
                "-o",
                options,
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        self._wait()

    def stop_server(self) -> None:
        """Stop the server as an administrator's restart does (`pg_ctl stop -m fast`: open
        transactions are rolled back, every connection is closed), keeping its data."""
        subprocess.run(
            [
                *_run_as(),
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
            capture_output=True,
        )

    def running(self) -> bool:
        """True while the server runs (`pg_ctl status`)."""
        status = subprocess.run(
            [*_run_as(), str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "status"],
            capture_output=True,
        )
        return status.returncode == 0

    def _wait(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.dsn("postgres")):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def dsn(self, database: str) -> str:
        return f"host={self.socket_dir} user={USER} dbname={database}"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of a database of this cluster."""
        return f"postgresql+psycopg://{USER}@/{database}?host={self.socket_dir}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server and remove the cluster's folder."""
        self.stop_server()
        shutil.rmtree(self.folder, ignore_errors=True)


def cluster_or_skip() -> Iterator[Cluster]:
    """A fixture's body: a throwaway cluster, removed afterwards; the test skips, saying
    why, where none can be started."""
    import pytest

    reason = missing()
    if reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    cluster = Cluster.start()
    yield cluster
    cluster.stop()
