"""What the Supabase CLI deploys (`supabase db reset`, `start`, `db push`): supabase/migrations/
in order, each in its own transaction, then the seed; never functions/ or sql/policies/. Applied
exactly so to a new project's (Supabase-like, strict) database, the schema must be protected and
the same as `portal db migrate` gives."""

import subprocess
import uuid

import psycopg
import pytest
from psycopg import sql

from app.config import PROJECT_ROOT
from app.db import cluster
from app.db.migrate import migrate
from tests.supabase_like import database as supabase_like

MIGRATIONS = sorted((PROJECT_ROOT / "supabase" / "migrations").glob("*.sql"))
SEED = PROJECT_ROOT / "supabase" / "seed.sql"
SCHEMAS = "('public'::regnamespace, 'private'::regnamespace)"

# Everything that decides who may do what: functions (body, privileges, definer, settings),
# tables and sequences (RLS, privileges), column privileges, policies, triggers.
FINGERPRINT = f"""
select jsonb_build_object(
  'functions', (select jsonb_object_agg(p.oid::regprocedure::text,
                  jsonb_build_array(md5(p.prosrc), p.proacl::text, p.prosecdef, p.proconfig))
                  from pg_proc p where p.pronamespace in {SCHEMAS}),
  'relations', (select jsonb_object_agg(c.oid::regclass::text,
                  jsonb_build_array(c.relkind, c.relrowsecurity, c.relacl::text))
                  from pg_class c where c.relnamespace in {SCHEMAS} and c.relkind in ('r', 'p', 'S', 'v')),
  'columns', (select jsonb_object_agg(a.attrelid::regclass::text || '.' || a.attname, a.attacl::text)
                from pg_attribute a join pg_class c on c.oid = a.attrelid
               where c.relnamespace in {SCHEMAS} and a.attacl is not null),
  'policies', (select jsonb_object_agg(p.schemaname || '.' || p.tablename || ': ' || p.policyname,
                 jsonb_build_array(p.cmd, p.roles::text, p.qual, p.with_check))
                 from pg_policies p where p.schemaname in ('public', 'private')),
  'triggers', (select jsonb_object_agg(t.tgrelid::regclass::text || '.' || t.tgname, pg_get_triggerdef(t.oid))
                 from pg_trigger t join pg_class c on c.oid = t.tgrelid
                where c.relnamespace in {SCHEMAS} and not t.tgisinternal))
"""


@pytest.fixture(scope="module", params=["new", "old"], ids=["new_project", "older_project"])
def defaults(request):
    """A new project's default privileges (grant nothing), or an older one's (grant everything)."""
    return request.param


@pytest.fixture(scope="module")
def cli_database_url(server_url, defaults):
    """A project's database, deployed as the Supabase CLI deploys."""
    name = f"portal_cli_{uuid.uuid4().hex[:12]}"
    url = supabase_like.create(server_url, name, defaults)
    for path in [*MIGRATIONS, SEED]:
        run = subprocess.run(["psql", "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(path)],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, f"{path.name}: {run.stderr}"
    yield url
    cluster.drop_database(server_url, name)


@pytest.fixture(scope="module")
def migrated_database_url(server_url, defaults):
    name = f"portal_cli_{uuid.uuid4().hex[:12]}"
    url = supabase_like.create(server_url, name, defaults)
    migrate(url)
    yield url
    cluster.drop_database(server_url, name)


def tables(conn):
    return [r[0] for r in conn.execute(
        f"select c.oid::regclass::text from pg_class c where c.relnamespace in {SCHEMAS}"
        " and c.relkind in ('r', 'p') order by 1")]


def test_row_level_security_is_on_for_every_table(cli_database_url):
    with psycopg.connect(cli_database_url) as conn:
        found = tables(conn)
        without = [r[0] for r in conn.execute(
            f"select c.oid::regclass::text from pg_class c where c.relnamespace in {SCHEMAS}"
            " and c.relkind in ('r', 'p') and not c.relrowsecurity")]
    assert len(found) >= 18
    assert without == []


def test_anonymous_reads_nothing_of_the_seeded_data(cli_database_url):
    read = {}
    with psycopg.connect(cli_database_url) as conn:
        assert conn.execute("select count(*) from public.clients").fetchone()[0] > 0, "the seed loaded"
        for table in tables(conn):
            conn.execute("savepoint probe")
            conn.execute("select set_config('role', 'anon', true),"
                         " set_config('request.jwt.claims', '{\"role\": \"anon\"}', true)")
            try:
                count = conn.execute(sql.SQL("select count(*) from {}").format(
                    sql.SQL(table))).fetchone()[0]
                if count:
                    read[table] = count
            except psycopg.errors.InsufficientPrivilege:
                pass
            conn.execute("rollback to savepoint probe")
    assert read == {}


def test_the_cli_and_portal_db_migrate_give_the_same_schema(cli_database_url, migrated_database_url):
    with psycopg.connect(cli_database_url) as cli, psycopg.connect(migrated_database_url) as ours:
        by_cli, by_migrate = (conn.execute(FINGERPRINT).fetchone()[0] for conn in (cli, ours))
    for part in by_migrate:
        assert by_cli[part] == by_migrate[part], part
