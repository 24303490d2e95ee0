"""The Postgres adapter does what PostgREST does: one transaction per call, the role and the
claims set locally, named arguments; errors map like the Supabase adapter's."""

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from app.data import ClientIdentity, Unavailable
from app.data.base import ERRORS_BY_CODE
from app.data.postgres import PostgresData

WHOAMI = """
create or replace function public.test_whoami(p_echo text default null) returns jsonb
language sql as $$
  select jsonb_build_object('role', current_user, 'email', auth.email(), 'echo', p_echo,
                            'claims', current_setting('request.jwt.claims', true))
$$;
create or replace function public.test_raise(p_code text) returns jsonb
language plpgsql as $$
begin
  raise exception 'raised %', p_code using errcode = p_code, detail = '{"field": "why"}';
end
$$;
create or replace function public.test_uuid(p_id uuid) returns jsonb
language sql as $$ select to_jsonb(p_id) $$;
grant execute on function public.test_whoami(text), public.test_raise(text),
  public.test_uuid(uuid) to authenticated, service_role;
"""


@pytest.fixture(scope="module")
def data(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(WHOAMI)
    pool = ConnectionPool(database_url, min_size=1, max_size=1, open=True)
    yield PostgresData(pool)
    pool.close()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("drop function public.test_whoami(text), public.test_raise(text),"
                     " public.test_uuid(uuid)")


def test_client_calls_run_as_authenticated_with_the_claims(data):
    identity = ClientIdentity("token", {"email": "a@example.test", "role": "authenticated"})
    result = data.call_as_client(identity, "test_whoami", p_echo="hello")
    assert (result["role"], result["email"], result["echo"]) == ("authenticated", "a@example.test", "hello")


def test_service_calls_run_as_service_role(data):
    result = data.call_as_service("test_whoami")
    assert result["role"] == "service_role"
    assert result["email"] is None


def test_identity_never_leaks_into_the_next_call_on_a_pooled_connection(data):
    data.call_as_client(ClientIdentity("t", {"email": "a@example.test"}), "test_whoami")
    with data.pool.connection() as conn:
        row = conn.execute("select current_user, current_setting('request.jwt.claims', true)").fetchone()
    assert row[0] != "authenticated"
    assert not row[1]


@pytest.mark.parametrize("code,expected", sorted(
    (c, e) for c, e in ERRORS_BY_CODE.items() if not c.startswith("PGRST")))
def test_sqlstates_map_to_the_same_errors_as_supabase(data, code, expected):
    with pytest.raises(expected) as raised:
        data.call_as_service("test_raise", p_code=code)
    assert raised.value.code == code
    assert raised.value.message == f"raised {code}"
    assert raised.value.details == {"field": "why"}


def test_uuid_arguments_are_passed_as_text(data):
    value = "aaaaaaaa-0000-4000-8000-000000000001"
    assert data.call_as_service("test_uuid", p_id=value) == value


def test_bad_function_names_never_reach_the_database(data):
    with pytest.raises(ValueError):
        data.call_as_service("test_whoami(); drop table clients; --")


def test_unreachable_database_is_unavailable():
    pool = ConnectionPool("postgresql://postgres@127.0.0.1:1/none?connect_timeout=1",
                          min_size=0, max_size=1, open=True, timeout=2)
    try:
        with pytest.raises(Unavailable):
            PostgresData(pool).call_as_service("test_whoami")
    finally:
        pool.close()
