"""The same database error reaches the views as the same exception in both modes: a real
Postgres error through the Postgres adapter, and that error as PostgREST serializes it (status
from its table, body {code, message, details, hint}) through the Supabase adapter."""

import pytest

from app.data import ClientIdentity, DataError
from app.data.base import ERRORS_BY_CODE
from app.data.supabase import SupabaseData
from tests.data.postgrest_double import PostgrestDouble

IDENTITY = ClientIdentity("token", {"email": "ada@example.test", "role": "authenticated"})
CODES = sorted(code for code in ERRORS_BY_CODE if not code.startswith("PGRST")) + [
    "P0001", "23503", "XX000", "08006", "53300"]


def as_postgrest_would_send(error: DataError) -> dict:
    cause = error.__cause__  # the psycopg error the adapter translated
    return {"code": cause.sqlstate, "message": cause.diag.message_primary,
            "details": cause.diag.message_detail, "hint": cause.diag.message_hint}


@pytest.mark.parametrize("code", CODES)
def test_both_adapters_raise_the_same_error_for_the_same_sqlstate(pg_data, code):
    with pytest.raises(DataError) as from_postgres:
        pg_data.call_as_client(IDENTITY, "raise_code", p_code=code, p_message="Quote Q-1 is gone.")
    with PostgrestDouble().fails(**as_postgrest_would_send(from_postgres.value)) as api:
        with pytest.raises(DataError) as from_supabase:
            SupabaseData(api.url, "anon", "service").call_as_client(
                IDENTITY, "raise_code", p_code=code, p_message="Quote Q-1 is gone.")
    pg, sb = from_postgres.value, from_supabase.value
    assert type(pg) is type(sb)
    assert (pg.code, pg.message, pg.details) == (sb.code, sb.message, sb.details)


def test_a_function_missing_from_the_api_is_a_plain_data_error_in_both(pg_data):
    with pytest.raises(DataError) as from_postgres:
        pg_data.call_as_service("no_such_function")
    with PostgrestDouble().fails(
            "PGRST202", "Could not find the function public.no_such_function without parameters"
            " in the schema cache", hint="Perhaps you meant to call public.whoami") as api:
        with pytest.raises(DataError) as from_supabase:
            SupabaseData(api.url, "anon", "service").call_as_service("no_such_function")
    assert type(from_postgres.value) is type(from_supabase.value) is DataError
