"""The Postgres adapter: each call one transaction, doing what PostgREST does for an RPC, sent
to the database as one pipeline of prepared statements and answered in one round trip."""

import itertools
import json
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

import psycopg
from psycopg import generators, pq, sql
from psycopg.adapt import PyFormat, Transformer
from psycopg.errors import error_from_result
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from app.data.base import ClientIdentity, DataError, Unavailable, check_call, error_for

SERVICE_CLAIMS = {"role": "service_role"}
# The calls of a round trip that checks the session run only while the check (the statement
# before them) leaves the caller a signed-in client.
SIGNED_IN = "private.current_client_id() is not null"
CHECKED_CALL = "select {} where " + SIGNED_IN
SESSION_CHECK = "select private.touch_current_session($1, $2)"
# A page the process may keep (app/page_cache.py): the session check also reads the page's
# version, once, and when it is the version kept, sets portal.page_kept so that none of the
# page's calls run: the page is served as kept. Otherwise they run as CHECKED_CALL's do. The
# setting is checked first (the planner orders a filter's conditions by cost), so a kept page
# costs its calls no more than this.
PAGE_SESSION_CHECK = "select private.touch_current_session_for_page($1, $2, $3)"
KEPT_PAGE_CALL = ("select {} where current_setting('portal.page_kept', true) is distinct from 'on'"
                  " and " + SIGNED_IN)

# `true` = transaction-local, as PostgREST sets them: the role and the claims end with the
# transaction, so a pooled connection never carries one caller's identity into the next call.
# The timeouts travel in the same statement: a lock held elsewhere or a runaway query ends this
# transaction after a few seconds instead of holding the request.
SET_IDENTITY = ("select set_config('role', $1, true), set_config('request.jwt.claims', $2, true),"
                " set_config('statement_timeout', $3, true), set_config('lock_timeout', $4, true)")
# A statement prepared in an earlier round trip may no longer fit the schema: a migration
# changed the function it calls, its result type ("cached plan must not change result type",
# 0A000), its parameters (42883) or a parameter's type (the statement converts its value to the
# type it was prepared with: class 22). An error of these classes from such a statement is
# therefore checked once against the statement prepared anew: the call is made again, whose
# error (bad input, say) is then the function's own. Only a rejected call costs this.
MAYBE_STALE = ("0A", "22", "42")


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

    def _round_trip(self, role: str, claims: dict, statements: list[tuple[str, tuple]]) -> list:
        """The statements as `role` with `claims`, in one transaction and one round trip; each
        statement's first value (None when it returned no row).

        They travel as one pipeline, the identity statement first, ended by one Sync: Postgres
        runs the statements before a Sync as a single transaction (the "implicit transaction"
        of the frontend/backend protocol), so the transaction-local role, claims and timeouts
        hold for all of them and end with them, and an error rolls all of them back. Each
        statement is prepared once per connection (the server then neither parses nor plans it
        again) and its values travel as parameters, never in its text. One flush out, one
        answer back, and no BEGIN or COMMIT of our own."""
        statements = [self._identity(role, claims), *statements]
        try:
            with self.pool.connection() as conn:
                try:
                    results = _exchange(conn, statements)
                except _MaybeStale as stale:
                    # Its error rolled the whole transaction back, so making it again is safe;
                    # the statement is then prepared anew, so this happens once at most.
                    _forget(conn, stale.name)
                    results = _exchange(conn, statements)
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


class _MaybeStale(Exception):
    """A statement prepared in an earlier round trip failed as a stale statement would."""

    def __init__(self, name: bytes):
        super().__init__(name)
        self.name = name


# The names of the statements each pooled connection has prepared. A name stands for a
# statement's text and the role it runs as, in this process (_name), so a name a connection
# knows is that very statement, planned for that very role.
#
# The role is part of the name because a plan can hold what was checked for the role that
# planned it: Postgres inlines a plain SQL function into the plan once the planning role may
# execute it, and a cached plan is not planned again for another role. Prepared for anyone, a
# service-only SQL function planned for the service would then run for a client.
_prepared: WeakKeyDictionary = WeakKeyDictionary()
_names: dict[tuple[str | None, str], bytes] = {}
_numbers = itertools.count()


def _name(role: str | None, text: str) -> bytes:
    name = _names.get((role, text))
    if name is None:  # setdefault: two threads naming one statement agree on the first name
        name = _names.setdefault((role, text), b"portal_%d" % next(_numbers))
    return name


def _exchange(conn: psycopg.Connection, statements: list[tuple[str, tuple]]) -> list:
    """Sends the statements as one pipeline and returns each one's first value, loaded as a
    cursor loads it, or raises the first statement's error as psycopg raises it.

    A page's round trip is a few values, and a cursor's bookkeeping (a result set per
    statement, row by row) cost the app more CPU than the exchange itself: so the pipeline goes
    out through libpq directly, answered through psycopg's own non-blocking wait (the
    generators its cursors use), and the values are loaded by its Transformer. A statement new
    to the connection is prepared in the same pipeline, just before it runs."""
    pgconn, encoding = conn.pgconn, conn.info.encoding
    transformer = Transformer(conn)
    with conn.lock:
        known = _prepared.setdefault(conn, set())
        sent = []  # per command: (the statement's name, whether it was known before)
        role = None  # the connection's own, until an identity statement sets one
        pgconn.enter_pipeline_mode()
        for text, params in statements:
            name = _name(role, text)
            if text == SET_IDENTITY:
                role = params[0]
            if name not in known:
                pgconn.send_prepare(name, text.encode(encoding))
                sent.append((name, None))  # a prepare
            pgconn.send_query_prepared(name, transformer.dump_sequence(
                params, [PyFormat.TEXT] * len(params)) if params else None)
            sent.append((name, name in known))
        pgconn.pipeline_sync()
        # A failure here leaves the connection in pipeline mode, busy: the pool closes it.
        results = conn.wait(_pipeline_results(pgconn, len(sent)))
        pgconn.exit_pipeline_mode()
    values = []
    for (name, known_before), result in zip(sent, results, strict=True):
        if result.status == pq.ExecStatus.FATAL_ERROR:
            error = error_from_result(result, encoding=encoding)
            if known_before and (error.sqlstate or "").startswith(MAYBE_STALE):
                raise _MaybeStale(name) from error
            raise error
        if known_before is None:
            known.add(name)  # prepared (a prepare after a failure is skipped: never here)
        else:
            value = result.get_value(0, 0) if result.ntuples else None
            values.append(None if value is None else transformer.get_loader(
                result.ftype(0), pq.Format.TEXT).load(value))
    return values


def _pipeline_results(pgconn, count: int):
    """The first result of each of `count` commands sent in pipeline mode, then the Sync's."""
    yield from generators.send(pgconn)
    results = []
    for _ in range(count):
        results.append((yield from generators.fetch_many(pgconn))[0])
    [sync] = yield from generators.fetch_many(pgconn)
    assert sync.status == pq.ExecStatus.PIPELINE_SYNC, sync.status
    return results


def _forget(conn: psycopg.Connection, name: bytes) -> None:
    """Drops one of the connection's prepared statements, on the server and here."""
    conn.execute(sql.SQL("deallocate {}").format(sql.Identifier(name.decode())))
    _prepared[conn].discard(name)


def _statement(function: str, args: dict) -> tuple[str, tuple]:
    return _text("select {}", function, tuple(args)), _params(args)


@lru_cache(maxsize=512)
def _text(template: str, function: str, names: tuple[str, ...]) -> str:
    """A statement calling public.`function` with named arguments, as PostgREST passes a JSON
    body: order never matters and optional parameters can be left out. Identifiers are quoted
    by psycopg, values are parameters ($1, $2… in the order of the names, as _params lists
    them). Made once per function and set of argument names."""
    check_call(function, dict.fromkeys(names))
    call = sql.SQL("{}({})").format(
        sql.Identifier("public", function),
        sql.SQL(", ").join(
            sql.SQL("{} => ${}").format(sql.Identifier(name), sql.SQL(str(number)))
            for number, name in enumerate(names, start=1)))
    return sql.SQL(template).format(call).as_string()


def _params(args: dict) -> tuple:
    # PostgREST hands a JSON object to a jsonb parameter; psycopg needs to be told.
    return tuple(Jsonb(value) if isinstance(value, dict) else value for value in args.values())
