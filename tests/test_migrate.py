"""`portal db migrate`: versioned once, repeatable every time, all or nothing per migration."""

import shutil
import uuid

import psycopg
import pytest

from app.config import PROJECT_ROOT
from app.db import cluster
from app.db.migrate import migrate


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


def test_second_run_applies_nothing(scratch_url):
    first = migrate(scratch_url)
    recorded = history(scratch_url)
    second = migrate(scratch_url)

    migration_files = sorted(p.name for p in (PROJECT_ROOT / "supabase/migrations").glob("*.sql"))
    assert first.applied == migration_files
    assert second.applied == []
    assert history(scratch_url) == recorded
    assert [v for v, _, _ in recorded] == [f.split("_")[0] for f in migration_files]
    assert "nothing to apply" in second.summary()


def test_history_is_recorded_as_the_supabase_cli_does(scratch_url):
    migrate(scratch_url)
    version, name, statements = history(scratch_url)[0]
    first_file = sorted((PROJECT_ROOT / "supabase/migrations").glob("*.sql"))[0]
    assert (version, name) == tuple(first_file.stem.split("_", 1))
    assert statements == [first_file.read_text()]


def test_compatibility_defines_auth_as_supabase_does(database_url):
    claims = '{"sub": "9f1f0a4e-0000-4000-8000-000000000001", "email": "x@y.test", "role": "authenticated"}'
    with psycopg.connect(database_url) as conn:
        roles = {r[0] for r in conn.execute(
            "select rolname from pg_roles where rolname in ('anon', 'authenticated', 'service_role')")}
        conn.execute("select set_config('request.jwt.claims', %s, true)", (claims,))
        row = conn.execute("select auth.uid()::text, auth.email(), auth.role(),"
                           " auth.jwt() ->> 'email'").fetchone()
    assert roles == {"anon", "authenticated", "service_role"}
    assert row == ("9f1f0a4e-0000-4000-8000-000000000001", "x@y.test", "authenticated", "x@y.test")


def test_a_failing_migration_is_rolled_back_and_not_recorded(scratch_url, tmp_path):
    root = tmp_path / "project"
    for part in ("sql", "functions"):
        shutil.copytree(PROJECT_ROOT / part, root / part)
    shutil.copytree(PROJECT_ROOT / "supabase/migrations", root / "supabase/migrations")
    (root / "supabase/migrations/29990101000000_break_things.sql").write_text(
        "create table public.half_done (id int);\nselect 1/0;\n")

    with pytest.raises(psycopg.errors.DivisionByZero):
        migrate(scratch_url, root=root)

    with psycopg.connect(scratch_url) as conn:
        assert conn.execute("select to_regclass('public.half_done')").fetchone()[0] is None
    assert "29990101000000" not in [v for v, _, _ in history(scratch_url)]
