"""A throwaway PostgreSQL database for one test, so tests against the shared server never see each
other's data: created on the server named by CADENCE_TEST_DATABASE_URL, dropped afterwards."""
from __future__ import annotations

import secrets
from contextlib import contextmanager
from typing import Iterator

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url


def _maintenance(server_url: str) -> dict:
    """Connection arguments for the server's `postgres` database, from the test URL's credentials."""
    url = make_url(server_url)
    params = {"host": url.host, "port": url.port, "user": url.username, "password": url.password}
    return {"dbname": "postgres", **{key: value for key, value in params.items() if value is not None}}


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """Yield the SQLAlchemy URL of a new, empty database named cadence_test_<random>; drop it after,
    closing whatever connections a test left open."""
    name = f"cadence_test_{secrets.token_hex(6)}"
    with psycopg.connect(**_maintenance(server_url), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**_maintenance(server_url), autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
