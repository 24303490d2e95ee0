"""The Supabase adapter sends exactly what `supabase` 2.x sends for an RPC, and maps PostgREST's
error bodies to the same errors as the Postgres adapter."""

import pytest

from app.data import ClientIdentity, DataError, Unavailable
from app.data.base import ERRORS_BY_CODE
from app.data.supabase import SupabaseData
from tests.doubles.http import HttpDouble

IDENTITY = ClientIdentity("client-access-token", {"email": "a@example.test"})


def postgrest_status(code: str) -> int:
    """PostgREST's own SQLSTATE -> HTTP status table (the cases used here)."""
    if code == "42501":
        return 403
    if code in ("23505", "23503"):
        return 409
    if code.startswith("55") or code.startswith("23P"):
        return 500
    if code.startswith("PGRST3"):
        return 401
    return 400


def test_client_call_sends_the_access_token_and_anon_key():
    with HttpDouble(lambda m, p, b: (200, {"ok": True})) as api:
        result = SupabaseData(api.url, "anon-key", "service-key").call_as_client(
            IDENTITY, "portal_invoices", p_status="overdue", p_page=2)
    assert result == {"ok": True}
    (request,) = api.requests
    assert (request.method, request.path) == ("POST", "/rest/v1/rpc/portal_invoices")
    assert request.headers["apikey"] == "anon-key"
    assert request.headers["authorization"] == "Bearer client-access-token"
    assert request.headers["content-profile"] == "public"
    assert request.headers["x-client-info"].startswith("supabase-py/postgrest-py v2.")
    assert request.body == {"p_status": "overdue", "p_page": 2}


def test_service_call_uses_the_service_role_key_for_both_headers():
    with HttpDouble(lambda m, p, b: (200, {"status": "allowed"})) as api:
        result = SupabaseData(api.url, "anon-key", "service-key").call_as_service(
            "check_portal_access", p_email="a@example.test")
    assert result == {"status": "allowed"}
    (request,) = api.requests
    assert request.path == "/rest/v1/rpc/check_portal_access"
    assert request.headers["apikey"] == "service-key"
    assert request.headers["authorization"] == "Bearer service-key"
    assert request.body == {"p_email": "a@example.test"}


def test_each_call_builds_its_own_client_so_identities_never_mix():
    with HttpDouble(lambda m, p, b: (200, None)) as api:
        data = SupabaseData(api.url, "anon-key", "service-key")
        data.call_as_client(ClientIdentity("token-a", {}), "portal_dashboard")
        data.call_as_service("check_portal_access", p_email="x@y.test")
        data.call_as_client(ClientIdentity("token-b", {}), "portal_dashboard")
    assert [r.headers["authorization"] for r in api.requests] == [
        "Bearer token-a", "Bearer service-key", "Bearer token-b"]


@pytest.mark.parametrize("code,expected", sorted(ERRORS_BY_CODE.items()))
def test_postgrest_errors_map_like_postgres_errors(code, expected):
    body = {"code": code, "message": "Quote not found.", "details": None, "hint": None}
    with HttpDouble(lambda m, p, b: (postgrest_status(code), body)) as api:
        with pytest.raises(expected) as raised:
            SupabaseData(api.url, "anon", "service").call_as_client(IDENTITY, "portal_quote",
                                                                    p_quote_id="x")
    assert raised.value.code == code
    assert raised.value.message == "Quote not found."


def test_field_details_travel_in_the_error_detail():
    body = {"code": "22023", "message": "Phone number: use digits.",
            "details": '{"phone": "Phone number: use digits."}', "hint": None}
    with HttpDouble(lambda m, p, b: (400, body)) as api:
        with pytest.raises(DataError) as raised:
            SupabaseData(api.url, "anon", "service").call_as_client(IDENTITY, "update_contact")
    assert raised.value.details == {"phone": "Phone number: use digits."}


def test_unknown_function_is_a_plain_data_error():
    body = {"code": "PGRST202", "message": "Could not find the function", "details": None,
            "hint": "reload the schema cache"}
    with HttpDouble(lambda m, p, b: (404, body)) as api:
        with pytest.raises(DataError) as raised:
            SupabaseData(api.url, "anon", "service").call_as_service("nope")
    assert type(raised.value) is DataError


def test_unreachable_api_is_unavailable():
    with pytest.raises(Unavailable):
        SupabaseData("http://127.0.0.1:9", "anon", "service").call_as_service("portal_dashboard")


def test_function_names_are_checked_before_any_request():
    with HttpDouble(lambda m, p, b: (200, None)) as api:
        with pytest.raises(ValueError):
            SupabaseData(api.url, "anon", "service").call_as_service("../admin")
    assert api.requests == []
