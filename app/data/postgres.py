"""The Postgres adapter: each call one transaction, doing what PostgREST does for an RPC, sent
to the database as one message and answered in one round trip."""

import json
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import ClientCursor, generators, pq, sql
from psycopg.adapt import Transformer
from psycopg.errors import error_from_result
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from app.data.base import ClientIdentity, DataError, Unavailable, check_call, error_for

SERVICE_CLAIMS = {"role": "service_role"}
# The calls of a round trip that checks the session run only while the check (the statement
# before them) leaves the caller a signed-in client.
SIGNED_IN = "private.current_client_id() is not null"
CHECKED_CALL = "select {} where " + SIGNED_IN
SESSION_CHECK = "select private.touch_current_session(%s, %s)"
# A page the process may keep (app/page_cache.py): the session check also reads the page's
# version, once, and when it is the version kept, sets portal.page_kept so that none of the
# page's calls run: the page is served as kept. Otherwise they run as CHECKED_CALL's do. The
# setting is checked first (the planner orders a filter's conditions by cost), so a kept page
# costs its calls no more than this.
PAGE_SESSION_CHECK = "select private.touch_current_session_for_page(%s, %s, %s)"
KEPT_PAGE_CALL = ("select {} where current_setting('portal.page_kept', true) is distinct from 'on'"
                  " and " + SIGNED_IN)

# `true` = transaction-local, as PostgREST sets them: the role and the claims end with the
# transaction, so a pooled connection never carries one caller's identity into the next call.
# The timeouts travel in the same statement: a lock held elsewhere or a runaway query ends this
# transaction after a few seconds instead of holding the request.
SET_IDENTITY = ("select set_config('role', %s, true), set_config('request.jwt.claims', %s, true),"
                " set_config('statement_timeout', %s, true), set_config('lock_timeout', %s, true)")


class PostgresData:
    def __init__(self, pool: ConnectionPool, statement_timeout_ms: int = 5000,
                 lock_timeout_ms: int = 2000):
        # The pool's connections are set up as app/db/pool.py:CONNECTION_SETTINGS says.
        self.pool = pool
        self.timeouts = (f"{int(statement_timeout_ms)}ms", f"{int(lock_timeout_ms)}ms")

    def call_as_client(self, identity: ClientIdentity, function: str, /, **args) -> Any:
        return self._call("authenticated", identity.claims, function, args)

    def call_as_service(self, function: str, /, **args) -> Any:
        return self._call("service_role", SERVICE_CLAIMS, function, args)

    def call_checking_session(self, identity: ClientIdentity, idle_seconds: int, now,
                              calls: list[tuple[str, dict]], page_call: bool = False,
                              kept_version: str | None = None) -> tuple[dict, list]:
        """A page's one round trip: the session check (private.touch_current_session, which
        also returns the business profile's version) and the page's calls, as the client, in
        one transaction. Each call runs only while private.current_client_id() accepts the
        caller, so an ended session yields the check's reason and no data.

        A DataError raised by one of the calls therefore comes from a function that ran for a
        live session: it carries session_live = True, so the error page still shows the
        signed-in layout. (The check itself raises nothing on purpose: a failure there is the
        database's, Unavailable, and says nothing of the session.)

        With page_call, the calls are a page's that the process may keep: the first result is
        (the page's version, its data), the version read by the session check, and the calls
        run (and return) only when that version is not kept_version (the version of the page
        kept, None when none is): for a kept page every result is None but the version."""
        check = ((PAGE_SESSION_CHECK, (idle_seconds, now, kept_version)) if page_call
                 else (SESSION_CHECK, (idle_seconds, now)))
        template = KEPT_PAGE_CALL if page_call else CHECKED_CALL
        statements = [check, *((_text(template, function, tuple(args)), _params(args))
                               for function, args in calls)]
        try:
            state, *results = self._round_trip("authenticated", identity.claims, statements)
        except DataError as error:
            error.session_live = not isinstance(error, Unavailable)
            raise
        if page_call:
            results[0] = (state.get("page_version"), results[0])
        return state, results

    def call_as_service_then_client(self, service_call: tuple[str, dict], identity: ClientIdentity,
                                    calls: list[tuple[str, dict]]) -> tuple[Any, list]:
        """A trusted write and the client's reads of what it changed, in one transaction and one
        round trip: the write as the service, then the role and claims switched to the
        client's (transaction-local, as at the start), so RLS decides the reads."""
        statements = [_statement(*service_call), self._identity("authenticated", identity.claims)]
        statements += [_statement(function, args) for function, args in calls]
        written, _, *reads = self._round_trip("service_role", SERVICE_CLAIMS, statements)
        return written, reads

    def _identity(self, role: str, claims: dict) -> tuple[str, tuple]:
        return SET_IDENTITY, (role, json.dumps(claims), *self.timeouts)

    def _call(self, role: str, claims: dict, function: str, args: dict) -> Any:
        [value] = self._round_trip(role, claims, [_statement(function, args)])
        return value

    def _round_trip(self, role: str, claims: dict, statements: list[tuple[str, Any]]) -> list:
        """The statements as `role` with `claims`, in one transaction and one round trip; each
        statement's first value (None when it returned no row).

        They travel as one simple-protocol message, the identity statement first: Postgres runs
        the statements of one message as a single transaction (the "implicit transaction" of
        the frontend/backend protocol), so the transaction-local role, claims and timeouts hold
        for all of them and end with them, and an error rolls all of them back. psycopg's
        ClientCursor writes each value into its statement as a quoted literal (libpq's
        quoting); identifiers were quoted by psycopg.sql. One message out, one answer back, and
        no BEGIN or COMMIT of our own."""
        try:
            with self.pool.connection() as conn:
                cursor = ClientCursor(conn)
                message = ";\n".join(cursor.mogrify(statement, params) for statement, params
                                      in [self._identity(role, claims), *statements])
                results = _exchange(conn, message)
        except PoolTimeout as error:
            raise Unavailable("The database is unavailable or busy.", "unavailable") from error
        except psycopg.Error as error:
            # No SQLSTATE on a connection-level failure: the server never answered.
            if error.sqlstate is None and isinstance(
                    error, psycopg.OperationalError | psycopg.InterfaceError):
                raise Unavailable("The database is unavailable.", "unavailable") from error
            raise error_for(error.sqlstate, error.diag.message_primary or str(error),
                            error.diag.message_detail) from error
        return results[1:]


def _exchange(conn: psycopg.Connection, message: str) -> list:
    """Sends the message and returns each statement's first value, loaded as a cursor loads
    it, or raises the first statement's error as psycopg raises it.

    A page's round trip is a few values, and a cursor's bookkeeping (a result set per
    statement, row by row) cost the app more CPU than the exchange itself: so the message goes
    out through libpq directly, answered through psycopg's own non-blocking wait (the
    generator its cursors use), and the values are loaded by its Transformer."""
    with conn.lock:
        conn.pgconn.send_query(message.encode(conn.info.encoding))
        results = conn.wait(generators.execute(conn.pgconn))
    values, loaders = [], Transformer(conn)
    for result in results:
        if result.status == pq.ExecStatus.FATAL_ERROR:
            raise error_from_result(result, encoding=conn.info.encoding)
        value = result.get_value(0, 0) if result.ntuples else None
        values.append(None if value is None else
                      loaders.get_loader(result.ftype(0), pq.Format.TEXT).load(value))
    return values

def _statement(function: str, args: dict) -> tuple[str, dict]:
    return _text("select {}", function, tuple(args)), _params(args)


@lru_cache(maxsize=512)
def _text(template: str, function: str, names: tuple[str, ...]) -> str:
    """A statement calling public.`function` with named arguments, as PostgREST passes a JSON
    body: order never matters and optional parameters can be left out. Identifiers are quoted
    by psycopg, values are placeholders. Made once per function and set of argument names."""
    check_call(function, dict.fromkeys(names))
    call = sql.SQL("{}({})").format(
        sql.Identifier("public", function),
        sql.SQL(", ").join(
            sql.SQL("{} => {}").format(sql.Identifier(name), sql.Placeholder(name))
            for name in names))
    return sql.SQL(template).format(call).as_string()


def _params(args: dict) -> dict:
    # PostgREST hands a JSON object to a jsonb parameter; psycopg needs to be told.
    return {name: Jsonb(value) if isinstance(value, dict) else value
            for name, value in args.items()}
