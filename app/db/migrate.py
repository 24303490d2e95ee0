"""`portal db migrate`: bring any database, a Supabase project's included, to the current schema.

1. On plain Postgres, the compatibility script (what Supabase already has).
2. supabase/migrations/: versioned, each applied once in its own transaction and recorded in
   supabase_migrations.schema_migrations exactly as the Supabase CLI records it.
3. functions/ (private helpers first) then sql/policies/: repeatable, re-applied on every run,
   together in one transaction, which then drops the functions no file defines any more (a
   deleted file, the old overload of a changed signature). One that something still uses (a
   trigger, a policy, a view) is not dropped: the run refuses, names it, and applies nothing
   of that step.
"""

import re
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

# The Supabase CLI's own pattern; it skips other files in the folder, and so do we.
MIGRATION_NAME = re.compile(r"^([0-9]+)_(.*)\.sql$")

# A function file's `revoke all on function <signature> from ...` line: its signature as the
# catalog can resolve it (the create statement's, with names and defaults, cannot be compared).
FUNCTION_REVOKE = re.compile(r"revoke\s+all\s+on\s+function\s+(?P<signature>[\w.]+\(.*?\))\s+from",
                             re.IGNORECASE | re.DOTALL)

# Serialises concurrent runs on one database (two deploys, two test processes).
LOCK_KEY = 7_214_550_391


@dataclass
class MigrationReport:
    supabase: bool = False
    compat: str = "applied"
    applied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        target = "Supabase" if self.supabase else f"plain Postgres (compatibility {self.compat})"
        lines = [f"Target: {target}", "Versioned migrations:"]
        lines += [f"  applied {name}" for name in self.applied] or ["  nothing to apply"]
        lines += [f"  skipped {name} (not <version>_<name>.sql)" for name in self.skipped]
        lines.append(f"Repeatable: {len(self.functions)} functions and"
                     f" {len(self.policies)} policy files re-applied")
        lines += [f"  dropped {signature} (no file defines it any more)" for signature in self.dropped]
        return "\n".join(lines)


def is_supabase(conn) -> bool:
    """Supabase databases have auth.jwt() in an auth schema that Supabase's own admin role owns
    (supabase_admin; supabase_auth_admin on some self-hosted set-ups). The compatibility script
    creates supabase_admin too, but its auth schema belongs to whoever ran it."""
    return conn.execute(
        "select exists (select from pg_namespace n join pg_roles r on r.oid = n.nspowner"
        "                where n.nspname = 'auth' and r.rolname in ('supabase_admin', 'supabase_auth_admin'))"
        " and to_regprocedure('auth.jwt()') is not null").fetchone()[0]


def function_files(root: Path) -> list[Path]:
    """functions/*.sql, `private.*` helpers first: public functions call them."""
    return sorted((root / "functions").glob("*.sql"),
                  key=lambda p: (not p.name.startswith("private."), p.name))


def policy_files(root: Path) -> list[Path]:
    return sorted((root / "sql" / "policies").glob("*.sql"))


def run_file(conn, path: Path, text: str | None = None) -> None:
    """Executes a whole SQL file; an error says which file it came from."""
    try:
        conn.execute(path.read_text() if text is None else text)
    except psycopg.Error as error:
        error.add_note(f"while applying {path}")
        raise


def migrate(database_url: str, root: Path = PROJECT_ROOT) -> MigrationReport:
    """Applies everything that is due; raises (having rolled back that step) on the first error."""
    report = MigrationReport()
    compat = root / "sql" / "compat" / "supabase_compat.sql"
    # Autocommit, so that each `conn.transaction()` below is a transaction of its own.
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", (LOCK_KEY,))
        report.supabase = is_supabase(conn)
        with conn.transaction():
            if report.supabase:
                report.compat = "not needed"
            elif compat.exists():
                run_file(conn, compat)
            else:
                report.compat = "script missing"
            conn.execute(HISTORY_DDL)

        done = {row[0] for row in
                conn.execute("select version from supabase_migrations.schema_migrations")}
        for path in sorted((root / "supabase" / "migrations").glob("*.sql")):
            match = MIGRATION_NAME.match(path.name)
            if not match:
                report.skipped.append(path.name)
                continue
            version, name = match.groups()
            if version in done:
                continue
            text = path.read_text()
            with conn.transaction():
                run_file(conn, path, text)
                conn.execute("insert into supabase_migrations.schema_migrations"
                             " (version, statements, name) values (%s, %s, %s)",
                             (version, [text], name))
            done.add(version)
            report.applied.append(path.name)

        functions, policies = function_files(root), policy_files(root)
        with conn.transaction():
            # Name order is not dependency order (a helper may call one later in the alphabet):
            # bodies are checked when they run, as in the generated migration.
            conn.execute("set local check_function_bodies = off")
            for path in functions + policies:
                run_file(conn, path)
            report.dropped = drop_orphan_functions(conn, root)
        report.functions = [p.name for p in functions]
        report.policies = [p.name for p in policies]
    return report


def drop_orphan_functions(conn, root: Path) -> list[str]:
    """Drops what `portal db check` calls an orphan; refuses (raises) when one is still used."""
    from app.db.check import orphan_functions  # check reads this module's file lists

    orphans = orphan_functions(conn, root)
    for signature in orphans:
        try:
            # Not cascade: whatever still uses it must be changed by a migration first.
            conn.execute(f"drop function {signature}")
        except psycopg.errors.DependentObjectsStillExist as error:
            error.add_note(f"Refusing to drop {signature}, which no file of functions/ defines any"
                           " more, because something still uses it (see the detail above);"
                           " change that in a new migration, then migrate again.")
            raise
    return orphans
