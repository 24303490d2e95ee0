"""The Postgres adapter does what PostgREST does: one transaction per call, the role and the
claims set locally, named arguments; every SQLSTATE maps through the one table."""

import socket
import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from app.data import (
    ClientIdentity,
    Conflict,
    DataError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Unavailable,
)
from app.data.base import ERRORS_BY_CODE
from app.data.postgres import PostgresData
from app.db.pool import CONNECTION_SETTINGS

ADA = ClientIdentity("ada-token", {"sub": str(uuid.uuid4()), "email": "ada@example.test",
                                   "role": "authenticated", "aud": "authenticated"})
GRACE = ClientIdentity("grace-token", {"email": "grace@example.test", "role": "authenticated"})

SQLSTATES = sorted(code for code in ERRORS_BY_CODE if not code.startswith("PGRST"))
# Outside the table: plain DataError (P0001 is a bare `raise exception`), or unavailable.
OTHER_SQLSTATES = [("P0001", DataError), ("23503", DataError),
                   ("XX000", DataError), ("08006", Unavailable), ("53300", Unavailable)]


def test_client_calls_run_as_authenticated_with_the_verified_claims(pg_data):
    result = pg_data.call_as_client(ADA, "whoami", p_echo="hello")
    assert result["user"] == "authenticated"
    assert result["email"] == "ada@example.test"
    assert result["claims"] == ADA.claims
    assert result["echo"] == "hello"


def test_service_calls_run_as_service_role_with_its_claims(pg_data):
    result = pg_data.call_as_service("whoami")
    assert (result["user"], result["email"]) == ("service_role", None)
    assert result["claims"] == {"role": "service_role"}


def test_the_role_really_changes_what_may_be_called(pg_data):
    assert pg_data.call_as_service("service_only") == "service"
    with pytest.raises(PermissionDenied) as raised:
        pg_data.call_as_client(ADA, "service_only")
    assert raised.value.code == "42501"


def test_identity_never_leaks_into_the_next_call_on_the_same_connection(pg_data):
    first = pg_data.call_as_client(ADA, "whoami")
    second = pg_data.call_as_service("whoami")
    with pytest.raises(NotFound):
        pg_data.call_as_client(GRACE, "raise_code", p_code="P0002")
    third = pg_data.call_as_client(GRACE, "whoami")
    assert first["pid"] == second["pid"] == third["pid"], "the pool of one reused its connection"
    assert (second["user"], second["email"]) == ("service_role", None)
    assert (third["user"], third["email"]) == ("authenticated", "grace@example.test")
    with pg_data.pool.connection() as conn:
        user, claims, pid = conn.execute(
            "select current_user::text, current_setting('request.jwt.claims', true),"
            " pg_backend_pid()").fetchone()
    assert pid == first["pid"]
    assert user not in ("authenticated", "service_role")
    assert not claims


@pytest.mark.parametrize("code", SQLSTATES)
def test_each_sqlstate_of_the_table_maps_to_its_error(pg_data, code):
    with pytest.raises(ERRORS_BY_CODE[code]) as raised:
        pg_data.call_as_client(ADA, "raise_code", p_code=code, p_message=f"Raised {code}.")
    assert type(raised.value) is ERRORS_BY_CODE[code]
    assert (raised.value.code, raised.value.message) == (code, f"Raised {code}.")
    assert raised.value.details == {"field": "why"}


def test_the_table_covers_the_design():
    assert {code for code, error in ERRORS_BY_CODE.items() if error is InvalidInput} == {
        "22023", "22001", "23514", "23505", "22P02", "22007", "22008"}
    assert (ERRORS_BY_CODE["P0002"], ERRORS_BY_CODE["55000"], ERRORS_BY_CODE["42501"]) == (
        NotFound, Conflict, PermissionDenied)


@pytest.mark.parametrize("code,expected", OTHER_SQLSTATES)
def test_other_sqlstates_are_plain_data_errors_or_unavailable(pg_data, code, expected):
    with pytest.raises(DataError) as raised:
        pg_data.call_as_service("raise_code", p_code=code)
    assert type(raised.value) is expected


def test_real_database_errors_map_too(pg_data):
    with pytest.raises(InvalidInput) as raised:
        pg_data.call_as_service("describe_args", p_id="not-a-uuid")
    assert raised.value.code == "22P02"
    with pytest.raises(DataError) as raised:
        pg_data.call_as_service("no_such_function")
    assert raised.value.code == "42883"


def test_named_arguments_in_any_order_uuid_as_text_and_dicts_as_jsonb(pg_data):
    value = str(uuid.uuid4())
    result = pg_data.call_as_service("describe_args", p_doc={"a": [1, 2]}, p_id=value)
    assert result == {"id": value, "id_type": "uuid", "count": 0, "doc": {"a": [1, 2]}}
    assert pg_data.call_as_service("describe_args", p_id=uuid.UUID(value), p_count=3)["count"] == 3


@pytest.mark.parametrize("function,args", [
    ("whoami(); drop table clients; --", {}), ("private.whoami", {}), ("WhoAmI", {}),
    ("whoami\n", {}), ("", {}), ("whoami", {"p_echo) => null; --": "x"})])
def test_bad_names_are_refused_before_reaching_the_database(function, args):
    never_opened = ConnectionPool("postgresql://nobody@127.0.0.1:1/none", open=False)
    with pytest.raises(ValueError):
        PostgresData(never_opened).call_as_service(function, **args)


@pytest.mark.parametrize("value", [
    "it's", "back\\slash", "semi; colon", "50%", "%(p_echo)s", "$1", "'); drop table notes; --",
    "Ünïcødé ✓", "line\nbreak", "$$ dollar $$", "-- comment", "/* open"])
def test_any_value_reaches_the_function_exactly_as_given(pg_data, value):
    # The values travel as parameters of prepared statements (app/data/postgres.py), never in
    # a statement's text: whatever they hold, the function receives them unchanged and nothing
    # else runs.
    assert pg_data.call_as_client(ADA, "whoami", p_echo=value)["echo"] == value
    assert pg_data.call_as_service("add_note", p_body=value) == value


def test_each_statement_is_prepared_once_per_connection_and_role(pg_data):
    """The server parses and plans each statement once per pooled connection and per role it
    runs as: a new value or another client is not a new statement, and what a failed call
    prepared is there for the next one."""
    def prepared() -> list[str]:
        with pg_data.pool.connection() as conn:  # the pool's one connection
            return sorted(row[0] for row in conn.execute(
                "select statement from pg_prepared_statements where name like 'portal%'"))

    pg_data.call_as_client(ADA, "whoami", p_echo="first value")
    first = prepared()
    assert len(first) == 2, first  # the identity statement and the call
    assert pg_data.call_as_client(GRACE, "whoami", p_echo="second value")["echo"] == "second value"
    assert prepared() == first
    with pytest.raises(NotFound):  # prepared in a call that failed
        pg_data.call_as_client(GRACE, "raise_code", p_code="P0002")
    assert len(prepared()) == 3
    with pytest.raises(NotFound):
        pg_data.call_as_client(ADA, "raise_code", p_code="P0002")
    assert pg_data.call_as_service("whoami", p_echo="third value")["user"] == "service_role"
    every = prepared()
    # The call as the service is a statement of its own: see the next test.
    assert len(every) == 4 and len(set(every)) == 3, every
    assert not any(value in text for text in every
                   for value in ("first value", "second value", "third value", "ada@example"))


def test_a_plan_made_for_the_service_never_serves_a_client(pg_data):
    """Postgres inlines a plain SQL function into a plan when the planning role may execute
    it, and reuses a prepared plan without planning it again: were one prepared statement
    shared by every role, the client would run the service's plan, permission and all."""
    for _ in range(2):
        assert pg_data.call_as_service("service_only") == "service"
        with pytest.raises(PermissionDenied):
            pg_data.call_as_client(ADA, "service_only")


def test_a_function_changed_under_a_prepared_statement_is_called_as_it_now_is(
        pg_data, adapter_db_url):
    """A migration may change a function a pooled connection has a statement prepared for: its
    result type (Postgres: "cached plan must not change result type") or its parameters' (the
    statement's parameter types were fixed when it was prepared). The call is made again,
    prepared anew, and answers as the function now does."""
    with psycopg.connect(adapter_db_url, autocommit=True) as admin:
        def define(parameter: str, result: str, body: str) -> None:
            admin.execute("drop function if exists public.shape(integer);"
                          " drop function if exists public.shape(text);"
                          f" create function public.shape(p_x {parameter}) returns {result}"
                          f" language sql as $$ {body} $$;"
                          f" grant execute on function public.shape({parameter}) to service_role")
        try:
            define("integer", "integer", "select p_x + 1")
            assert pg_data.call_as_service("shape", p_x=1) == 2
            define("integer", "text", "select 'number ' || p_x")
            assert pg_data.call_as_service("shape", p_x=2) == "number 2"
            define("text", "text", "select 'text ' || p_x")
            assert pg_data.call_as_service("shape", p_x="three") == "text three"
        finally:
            admin.execute("drop function if exists public.shape(integer);"
                          " drop function if exists public.shape(text)")


def test_a_calls_statements_are_one_transaction(pg_data):
    """The trusted write, the switch to the client and the client's reads succeed or fail as
    one: a read that fails leaves no write behind, and neither the service's nor the client's
    identity outlives the call."""
    written, [me] = pg_data.call_as_service_then_client(("add_note", {"p_body": "kept"}), ADA,
                                                        [("whoami", {})])
    assert written == "kept" and (me["user"], me["email"]) == ("authenticated", "ada@example.test")
    with pytest.raises(NotFound):
        pg_data.call_as_service_then_client(("add_note", {"p_body": "rolled back"}), ADA,
                                            [("whoami", {}), ("raise_code", {"p_code": "P0002"})])
    with pg_data.pool.connection() as conn:
        bodies = [row[0] for row in conn.execute("select body from public.notes")]
        user, claims = conn.execute("select current_user::text,"
                                    " current_setting('request.jwt.claims', true)").fetchone()
    assert "kept" in bodies and "rolled back" not in bodies
    assert user not in ("authenticated", "service_role") and not claims


def test_a_failed_page_call_says_whether_the_session_was_live(adapter_db_url):
    """A call of a page's round trip runs only for a live session, so its own error says the
    session was live (the error page keeps the signed-in layout); a database that gave up
    (here a statement timeout) says nothing of it."""
    with ConnectionPool(adapter_db_url, min_size=1, max_size=1, open=True, timeout=5,
                        kwargs=CONNECTION_SETTINGS) as pool:
        data = PostgresData(pool, statement_timeout_ms=100)
        now = datetime.now(UTC)
        state, [echo] = data.call_checking_session(ADA, 60, now, [("whoami", {"p_echo": "x"})])
        assert state == {"status": "active"} and echo["echo"] == "x"
        with pytest.raises(NotFound) as raised:
            data.call_checking_session(ADA, 60, now, [("whoami", {}), ("raise_code", {"p_code": "P0002"})])
        assert raised.value.session_live is True
        with pytest.raises(Unavailable) as raised:
            data.call_checking_session(ADA, 60, now, [("sleep_for", {"p_seconds": 1})])
        assert raised.value.session_live is False


def test_a_dropped_connection_is_unavailable_and_the_next_call_gets_a_new_one(
        pg_data, adapter_db_url):
    pid = pg_data.call_as_service("whoami")["pid"]
    with psycopg.connect(adapter_db_url, autocommit=True) as conn:
        conn.execute("select pg_terminate_backend(%s)", (pid,))
    with pytest.raises(Unavailable) as raised:
        pg_data.call_as_service("whoami")
    assert raised.value.code == "unavailable"
    assert pg_data.call_as_service("whoami")["pid"] != pid


def test_an_unreachable_database_is_unavailable():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://postgres@127.0.0.1:{port}/none?connect_timeout=1"
    with ConnectionPool(url, min_size=0, max_size=1, open=True, timeout=1) as pool:
        with pytest.raises(Unavailable):
            PostgresData(pool).call_as_service("whoami")
