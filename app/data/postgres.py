"""The Postgres adapter: each call one transaction, doing what PostgREST does for an RPC."""

import json
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from app.data.base import ClientIdentity, Unavailable, check_function_name, error_for

SERVICE_CLAIMS = {"role": "service_role"}


class PostgresData:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool

    def call_as_client(self, identity: ClientIdentity, function: str, **args) -> Any:
        return self._call("authenticated", identity.claims, function, args)

    def call_as_service(self, function: str, **args) -> Any:
        return self._call("service_role", SERVICE_CLAIMS, function, args)

    def _call(self, role: str, claims: dict, function: str, args: dict) -> Any:
        call = sql.SQL("select {}({})").format(
            sql.Identifier("public", check_function_name(function)),
            sql.SQL(", ").join(
                sql.SQL("{} => {}").format(sql.Identifier(name), sql.Placeholder(name))
                for name in args))
        try:
            with self.pool.connection() as conn, conn.transaction():
                # `local`: the role and claims end with the transaction, so a pooled
                # connection never carries one caller's identity into the next call.
                conn.execute("select set_config('role', %s, true),"
                             " set_config('request.jwt.claims', %s, true)", (role, json.dumps(claims)))
                return conn.execute(call, args).fetchone()[0]
        except PoolTimeout as error:
            raise Unavailable("The database is unavailable or busy.", "unavailable") from error
        except psycopg.Error as error:
            # No SQLSTATE, or class 08: the connection itself failed.
            if error.sqlstate is None or error.sqlstate.startswith("08"):
                raise Unavailable("The database is unavailable.", "unavailable") from error
            raise error_for(error.sqlstate, error.diag.message_primary or str(error),
                            error.diag.message_detail) from error
