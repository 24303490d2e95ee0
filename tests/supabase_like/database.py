"""A Supabase-like database, built by the project from the facts of issue 10 (see
supabase_init.sql): the compatibility script's roles and `auth`, handed to supabase_admin; a
non-superuser `supa_postgres` playing `postgres`; a new (or an older) project's default
privileges. Tests then migrate and use it as `supa_postgres`, the way a deployment does."""

import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from app.config import PROJECT_ROOT
from app.db import cluster

INIT = Path(__file__).with_name("supabase_init.sql")
COMPAT = PROJECT_ROOT / "sql" / "compat" / "supabase_compat.sql"
POSTGRES_ROLE = "supa_postgres"


def as_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


def create(server_url: str, name: str, defaults: str = "new") -> str:
    """Creates database `name` as a new (`defaults="new"`) or older (`"old"`) Supabase project
    has it, and returns the URL that connects to it as supa_postgres."""
    assert defaults in ("new", "old")
    url = cluster.ensure_database(server_url, name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(COMPAT.read_text())
    run = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", f"defaults={defaults}",
         "-v", f"dbname={name}", "-d", url, "-f", str(INIT)],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return as_user(url, POSTGRES_ROLE)
