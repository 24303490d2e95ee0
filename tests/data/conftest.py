"""A scratch database of its own for the adapter tests: the API roles and a few probe
functions, nothing of the portal's schema, so these tests only depend on the adapters."""

import uuid

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from app.config import PROJECT_ROOT
from app.data.postgres import PostgresData
from app.db import cluster
from app.db.pool import CONNECTION_SETTINGS

# The roles come from the project's own compatibility script (creates them if missing, exactly
# as the migrations expect them: roles are cluster-wide, so a different definition here could
# leak into other tests).
COMPAT = PROJECT_ROOT / "sql" / "compat" / "supabase_compat.sql"

PROBES = """
create function public.whoami(p_echo text default null) returns jsonb
language sql as $$
  -- nullif: a transaction-local setting leaves '' behind on the session once it ends.
  select jsonb_build_object(
    'user', current_user,
    'email', nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email',
    'claims', nullif(current_setting('request.jwt.claims', true), '')::jsonb,
    'echo', p_echo,
    'pid', pg_backend_pid())
$$;

create function public.raise_code(p_code text, p_message text default 'raised') returns jsonb
language plpgsql as $$
begin
  raise exception using message = p_message, errcode = p_code, detail = '{"field": "why"}';
end
$$;

create function public.describe_args(p_id uuid, p_count int default 0, p_doc jsonb default null)
returns jsonb
language sql as $$
  select jsonb_build_object('id', p_id, 'id_type', pg_typeof(p_id)::text, 'count', p_count,
                            'doc', p_doc)
$$;

create function public.service_only() returns jsonb
language sql as $$ select '"service"'::jsonb $$;
revoke execute on function public.service_only() from public, anon, authenticated;
grant execute on function public.service_only() to service_role;

-- A write, to see what a failed call leaves behind.
create table public.notes (body text not null);
grant insert, select on public.notes to service_role;
create function public.add_note(p_body text) returns jsonb
language sql as $$ insert into public.notes values (p_body) returning to_jsonb(body) $$;

-- Stand-ins for the portal's session check and client lookup (call_checking_session): every
-- session is live and every caller a client, so only the calls themselves decide.
create schema private;
grant usage on schema private to authenticated;
create function private.touch_current_session(p_idle_seconds integer, p_now timestamptz)
returns jsonb language sql as $$ select '{"status": "active"}'::jsonb $$;
create function private.current_client_id() returns uuid
language sql as $$ select '00000000-0000-4000-8000-000000000001'::uuid $$;
create function public.sleep_for(p_seconds float) returns jsonb
language sql as $$ select to_jsonb(pg_sleep(p_seconds)::text) $$;
"""


@pytest.fixture(scope="session")
def adapter_db_url(server_url):
    name = f"portal_adapters_{uuid.uuid4().hex[:12]}"
    url = cluster.ensure_database(server_url, name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(COMPAT.read_text())
        conn.execute(PROBES)
    yield url
    cluster.drop_database(server_url, name)


@pytest.fixture
def pg_data(adapter_db_url):
    """The Postgres adapter on a pool of ONE connection: consecutive calls share it."""
    with ConnectionPool(adapter_db_url, min_size=1, max_size=1, open=True, timeout=5,
                        kwargs=CONNECTION_SETTINGS) as pool:
        yield PostgresData(pool)
