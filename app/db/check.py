"""`portal db check`: is this database (a Supabase project's, any Postgres) deployed as the
repository says? Reads the catalog only, changes nothing. It checks:

- every migration of supabase/migrations/ is recorded as applied;
- row-level security is on for every table of `public` and `private`;
- grants are exactly the expected ones, for PUBLIC, anon, authenticated and service_role:
  tables as sql/policies/ grants them to authenticated, and SELECT, INSERT, UPDATE, DELETE on
  every table for service_role (the trusted server, which bypasses RLS); no privilege on any
  sequence; EXECUTE on a function exactly as the `grant execute` lines of functions/ and the
  migrations say;
- every function of functions/ and of the migrations is present, and no other (an orphan, e.g.
  the old overload left when a signature changed) is in `public` or `private`;
- the owner of private.current_client_id() can read auth.sessions (identity needs it), and
  the owner of private.end_caller_sessions() can delete from it ("sign out everywhere").
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from app.config import PROJECT_ROOT
from app.db.generate import SUFFIX as GENERATED
from app.db.migrate import FUNCTION_REVOKE, MIGRATION_NAME, function_files, policy_files

API_ROLES = ("anon", "authenticated", "service_role")
SERVICE_TABLE_PRIVILEGES = {"SELECT", "INSERT", "UPDATE", "DELETE"}
# By name: on a database never migrated, `private` does not exist yet.
SCHEMAS = "(select oid from pg_namespace where nspname in ('public', 'private'))"

# `grant <privileges> on [table] <schema.table> to <roles>;` and the same for functions.
TABLE_GRANT = re.compile(r"grant\s+(?P<privileges>[^;]*?)\s+on\s+(?:table\s+)?"
                         r"(?P<table>(?:public|private)\.\w+)\s+to\s+(?P<roles>[\w\s,]+);", re.IGNORECASE)
FUNCTION_GRANT = re.compile(r"grant\s+execute\s+on\s+function\s+(?P<functions>.*?)"
                            r"\s+to\s+(?P<roles>[\w\s,]+);", re.IGNORECASE | re.DOTALL)
FUNCTION_CREATE = re.compile(r"create\s+(?:or\s+replace\s+)?function\s+"
                             r"(?P<name>(?:public|private)\.\w+)\s*\(", re.IGNORECASE)
PRIVILEGE = re.compile(r"(\w+)\s*(?:\(([^)]*)\))?")


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"ok: {line}" for line in self.checked]
        lines += [f"PROBLEM: {line}" for line in self.problems]
        lines.append(f"{len(self.problems)} problem(s)" if self.problems
                     else "The database is as the repository says.")
        return "\n".join(lines)


def split_signatures(text: str) -> list[str]:
    """`a(x, y), b()` -> ['a(x, y)', 'b()']: commas outside parentheses separate functions."""
    found, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            found.append(text[start:i].strip())
            start = i + 1
    found.append(text[start:].strip())
    return [f for f in found if f]


def roles_of(text: str) -> set[str]:
    return {r.strip().lower() for r in text.split(",")} & set(API_ROLES)


def migration_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "supabase" / "migrations").glob("*.sql") if MIGRATION_NAME.match(p.name))


def expected_function_grants(root: Path) -> tuple[dict[str, set[str]], list[str], set[str]]:
    """Granted roles by signature; the signature of each function file; the names the
    migrations create (functions of their own, e.g. triggers)."""
    grants: dict[str, set[str]] = {}
    for path in migration_files(root) + function_files(root):
        for match in FUNCTION_GRANT.finditer(path.read_text()):
            for signature in split_signatures(match["functions"]):
                grants.setdefault(signature, set()).update(roles_of(match["roles"]))
    files = []
    for path in function_files(root):
        match = FUNCTION_REVOKE.search(path.read_text())
        files.append(match["signature"] if match else f"{path.name}: no `revoke all on function` line")
    # The generated migrations only copy functions/: their functions are the files' ones.
    created = {m["name"] for path in migration_files(root) if not path.stem.endswith("_" + GENERATED)
               for m in FUNCTION_CREATE.finditer(path.read_text())}
    return grants, files, created


def expected_client_table_grants(root: Path) -> set[tuple[str, str, str]]:
    """(table, column or '', privilege) that sql/policies/ grants to authenticated."""
    expected = set()
    for path in policy_files(root):
        for match in TABLE_GRANT.finditer(path.read_text()):
            if "authenticated" not in roles_of(match["roles"]):
                continue
            for privilege, columns in PRIVILEGE.findall(match["privileges"]):
                for column in (columns.split(",") if columns else [""]):
                    expected.add((match["table"], column.strip(), privilege.upper()))
    return expected


def check(database_url: str, root: Path = PROJECT_ROOT) -> CheckReport:
    report = CheckReport()
    with psycopg.connect(database_url) as conn:
        check_migrations(conn, root, report)
        check_row_level_security(conn, report)
        check_table_grants(conn, root, report)
        check_functions(conn, root, report)
        check_identity_reads_sessions(conn, report)
        check_sessions_can_be_ended(conn, report)
        conn.rollback()
    return report


def check_migrations(conn, root: Path, report: CheckReport) -> None:
    versions = [MIGRATION_NAME.match(p.name).group(1) for p in migration_files(root)]
    if conn.execute("select to_regclass('supabase_migrations.schema_migrations')").fetchone()[0] is None:
        report.problems.append(
            "no migration history (supabase_migrations.schema_migrations): nothing applied")
        return
    applied = {r[0] for r in conn.execute("select version from supabase_migrations.schema_migrations")}
    missing = [v for v in versions if v not in applied]
    report.problems += [f"migration {v} is not applied" for v in missing]
    if not missing:
        report.checked.append(f"all {len(versions)} migrations applied")


def check_row_level_security(conn, report: CheckReport) -> None:
    rows = conn.execute(f"""
        select c.oid::regclass::text, c.relrowsecurity from pg_class c
         where c.relnamespace in {SCHEMAS} and c.relkind in ('r', 'p') order by 1""").fetchall()
    report.problems += [f"row-level security is off on {table}" for table, on in rows if not on]
    if all(on for _, on in rows):
        report.checked.append(f"row-level security on for all {len(rows)} tables")


def actual_grants(conn, kind: str) -> set[tuple]:
    """(object, column or '', privilege, grantee) held by PUBLIC or an API role."""
    grantee = "case a.grantee when 0 then 'public' else a.grantee::regrole::text end"
    roles = "(a.grantee = 0 or a.grantee::regrole::text in ('anon', 'authenticated', 'service_role'))"
    if kind == "function":
        query = f"""select p.oid::regprocedure::text, '', a.privilege_type, {grantee}
                      from pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                     where p.pronamespace in {SCHEMAS} and {roles}"""
    elif kind == "column":
        query = f"""select c.oid::regclass::text, att.attname::text, a.privilege_type, {grantee}
                      from pg_class c join pg_attribute att on att.attrelid = c.oid, aclexplode(att.attacl) a
                     where c.relnamespace in {SCHEMAS} and c.relkind in ('r', 'p') and {roles}"""
    else:
        relkinds = "('S')" if kind == "sequence" else "('r', 'p')"
        query = f"""select c.oid::regclass::text, '', a.privilege_type, {grantee}
                      from pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
                     where c.relnamespace in {SCHEMAS} and c.relkind in {relkinds} and {roles}"""
    return set(conn.execute(query).fetchall())


def check_table_grants(conn, root: Path, report: CheckReport) -> None:
    tables = [r[0] for r in conn.execute(
        f"select c.oid::regclass::text from pg_class c where c.relnamespace in {SCHEMAS}"
        " and c.relkind in ('r', 'p')")]
    # regclass text omits `public.`: compare on that form.
    client = {(t.removeprefix("public."), col, priv, "authenticated")
              for t, col, priv in expected_client_table_grants(root)}
    expected = {(t, "", p, g) for t, c, p, g in client if not c}
    expected |= {(t, "", p, "service_role") for t in tables for p in SERVICE_TABLE_PRIVILEGES}
    expected_columns = {row for row in client if row[1]}
    problems = []
    for rows, wanted in ((actual_grants(conn, "table"), expected),
                         (actual_grants(conn, "column"), expected_columns)):
        problems += [f"unexpected grant: {g} has {p} on {t}{'.' + c if c else ''}"
                     for t, c, p, g in sorted(rows - wanted)]
        problems += [f"missing grant: {g} lacks {p} on {t}{'.' + c if c else ''}"
                     for t, c, p, g in sorted(wanted - rows)]
    problems += [f"unexpected grant: {g} has {p} on sequence {t}"
                 for t, _, p, g in sorted(actual_grants(conn, "sequence"))]
    report.problems += problems
    if not problems:
        report.checked.append(f"grants on {len(tables)} tables and their sequences exactly as expected")


def resolve(conn, signature: str) -> str | None:
    """The signature as the catalog spells it, or None when there is no such function."""
    try:
        with conn.transaction():  # a savepoint: a type that does not exist (yet) aborts only it
            return conn.execute("select to_regprocedure(%s)::text", (signature,)).fetchone()[0]
    except psycopg.Error:
        return None


def orphan_functions(conn, root: Path) -> list[str]:
    """Functions in `public` or `private` that no file defines (any more): a deleted function
    file, or the old overload a changed signature left. Functions a migration creates by name
    (e.g. triggers) and those of extensions are not orphans, nor any overload of a function
    whose file has no `revoke all` line (its signature is unknown; that line's absence is a
    problem of its own). `portal db migrate` drops these."""
    _, files, created = expected_function_grants(root)
    for path in function_files(root):
        text = path.read_text()
        if not FUNCTION_REVOKE.search(text):
            created |= {m["name"] for m in FUNCTION_CREATE.finditer(text)}
    expected = {resolve(conn, signature) for signature in files}
    present = conn.execute(f"""
        select p.oid::regprocedure::text, n.nspname || '.' || p.proname from pg_proc p
          join pg_namespace n on n.oid = p.pronamespace
         where p.pronamespace in {SCHEMAS}
           and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass
                            and d.objid = p.oid and d.deptype = 'e')""").fetchall()
    return [signature for signature, name in sorted(present)
            if signature not in expected and name not in created]


def check_functions(conn, root: Path, report: CheckReport) -> None:
    grants, files, _ = expected_function_grants(root)
    problems = [f"missing function {signature}" for signature in files
                if resolve(conn, signature) is None]
    problems += [f"orphan function {signature} (in no file of the repository)"
                 for signature in orphan_functions(conn, root)]
    wanted = {(resolved, "", "EXECUTE", role) for signature, roles in grants.items()
              if (resolved := resolve(conn, signature)) for role in roles}
    rows = actual_grants(conn, "function")
    problems += [f"unexpected grant: {g} may execute {f}" for f, _, _, g in sorted(rows - wanted)]
    problems += [f"missing grant: {g} may not execute {f}" for f, _, _, g in sorted(wanted - rows)]
    report.problems += problems
    if not problems:
        report.checked.append(
            f"all {len(files)} functions present, none orphaned, EXECUTE exactly as expected")


def check_identity_reads_sessions(conn, report: CheckReport) -> None:
    """private.current_client_id() runs as its owner and reads auth.sessions (Supabase mode):
    without that privilege every client request would fail."""
    row = conn.execute("""
        select has_table_privilege(p.proowner, 'auth.sessions', 'SELECT')
          from pg_proc p where p.oid = to_regprocedure('private.current_client_id()')
           and to_regclass('auth.sessions') is not null""").fetchone()
    if row is None:
        return  # reported above as a missing function, or no auth.sessions: nothing to read
    if row[0]:
        report.checked.append("private.current_client_id() can read auth.sessions")
    else:
        report.problems.append(
            "the owner of private.current_client_id() cannot read auth.sessions: no client can sign in")


def check_sessions_can_be_ended(conn, report: CheckReport) -> None:
    """private.end_caller_sessions() deletes a person's auth.sessions rows (Supabase mode), which
    ends their refresh tokens: without DELETE, signing out a device would fail."""
    row = conn.execute("""
        select has_table_privilege(p.proowner, 'auth.sessions', 'DELETE')
          from pg_proc p where p.oid = to_regprocedure('private.end_caller_sessions(text, uuid, timestamptz)')
           and to_regclass('auth.sessions') is not null""").fetchone()
    if row is None:
        return  # reported above as a missing function, or no auth.sessions
    if row[0]:
        report.checked.append("private.end_caller_sessions() can end auth.sessions")
    else:
        report.problems.append("the owner of private.end_caller_sessions() cannot delete from"
                               " auth.sessions: devices cannot be signed out in Supabase mode")
