"""Find a Postgres server and create or drop databases on it.

Order: DATABASE_URL when set; else the usual local server on 127.0.0.1:5432 when it answers;
else (development only) the throwaway cluster of app/dev/cluster.py.
"""

import os
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def resolve_server_url(env=None) -> str:
    """A URL of a server we may create databases on (its `postgres` database)."""
    env = os.environ if env is None else env
    if env.get("DATABASE_URL"):
        return env["DATABASE_URL"]
    if answers(LOCAL_SERVER):
        return LOCAL_SERVER
    from app.dev.cluster import start_throwaway_cluster  # development only

    return start_throwaway_cluster()


def resolve_database_url(env=None, dbname: str = "portal") -> str:
    """DATABASE_URL when set, else database `dbname` on the local or throwaway server."""
    env = os.environ if env is None else env
    return env.get("DATABASE_URL") or with_database(resolve_server_url(env), dbname)


def with_database(url: str, name: str) -> str:
    """The same server, another database (a URL stays a URL, a key=value string stays one)."""
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql"):
        return urlunsplit(parts._replace(path="/" + quote(name)))
    return psycopg.conninfo.make_conninfo(url, dbname=name)


def ensure_database(server_url: str, name: str) -> str:
    """Creates database `name` unless it exists; returns its URL."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)")
                     .format(sql.Identifier(name)))


def answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False
