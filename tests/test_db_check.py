"""`portal db check`: passes on a database deployed from the repository, and fails, naming the
problem, on one broken in each way it checks."""

import subprocess
import uuid

import psycopg
import pytest

from app.config import PROJECT_ROOT
from app.db import cluster
from app.db.check import check
from app.db.migrate import migrate
from tests.supabase_like import database as supabase_like

PORTAL = PROJECT_ROOT / ".venv" / "bin" / "portal"


def run_check(url):
    return subprocess.run([str(PORTAL), "db", "check", "--database-url", url],
                          capture_output=True, text=True, timeout=120)


def test_the_migrated_test_database_passes(database_url):
    run = run_check(database_url)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "The database is as the repository says." in run.stdout
    assert "row-level security on for all" in run.stdout and "migrations applied" in run.stdout


def test_an_unmigrated_database_fails(server_url):
    name = f"portal_check_{uuid.uuid4().hex[:12]}"
    url = cluster.ensure_database(server_url, name)
    try:
        run = run_check(url)
    finally:
        cluster.drop_database(server_url, name)
    assert run.returncode == 1
    assert "PROBLEM: no migration history" in run.stdout
    assert "PROBLEM: missing function private.current_client_id()" in run.stdout


@pytest.fixture(scope="module")
def deployed_url(server_url):
    """A database of its own, deployed as production is, to break one way at a time."""
    name = f"portal_check_{uuid.uuid4().hex[:12]}"
    url = supabase_like.create(server_url, name)
    migrate(url)
    yield url
    cluster.drop_database(server_url, name)


BREAKS = {
    "rls_off": ("alter table public.invoices disable row level security",
                "alter table public.invoices enable row level security",
                "row-level security is off on invoices"),
    "anon_reads_a_table": ("grant select on public.clients to anon",
                           "revoke select on public.clients from anon",
                           "unexpected grant: anon has SELECT on clients"),
    "client_writes_a_column": ("grant update (name) on public.clients to authenticated",
                               "revoke update (name) on public.clients from authenticated",
                               "unexpected grant: authenticated has UPDATE on clients.name"),
    "service_role_lacks_a_table": ("revoke insert on public.outbox from service_role",
                                   "grant insert on public.outbox to service_role",
                                   "missing grant: service_role lacks INSERT on outbox"),
    "sequence_granted": ("grant usage on sequence public.outbox_id_seq to anon",
                         "revoke usage on sequence public.outbox_id_seq from anon",
                         "unexpected grant: anon has USAGE on sequence outbox_id_seq"),
    "function_opened_to_clients": (
        "grant execute on function public.touch_session(uuid, integer, timestamptz) to authenticated",
        "revoke execute on function public.touch_session(uuid, integer, timestamptz) from authenticated",
        "unexpected grant: authenticated may execute touch_session(uuid,integer,timestamp with time zone)"),
    "function_opened_to_public": (
        "grant execute on function private.current_client_id() to public",
        "revoke execute on function private.current_client_id() from public",
        "unexpected grant: public may execute private.current_client_id()"),
    "service_role_lacks_a_function": (
        "revoke execute on function public.handle_stripe_event(jsonb) from service_role",
        "grant execute on function public.handle_stripe_event(jsonb) to service_role",
        "missing grant: service_role may not execute handle_stripe_event(jsonb)"),
    "function_missing": ("alter function public.portal_profile() rename to portal_profile_gone",
                         "alter function public.portal_profile_gone() rename to portal_profile",
                         "missing function public.portal_profile()"),
    "orphan_function": ("create function public.portal_profile(p_old integer) returns jsonb"
                        " language sql as 'select null::jsonb';"
                        " revoke all on function public.portal_profile(integer) from public",
                        "drop function public.portal_profile(integer)",
                        "orphan function portal_profile(integer)"),
    "migration_not_applied": (
        "delete from supabase_migrations.schema_migrations where version = '20261129000100'",
        "insert into supabase_migrations.schema_migrations (version, name)"
        " values ('20261129000100', 'enable_rls_and_grant_explicitly')",
        "migration 20261129000100 is not applied"),
}


@pytest.mark.parametrize("breakage", BREAKS, ids=list(BREAKS))
def test_a_broken_database_fails_naming_the_problem(deployed_url, breakage):
    assert check(deployed_url).problems == [], "the database starts as deployed"
    damage, repair, problem = BREAKS[breakage]
    with psycopg.connect(deployed_url, autocommit=True) as conn:
        conn.execute(damage)
    try:
        run = run_check(deployed_url)
    finally:
        with psycopg.connect(deployed_url, autocommit=True) as conn:
            conn.execute(repair)
    assert run.returncode == 1, run.stdout
    assert any(line.startswith(f"PROBLEM: {problem}") for line in run.stdout.splitlines()), run.stdout


def test_identity_that_cannot_read_auth_sessions_fails(server_url, deployed_url):
    """On Supabase, Auth's tables belong to supabase_admin: the check says when `postgres` (the
    owner of private.current_client_id) may not read auth.sessions."""
    as_superuser = cluster.with_database(server_url, deployed_url.rsplit("/", 1)[1])
    with psycopg.connect(as_superuser, autocommit=True) as conn:
        conn.execute("revoke select on auth.sessions from supa_postgres")
    try:
        run = run_check(deployed_url)
    finally:
        with psycopg.connect(as_superuser, autocommit=True) as conn:
            conn.execute("grant select on auth.sessions to supa_postgres")
    assert run.returncode == 1
    assert ("PROBLEM: the owner of private.current_client_id() cannot read auth.sessions:"
            " no client can sign in") in run.stdout.splitlines()


def test_sessions_that_cannot_be_ended_fail(server_url, deployed_url):
    """Supabase grants `postgres` all on Auth's tables; without DELETE on auth.sessions no device
    could be signed out, and the check says so."""
    as_superuser = cluster.with_database(server_url, deployed_url.rsplit("/", 1)[1])
    with psycopg.connect(as_superuser, autocommit=True) as conn:
        conn.execute("revoke delete on auth.sessions from supa_postgres")
    try:
        run = run_check(deployed_url)
    finally:
        with psycopg.connect(as_superuser, autocommit=True) as conn:
            conn.execute("grant delete on auth.sessions to supa_postgres")
    assert run.returncode == 1
    assert ("PROBLEM: the owner of private.end_caller_sessions() cannot delete from auth.sessions:"
            " devices cannot be signed out in Supabase mode") in run.stdout.splitlines()
