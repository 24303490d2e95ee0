"""The adapter interface and the errors both adapters raise for the same SQLSTATE."""

import json
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

# fullmatch, not match: `$` alone would accept a trailing newline.
NAME = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class ClientIdentity:
    """Who is calling: the access token (Supabase mode sends it) and its claims, already
    verified by the auth layer (Postgres mode puts them in request.jwt.claims)."""

    access_token: str
    claims: dict = field(hash=False)


class PortalData(Protocol):
    # Positional-only, so a function argument may be called `identity` or `function` too.
    def call_as_client(self, identity: ClientIdentity, function: str, /, **args) -> Any: ...

    def call_as_service(self, function: str, /, **args) -> Any: ...

    # A trusted write, then the client's reads of its outcome (one round trip in Postgres mode).
    def call_as_service_then_client(self, service_call: tuple[str, dict], identity: ClientIdentity,
                                    calls: list[tuple[str, dict]]) -> tuple[Any, list]: ...


class DataError(Exception):
    """A database call failed; `details` holds per-field messages when the function gave them."""

    def __init__(self, message: str, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message, self.code, self.details = message, code, details or {}


class NotFound(DataError):
    """No such row for this caller (another client's document reads the same)."""


class InvalidInput(DataError):
    """Bad input: nothing was changed."""


class Conflict(DataError):
    """The row is no longer in a state that allows this (e.g. a quote already decided)."""


class PermissionDenied(DataError):
    """The caller may not do this at all (or, from PostgREST, its token was refused)."""


class Unavailable(DataError):
    """The database, or the API in front of it, could not be reached: worth retrying later."""


# The team's table (portal-design.md); any other code is a plain DataError.
ERRORS_BY_CODE = {
    "P0002": NotFound,
    "22023": InvalidInput,
    "22001": InvalidInput,
    "23514": InvalidInput,
    "23505": InvalidInput,
    "22P02": InvalidInput,
    "22007": InvalidInput,
    "22008": InvalidInput,
    "55000": Conflict,
    # An exclusion constraint (e.g. two bookings of one slot): someone else got there first.
    "23P01": Conflict,
    "42501": PermissionDenied,
    "PGRST301": PermissionDenied,
    "PGRST302": PermissionDenied,
    "PGRST303": PermissionDenied,
}

# Codes that say the database could not serve the request at all, whichever side reports it:
# Postgres (connection exceptions, too many connections, shutdown), PostgREST (it could not
# reach Postgres or got no pool connection in time) and gateways without a PostgREST body
# (postgrest-py then uses the HTTP status as the code).
_UNAVAILABLE_CLASSES = ("08", "53")
# A lock not granted within lock_timeout (55P03) or a statement cancelled by statement_timeout
# (57014) means the database is busy: the request ends with the "try again" page.
_UNAVAILABLE_CODES = {"55P03", "57014", "57P01", "57P02", "57P03", "PGRST000", "PGRST001",
                      "PGRST002", "PGRST003", "502", "503", "504"}


def is_unavailable(code: str | None) -> bool:
    if not code:
        return False
    # 53400 (configured limit exceeded) is the query's fault, not the server's.
    return code in _UNAVAILABLE_CODES or (code.startswith(_UNAVAILABLE_CLASSES)
                                         and len(code) == 5 and code != "53400")


def error_for(code: str | None, message: str, detail: Any = None) -> DataError:
    """The exception for a SQLSTATE or PostgREST code. Functions that check several fields put
    a JSON object of per-field messages in the error's DETAIL; both adapters receive that
    same string (psycopg's diag.message_detail, PostgREST's "details")."""
    if is_unavailable(code):
        return Unavailable(message, "unavailable")
    return ERRORS_BY_CODE.get(code or "", DataError)(message, code, _field_messages(detail))


def _field_messages(detail: Any) -> dict | None:
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except ValueError:
            return None
    return detail if isinstance(detail, dict) else None


def check_name(name: str) -> str:
    """Function and argument names become SQL identifiers or URL paths: plain names only."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ValueError(f"not a function or argument name: {name!r}")
    return name


def check_call(function: str, args: dict) -> None:
    check_name(function)
    for name in args:
        check_name(name)
