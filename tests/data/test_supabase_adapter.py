"""The Supabase adapter sends exactly what `supabase` 2.x sends for an RPC, and maps PostgREST's
error bodies through the same table as the Postgres adapter."""

import socket
import threading

import pytest
from postgrest import SyncPostgrestClient

from app.data import ClientIdentity, DataError, PermissionDenied, Unavailable
from app.data.base import ERRORS_BY_CODE
from app.data.supabase import SupabaseData
from supabase import create_client
from tests.data.postgrest_double import PostgrestDouble, postgrest_status

IDENTITY = ClientIdentity("client-access-token", {"email": "ada@example.test"})

# supabase-py's own client builds its PostgREST client with `timeout=`/`verify=`, which
# postgrest deprecates: its problem, not ours (our adapter passes neither).
SUPABASE_PY_OWN_WARNINGS = pytest.mark.filterwarnings(
    "ignore:The '(timeout|verify)' parameter is deprecated:DeprecationWarning")


def data(api: PostgrestDouble, timeout: float = 10.0) -> SupabaseData:
    return SupabaseData(api.url, "anon-key", "service-key", timeout=timeout)


def test_client_call_is_a_post_to_the_rpc_path_with_the_access_token():
    with PostgrestDouble().returns({"invoices": []}) as api:
        result = data(api).call_as_client(IDENTITY, "portal_invoices", p_status="overdue",
                                           p_page=2)
    assert result == {"invoices": []}
    (request,) = api.requests
    assert (request.method, request.path) == ("POST", "/rest/v1/rpc/portal_invoices")
    assert request.headers["apikey"] == "anon-key"
    assert request.headers["authorization"] == "Bearer client-access-token"
    assert request.headers["accept-profile"] == request.headers["content-profile"] == "public"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-client-info"].startswith("supabase-py/2.34.1; ")
    assert request.body == {"p_status": "overdue", "p_page": 2}


def test_service_call_uses_the_service_role_key_for_both_headers():
    with PostgrestDouble().returns({"status": "queued"}) as api:
        result = data(api).call_as_service("request_sign_in", p_email="ada@example.test")
    assert result == {"status": "queued"}
    (request,) = api.requests
    assert (request.method, request.path) == ("POST", "/rest/v1/rpc/request_sign_in")
    assert request.headers["apikey"] == "service-key"
    assert request.headers["authorization"] == "Bearer service-key"
    assert request.body == {"p_email": "ada@example.test"}


@SUPABASE_PY_OWN_WARNINGS
def test_requests_are_byte_for_byte_what_supabase_py_sends():
    """The reference: supabase-py's client with a user's token set, and with the service key."""
    with PostgrestDouble().returns(1).returns(1).returns(1).returns(1) as api:
        signed_in = create_client(api.url, "anon-key")
        signed_in.postgrest.auth("client-access-token")
        signed_in.rpc("accept_quote", {"p_quote_id": "q-1", "p_signer_name": "Ada"}).execute()
        data(api).call_as_client(IDENTITY, "accept_quote", p_quote_id="q-1", p_signer_name="Ada")
        service = create_client(api.url, "service-key")
        service.rpc("record_payment", {"p_amount": 100}).execute()
        data(api).call_as_service("record_payment", p_amount=100)
        signed_in.postgrest.aclose()
        service.postgrest.aclose()
    theirs_client, ours_client, theirs_service, ours_service = api.requests
    assert ours_client == theirs_client
    assert ours_service == theirs_service


def test_function_results_come_back_as_the_json_value():
    with PostgrestDouble().returns([1, 2]).returns("text").returns(None) as api:
        assert data(api).call_as_service("a") == [1, 2]
        assert data(api).call_as_service("b") == "text"
        assert data(api).call_as_service("c") is None


def test_each_call_has_its_own_client_so_identities_never_mix():
    with PostgrestDouble().returns(None).returns(None).returns(None) as api:
        adapter = data(api)
        adapter.call_as_client(ClientIdentity("token-a", {}), "portal_dashboard")
        adapter.call_as_service("request_sign_in", p_email="x@example.test")
        adapter.call_as_client(ClientIdentity("token-b", {}), "portal_dashboard")
    assert [(r.headers["apikey"], r.headers["authorization"]) for r in api.requests] == [
        ("anon-key", "Bearer token-a"), ("service-key", "Bearer service-key"),
        ("anon-key", "Bearer token-b")]


def test_concurrent_callers_each_send_their_own_token():
    api = PostgrestDouble()
    for _ in range(40):
        api.returns(None)
    with api:
        adapter = data(api)
        threads = [threading.Thread(target=adapter.call_as_client,
                                    args=(ClientIdentity(f"token-{n}", {}), "whoami"),
                                    kwargs={"p_n": n}) for n in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(api.requests) == 40
    assert all(r.headers["authorization"] == f"Bearer token-{r.body['p_n']}" for r in api.requests)


@pytest.mark.parametrize("code,expected", sorted(ERRORS_BY_CODE.items()))
def test_each_code_of_the_table_maps_to_its_error(code, expected):
    with PostgrestDouble().fails(code, f"Raised {code}.", details='{"field": "why"}') as api:
        with pytest.raises(expected) as raised:
            data(api).call_as_client(IDENTITY, "portal_quote", p_quote_id="q-1")
    assert type(raised.value) is expected
    assert (raised.value.code, raised.value.message) == (code, f"Raised {code}.")
    assert raised.value.details == {"field": "why"}


@pytest.mark.parametrize("code,expected", [
    ("P0001", DataError), ("23503", DataError), ("42883", DataError), ("XX000", DataError),
    ("PGRST202", DataError), ("PGRST102", DataError),
    ("PGRST000", Unavailable), ("PGRST002", Unavailable), ("PGRST003", Unavailable),
    ("08006", Unavailable), ("53300", Unavailable)])
def test_other_codes_are_plain_data_errors_or_unavailable(code, expected):
    with PostgrestDouble().fails(code, "Something.") as api:
        with pytest.raises(DataError) as raised:
            data(api).call_as_service("portal_quote")
    assert type(raised.value) is expected


def test_postgrest_status_codes_follow_its_documented_table():
    assert [postgrest_status(c) for c in ("P0001", "P0002", "22023", "23505", "55000", "42501",
                                          "08006", "53300", "53400", "PT402", "PGRST202")] == [
        400, 500, 400, 409, 500, 403, 503, 503, 500, 402, 404]
    assert postgrest_status("42501", authenticated=False) == 401


def test_a_terminated_connection_is_a_503_as_postgrest_answers_it():
    """PostgREST's own table (src/PostgREST/Error.hs): 57P01 (terminating connection due to
    administrator command) is a 503, the rest of class 57 a 500; class 54 (too complex) a 413."""
    assert [postgrest_status(c) for c in ("57P01", "57014", "54001")] == [503, 500, 413]
    with PostgrestDouble().fails("57P01", "terminating connection due to administrator command") as api:
        with pytest.raises(Unavailable):
            data(api).call_as_service("portal_dashboard")


def test_an_anonymous_permission_error_is_still_permission_denied():
    with PostgrestDouble().fails("42501", "permission denied", authenticated=False) as api:
        with pytest.raises(PermissionDenied):
            data(api).call_as_client(IDENTITY, "portal_dashboard")
    assert api.requests[0].path == "/rest/v1/rpc/portal_dashboard"


def test_a_gateway_error_page_is_unavailable():
    with PostgrestDouble().answers_raw(502, b"<html>Bad Gateway</html>", "text/html") as api:
        with pytest.raises(Unavailable):
            data(api).call_as_service("portal_dashboard")


def test_a_failed_rpc_is_never_retried():
    """postgrest-py retries GET/HEAD on 503; an RPC is a POST and may have side effects."""
    with PostgrestDouble().fails("PGRST002", "Could not query the database").returns(1) as api:
        with pytest.raises(Unavailable):
            data(api).call_as_client(IDENTITY, "accept_quote", p_quote_id="q-1")
    assert len(api.requests) == 1


def test_an_unreachable_api_is_unavailable():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(Unavailable) as raised:
        SupabaseData(f"http://127.0.0.1:{port}", "anon", "service").call_as_service("whoami")
    assert raised.value.code == "unavailable"


def test_an_api_that_never_answers_is_unavailable_after_the_timeout():
    with socket.socket() as silent:  # accepts connections (backlog), never responds
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(Unavailable):
            SupabaseData(url, "anon", "service", timeout=0.3).call_as_service("whoami")


@pytest.mark.parametrize("function,args", [
    ("../admin", {}), ("private.current_client_id", {}), ("Portal", {}), ("portal\n", {}),
    ("portal_quote", {"p id": 1})])
def test_bad_names_are_refused_before_any_request(function, args):
    with PostgrestDouble() as api:
        with pytest.raises(ValueError):
            data(api).call_as_service(function, **args)
    assert api.requests == []


def test_the_url_may_end_with_a_slash():
    with PostgrestDouble().returns(1) as api:
        SupabaseData(api.url + "/", "anon", "service").call_as_service("whoami")
    assert api.requests[0].path == "/rest/v1/rpc/whoami"


def test_the_rpc_client_is_closed_after_each_call(monkeypatch):
    clients = []
    original = SyncPostgrestClient.aclose
    monkeypatch.setattr(SyncPostgrestClient, "aclose",
                        lambda self: (clients.append(self), original(self))[-1])
    with PostgrestDouble().returns(1).fails("P0002", "Not found.") as api:
        adapter = data(api)
        adapter.call_as_service("whoami")
        with pytest.raises(DataError):
            adapter.call_as_service("whoami")
    assert len(clients) == 2 and clients[0] is not clients[1]
    assert all(client.session.is_closed for client in clients)
