"""`portal db migrate`: versioned once, repeatable every time, all or nothing per step."""

import shutil
import uuid

import psycopg
import pytest

from app.config import PROJECT_ROOT
from app.db import cluster
from app.db.check import check
from app.db.migrate import migrate
from tests.supabase_like import database as supabase_like

MIGRATIONS = sorted((PROJECT_ROOT / "supabase" / "migrations").glob("*.sql"))


@pytest.fixture
def scratch_url(server_url):
    name = f"portal_migrate_{uuid.uuid4().hex[:12]}"
    url = cluster.ensure_database(server_url, name)
    yield url
    cluster.drop_database(server_url, name)


def history(url):
    with psycopg.connect(url) as conn:
        return conn.execute("select version, name, statements from"
                            " supabase_migrations.schema_migrations order by version").fetchall()


def scalar(url, query):
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchone()[0]


def write(root, files):
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


# --- the project's own schema ------------------------------------------------------------------

def test_second_run_applies_no_versioned_migration(scratch_url):
    first = migrate(scratch_url)
    recorded = history(scratch_url)
    second = migrate(scratch_url)

    assert first.applied == [p.name for p in MIGRATIONS]
    assert second.applied == []
    assert history(scratch_url) == recorded
    assert "nothing to apply" in second.summary()


def test_history_is_recorded_as_the_supabase_cli_does(scratch_url):
    migrate(scratch_url)
    assert history(scratch_url) == [(p.stem.split("_", 1)[0], p.stem.split("_", 1)[1],
                                     [p.read_text()]) for p in MIGRATIONS]


def test_compatibility_creates_the_api_roles_as_supabase_has_them(database_url):
    with psycopg.connect(database_url) as conn:
        roles = conn.execute(
            "select rolname, rolcanlogin, rolbypassrls from pg_roles where rolname"
            " in ('anon', 'authenticated', 'service_role', 'authenticator', 'supabase_admin')"
            " order by rolname").fetchall()
    assert roles == [("anon", False, False), ("authenticated", False, False),
                     ("authenticator", False, False), ("service_role", False, True),
                     ("supabase_admin", False, False)]


def test_compatibility_grants_nothing_by_default_as_a_new_project(scratch_url):
    """A table or sequence created after migrating is open to no API role until granted."""
    migrate(scratch_url)
    with psycopg.connect(scratch_url) as conn:
        conn.execute("create table public.later (id bigint generated always as identity)")
        opened = conn.execute(
            "select r, p from unnest(array['anon', 'authenticated', 'service_role']) r,"
            " unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p"
            " where has_table_privilege(r, 'public.later', p)"
            "    or has_sequence_privilege(r, 'public.later_id_seq', 'USAGE')").fetchall()
        conn.rollback()
    assert opened == []


CLAIMS = ('{"sub": "9f1f0a4e-0000-4000-8000-000000000001", "email": "x@y.test",'
          ' "role": "authenticated"}')
AUTH_CALLS = ("select auth.uid(), pg_typeof(auth.uid())::text, auth.email(), auth.role(),"
              " auth.jwt(), pg_typeof(auth.jwt())::text")


def test_auth_functions_read_the_request_claims(database_url):
    with psycopg.connect(database_url) as conn:
        conn.execute("select set_config('request.jwt.claims', %s, true)", (CLAIMS,))
        uid, uid_type, email, role, jwt, jwt_type = conn.execute(AUTH_CALLS).fetchone()
    assert (str(uid), uid_type, email, role) == (
        "9f1f0a4e-0000-4000-8000-000000000001", "uuid", "x@y.test", "authenticated")
    assert (jwt["email"], jwt_type) == ("x@y.test", "jsonb")


def test_auth_functions_are_null_without_claims(database_url):
    with psycopg.connect(database_url) as conn:
        # An ended transaction-local setting leaves '' behind: Supabase treats it as absent.
        conn.execute("select set_config('request.jwt.claims', '', false)")
        assert conn.execute(AUTH_CALLS).fetchone() == (None, "uuid", None, None, None, "jsonb")


def test_auth_functions_honour_the_older_per_claim_settings_first(database_url):
    with psycopg.connect(database_url) as conn:
        conn.execute("select set_config('request.jwt.claims', %s, true)", (CLAIMS,))
        conn.execute("select set_config('request.jwt.claim.email', 'old@y.test', true),"
                     " set_config('request.jwt.claim.sub', %s, true)",
                     ("00000000-0000-4000-8000-000000000002",))
        uid, _, email, role, _, _ = conn.execute(AUTH_CALLS).fetchone()
    assert (str(uid), email, role) == (
        "00000000-0000-4000-8000-000000000002", "old@y.test", "authenticated")


# --- the runner itself, on a tiny project ------------------------------------------------------

TINY = {
    # Counts its own runs, so the tests can see it is applied on every run.
    "sql/compat/supabase_compat.sql":
        "create table if not exists public.compat_runs (at timestamptz default now());\n"
        "insert into public.compat_runs default values;\n",
    "supabase/migrations/20260101000000_create_things.sql": "create table public.things (id int);",
    "supabase/migrations/20260102000000_add_thing_name.sql":
        "alter table public.things add column name text;",
    # Not named <version>_<name>.sql: the Supabase CLI skips such files, so do we.
    "supabase/migrations/draft.sql": "select 1/0;",
    # Sorts first by name, but needs the private helper: proves helpers are applied first.
    "functions/count_things.sql":
        "create or replace function public.count_things() returns int language sql"
        " as $$ select private.thing_total() $$;",
    "functions/private.thing_total.sql":
        "create schema if not exists private;\n"
        "create or replace function private.thing_total() returns int language sql"
        " as $$ select count(*)::int from public.things $$;",
    "sql/policies/things.sql": "alter table public.things enable row level security;",
}


def test_tiny_project_runs_in_order_and_twice(scratch_url, tmp_path):
    root = write(tmp_path, TINY)

    first = migrate(scratch_url, root=root)
    second = migrate(scratch_url, root=root)

    assert first.applied == ["20260101000000_create_things.sql",
                             "20260102000000_add_thing_name.sql"]
    assert second.applied == []
    assert first.functions == second.functions == ["private.thing_total.sql", "count_things.sql"]
    assert second.policies == ["things.sql"]
    assert [row[:2] for row in history(scratch_url)] == [("20260101000000", "create_things"),
                                                         ("20260102000000", "add_thing_name")]
    assert scalar(scratch_url, "select count(*) from public.compat_runs") == 2
    assert scalar(scratch_url, "select public.count_things()") == 0
    assert first.skipped == ["draft.sql"]
    assert "20260102000000_add_thing_name.sql" in first.summary()


def test_a_broken_migration_is_rolled_back_wholly_and_not_recorded(scratch_url, tmp_path):
    root = write(tmp_path, {**TINY, "supabase/migrations/20260103000000_break_things.sql":
                            "create table public.half_done (id int);\nselect 1/0;\n"})

    with pytest.raises(psycopg.errors.DivisionByZero) as failure:
        migrate(scratch_url, root=root)

    assert "20260103000000_break_things.sql" in "".join(failure.value.__notes__)
    assert scalar(scratch_url, "select to_regclass('public.half_done')") is None
    # The migrations before it each committed on their own.
    assert [row[0] for row in history(scratch_url)] == ["20260101000000", "20260102000000"]


def test_a_broken_policy_rolls_back_every_repeatable_file(scratch_url, tmp_path):
    root = write(tmp_path, {**TINY, "sql/policies/zzz_broken.sql": "select 1/0;"})

    with pytest.raises(psycopg.errors.DivisionByZero):
        migrate(scratch_url, root=root)

    assert scalar(scratch_url, "select to_regprocedure('public.count_things()')") is None
    assert len(history(scratch_url)) == 2


def test_missing_folders_and_files_are_not_an_error(scratch_url, tmp_path):
    report = migrate(scratch_url, root=tmp_path)

    assert (report.applied, report.functions, report.policies) == ([], [], [])
    assert report.compat == "script missing"
    assert "nothing to apply" in report.summary()
    assert history(scratch_url) == []


def test_only_a_supabase_database_is_taken_for_one(server_url, scratch_url):
    """The compatibility script creates supabase_admin too: what tells Supabase apart is who owns
    `auth`. A second run on plain Postgres still applies the script; Supabase never gets it."""
    assert migrate(scratch_url).supabase is False
    again = migrate(scratch_url)
    assert (again.supabase, again.compat) == (False, "applied")

    name = f"portal_migrate_{uuid.uuid4().hex[:12]}"
    url = supabase_like.create(server_url, name)
    try:
        report = migrate(url)
    finally:
        cluster.drop_database(server_url, name)
    assert (report.supabase, report.compat) == (True, "not needed")


# --- the re-applied SQL stays in step: functions no file defines are dropped ------------------

@pytest.fixture
def project_copy(tmp_path):
    """The repository's SQL in a folder of its own, to delete and change files in."""
    for folder in ("functions", "sql", "supabase/migrations"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    return tmp_path


def functions_named(url, name):
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute(
            "select oid::regprocedure::text from pg_proc where proname = %s order by 1", (name,))]


def test_a_deleted_function_file_drops_the_function(scratch_url, project_copy):
    migrate(scratch_url, root=project_copy)
    (project_copy / "functions" / "portal_profile.sql").unlink()
    report = migrate(scratch_url, root=project_copy)
    assert report.dropped == ["portal_profile()"]
    assert functions_named(scratch_url, "portal_profile") == []
    assert "dropped portal_profile() (no file defines it any more)" in report.summary()
    assert not [p for p in check(scratch_url, root=project_copy).problems if "orphan" in p]


def test_a_changed_signature_leaves_no_old_overload(scratch_url, project_copy):
    migrate(scratch_url, root=project_copy)
    path = project_copy / "functions" / "portal_profile.sql"
    path.write_text(path.read_text().replace("public.portal_profile()",
                                             "public.portal_profile(p_unused integer default null)")
                    .replace("function public.portal_profile(p_unused integer default null) from",
                             "function public.portal_profile(integer) from")
                    .replace("function public.portal_profile(p_unused integer default null) to",
                             "function public.portal_profile(integer) to"))
    report = migrate(scratch_url, root=project_copy)
    assert report.dropped == ["portal_profile()"]
    assert functions_named(scratch_url, "portal_profile") == ["portal_profile(integer)"]
    assert check(scratch_url, root=project_copy).problems == []


def test_an_orphan_still_in_use_is_refused_and_nothing_changes(scratch_url, project_copy):
    migrate(scratch_url, root=project_copy)
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        conn.execute("create view public.wt_arch_profile_user as select public.portal_profile()")
    (project_copy / "functions" / "portal_profile.sql").unlink()
    (project_copy / "functions" / "wt_arch_added.sql").write_text(
        "create or replace function public.wt_arch_added() returns int language sql as 'select 1';"
        "\nrevoke all on function public.wt_arch_added() from public, anon, authenticated, service_role;")
    with pytest.raises(psycopg.errors.DependentObjectsStillExist) as refused:
        migrate(scratch_url, root=project_copy)
    assert any("Refusing to drop portal_profile()" in note for note in refused.value.__notes__)
    assert functions_named(scratch_url, "portal_profile") == ["portal_profile()"]
    assert functions_named(scratch_url, "wt_arch_added") == []  # the whole step rolled back
