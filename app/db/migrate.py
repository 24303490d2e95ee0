"""`portal db migrate`: bring any database, a Supabase project's included, to the current schema.

1. On plain Postgres, the compatibility script (what Supabase already has).
2. supabase/migrations/: versioned, each applied once in its own transaction and recorded in
   supabase_migrations.schema_migrations exactly as the Supabase CLI records it.
3. functions/ (private helpers first) then sql/policies/: repeatable, re-applied on every run,
   together in one transaction.
"""

from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from app.config import PROJECT_ROOT

HISTORY_DDL = """
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text primary key,
  statements text[],
  name text
);
"""


@dataclass
class MigrationReport:
    supabase: bool = False
    applied: list[str] = field(default_factory=list)
    repeatable: int = 0

    def summary(self) -> str:
        target = "Supabase database" if self.supabase else "plain Postgres (compatibility applied)"
        versioned = ", ".join(self.applied) if self.applied else "nothing to apply"
        return (f"Target: {target}\nVersioned migrations: {versioned}\n"
                f"Functions and policies re-applied: {self.repeatable} files")


def is_supabase(conn) -> bool:
    """Supabase databases have the auth schema with auth.jwt() and the supabase_admin role."""
    return conn.execute(
        "select exists (select from pg_roles where rolname = 'supabase_admin')"
        " and to_regprocedure('auth.jwt()') is not null").fetchone()[0]


def repeatable_files(root: Path) -> list[Path]:
    functions = sorted((root / "functions").glob("*.sql"),
                       key=lambda p: (not p.name.startswith("private."), p.name))
    return functions + sorted((root / "sql" / "policies").glob("*.sql"))


def migrate(database_url: str, root: Path = PROJECT_ROOT) -> MigrationReport:
    report = MigrationReport()
    # Autocommit, so that each `conn.transaction()` below is a transaction of its own.
    with psycopg.connect(database_url, autocommit=True) as conn:
        report.supabase = is_supabase(conn)
        with conn.transaction():
            if not report.supabase:
                conn.execute((root / "sql" / "compat" / "supabase_compat.sql").read_text())
            conn.execute(HISTORY_DDL)
        done = {r[0] for r in conn.execute("select version from supabase_migrations.schema_migrations")}
        for path in sorted((root / "supabase" / "migrations").glob("*.sql")):
            version, _, name = path.stem.partition("_")
            if version in done:
                continue
            text = path.read_text()
            with conn.transaction():
                conn.execute(text)
                conn.execute("insert into supabase_migrations.schema_migrations"
                             " (version, statements, name) values (%s, %s, %s)",
                             (version, [text], name))
            report.applied.append(path.name)
        files = repeatable_files(root)
        with conn.transaction():
            for path in files:
                conn.execute(path.read_text())
        report.repeatable = len(files)
    return report
