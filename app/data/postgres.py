"""The Postgres adapter: each call one transaction, doing what PostgREST does for an RPC."""

import json
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from app.data.base import ClientIdentity, DataError, Unavailable, check_call, error_for

SERVICE_CLAIMS = {"role": "service_role"}
# A kept page's call: the page's version, and its data only when the version is not the one the
# process keeps (app/page_cache.py). One statement, so the version is read in the data's snapshot.
PAGE_CALL = ("select v, case when v = %(known_page_version)s then null else {} end"
             " from private.page_version() v where v is not null")

# `true` = transaction-local, as PostgREST sets them: the role and the claims end with the
# transaction, so a pooled connection never carries one caller's identity into the next call.
# The timeouts travel in the same statement (no extra round trip): a lock held elsewhere or a
# runaway query ends this transaction after a few seconds instead of holding the request.
SET_IDENTITY = ("select set_config('role', %s, true), set_config('request.jwt.claims', %s, true),"
                " set_config('statement_timeout', %s, true), set_config('lock_timeout', %s, true)")


class PostgresData:
    def __init__(self, pool: ConnectionPool, statement_timeout_ms: int = 5000,
                 lock_timeout_ms: int = 2000):
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
        one pipelined transaction. Each call runs only while private.current_client_id()
        accepts the caller, so an ended session yields the check's reason and no data.

        With page_call, the first call is a page's that the process may keep: its result is (the
        page's version, its data), the data None when the version is still kept_version (the
        version of the page kept, None when none is)."""
        statements = []
        for index, (function, args) in enumerate(calls):
            check_call(function, args)
            call, params = _call(function, args)
            if index == 0 and page_call:
                statements.append((sql.SQL(PAGE_CALL).format(call),
                                   {**params, "known_page_version": kept_version}))
            else:
                statements.append((sql.SQL("select {} where private.current_client_id() is not null")
                                   .format(call), params))
        state = None
        try:
            with self._transaction("authenticated", identity.claims) as conn:
                state = conn.execute("select private.touch_current_session(%s, %s)",
                                     (idle_seconds, now))
                cursors = [conn.execute(statement, params) for statement, params in statements]
        except DataError as error:
            # A page call failed (e.g. not found) after the check had run: say what the check
            # found, so the error page knows whether it is showing a signed-in client.
            error.session_state = _result_of(state)
            raise
        rows = [cursor.fetchone() for cursor in cursors]
        results = [row[0] if row else None for row in rows]
        if page_call:
            results[0] = tuple(rows[0]) if rows[0] else None
        return state.fetchone()[0], results

    def call_as_service_then_client(self, service_call: tuple[str, dict], identity: ClientIdentity,
                                    calls: list[tuple[str, dict]]) -> tuple[Any, list]:
        """A trusted write and the client's reads of what it changed, in one transaction and one
        round trip: the write as the service, then the role and claims switched to the
        client's (transaction-local, as at the start), so RLS decides the reads."""
        check_call(*service_call)
        for function, args in calls:
            check_call(function, args)
        write = _statement(*service_call)
        reads = [_statement(function, args) for function, args in calls]
        with self._transaction("service_role", SERVICE_CLAIMS) as conn:
            written = conn.execute(*write)
            conn.execute(SET_IDENTITY, ("authenticated", json.dumps(identity.claims), *self.timeouts))
            cursors = [conn.execute(*read) for read in reads]
        return written.fetchone()[0], [cursor.fetchone()[0] for cursor in cursors]

    def _call(self, role: str, claims: dict, function: str, args: dict) -> Any:
        check_call(function, args)
        call, params = _statement(function, args)
        with self._transaction(role, claims) as conn:
            result = conn.execute(call, params)
        return result.fetchone()[0]

    @contextmanager
    def _transaction(self, role: str, claims: dict):
        """One transaction as `role` with `claims`, in one round trip: results can be read
        once the block has ended."""
        try:
            with self.pool.connection() as conn, _one_round_trip(conn):
                conn.execute(SET_IDENTITY, (role, json.dumps(claims), *self.timeouts))
                yield conn
        except PoolTimeout as error:
            raise Unavailable("The database is unavailable or busy.", "unavailable") from error
        except psycopg.Error as error:
            # No SQLSTATE on a connection-level failure: the server never answered.
            if error.sqlstate is None and isinstance(
                    error, psycopg.OperationalError | psycopg.InterfaceError):
                raise Unavailable("The database is unavailable.", "unavailable") from error
            raise error_for(error.sqlstate, error.diag.message_primary or str(error),
                            error.diag.message_detail) from error


@contextmanager
def _one_round_trip(conn):
    """BEGIN, the statements sent inside, COMMIT, then a single Sync: one round trip. Our own
    BEGIN/COMMIT in autocommit mode, since psycopg's transaction() waits for its BEGIN; after
    an error the server skipped the rest, and the failed transaction is rolled back here."""
    conn.autocommit = True
    try:
        try:
            with conn.pipeline():
                conn.execute("begin")
                yield conn
                conn.execute("commit")
        except BaseException:
            if conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
                conn.execute("rollback")
            raise
    finally:
        if not conn.closed:
            conn.autocommit = False


def _result_of(cursor) -> dict | None:
    """A statement's result when the server sent one before the transaction failed."""
    try:
        row = cursor.fetchone() if cursor is not None else None
    except psycopg.Error:
        return None
    return row[0] if row else None


def _statement(function: str, args: dict):
    call, params = _call(function, args)
    return sql.SQL("select {}").format(call), params


def _call(function: str, args: dict):
    # Named arguments, as PostgREST passes a JSON body: order never matters and optional
    # parameters can be left out. Identifiers are quoted by psycopg, values are parameters.
    call = sql.SQL("{}({})").format(
        sql.Identifier("public", function),
        sql.SQL(", ").join(
            sql.SQL("{} => {}").format(sql.Identifier(name), sql.Placeholder(name))
            for name in args))
    # PostgREST hands a JSON object to a jsonb parameter; psycopg needs to be told.
    params = {name: Jsonb(value) if isinstance(value, dict) else value
              for name, value in args.items()}
    return call, params
