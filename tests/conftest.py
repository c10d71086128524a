"""Every test runs with its own data and config folders, never the user's."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("FLASHCARDS_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.delenv("FLASHCARDS_DB", raising=False)
    monkeypatch.delenv("FLASHCARDS_CONFIG", raising=False)


# --- a PostgreSQL server for the tests that run on both backends ---------------------------

_cluster = None


@pytest.fixture(scope="session")
def pg_cluster():
    """One throwaway PostgreSQL cluster per test process, removed at the end."""
    from pg_server import cluster_or_skip

    yield from cluster_or_skip()


@pytest.fixture
def pg_url(pg_cluster, request):
    """A fresh, empty database on the test cluster, dropped after the test."""
    import re
    import uuid

    name = "t_" + re.sub(r"\W", "_", request.node.name)[:40] + "_" + uuid.uuid4().hex[:8]
    url = pg_cluster.create_database(name.lower())
    yield url
    pg_cluster.drop_database(name.lower())


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The URL of an empty collection on each backend: SQLite in a file, or PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'c.sqlite3'}"
    return request.getfixturevalue("pg_url")
