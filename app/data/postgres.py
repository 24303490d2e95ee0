"""The Postgres adapter: each call one transaction, doing what PostgREST does for an RPC."""

import json
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from app.data.base import ClientIdentity, Unavailable, check_call, error_for

SERVICE_CLAIMS = {"role": "service_role"}

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

    def _call(self, role: str, claims: dict, function: str, args: dict) -> Any:
        check_call(function, args)
        # Named arguments, as PostgREST passes a JSON body: order never matters and optional
        # parameters can be left out. Identifiers are quoted by psycopg, values are parameters.
        call = sql.SQL("select {}({})").format(
            sql.Identifier("public", function),
            sql.SQL(", ").join(
                sql.SQL("{} => {}").format(sql.Identifier(name), sql.Placeholder(name))
                for name in args))
        # PostgREST hands a JSON object to a jsonb parameter; psycopg needs to be told.
        params = {name: Jsonb(value) if isinstance(value, dict) else value
                  for name, value in args.items()}
        try:
            with self.pool.connection() as conn, conn.transaction():
                conn.execute(SET_IDENTITY, (role, json.dumps(claims), *self.timeouts))
                return conn.execute(call, params).fetchone()[0]
        except PoolTimeout as error:
            raise Unavailable("The database is unavailable or busy.", "unavailable") from error
        except psycopg.Error as error:
            # No SQLSTATE on a connection-level failure: the server never answered.
            if error.sqlstate is None and isinstance(
                    error, psycopg.OperationalError | psycopg.InterfaceError):
                raise Unavailable("The database is unavailable.", "unavailable") from error
            raise error_for(error.sqlstate, error.diag.message_primary or str(error),
                            error.diag.message_detail) from error
