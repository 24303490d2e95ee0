"""The adapter interface and the errors both adapters raise for the same SQLSTATE."""

import json
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

FUNCTION_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class ClientIdentity:
    """Who is calling: the access token (Supabase mode sends it) and its verified claims
    (Postgres mode puts them in request.jwt.claims)."""

    access_token: str
    claims: dict = field(hash=False)


class PortalData(Protocol):
    def call_as_client(self, identity: ClientIdentity, function: str, **args) -> Any: ...

    def call_as_service(self, function: str, **args) -> Any: ...


class DataError(Exception):
    """A database call failed; `message` is safe to show, `details` holds per-field messages."""

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
    """The caller may not do this at all."""


class Unavailable(DataError):
    """The database (or the API in front of it) could not be reached."""


ERRORS_BY_CODE = {
    "P0002": NotFound,
    "22023": InvalidInput,
    "22001": InvalidInput,
    "23514": InvalidInput,
    "23505": InvalidInput,
    "23P01": Conflict,
    "22P02": InvalidInput,
    "22007": InvalidInput,
    "22008": InvalidInput,
    "55000": Conflict,
    "42501": PermissionDenied,
    "PGRST301": PermissionDenied,
    "PGRST302": PermissionDenied,
}


def error_for(code: str | None, message: str, detail: str | None = None) -> DataError:
    """The exception for a SQLSTATE or PostgREST code; functions put per-field messages in
    the error's DETAIL as a JSON object."""
    details = None
    if detail:
        try:
            parsed = json.loads(detail)
            details = parsed if isinstance(parsed, dict) else None
        except ValueError:
            details = None
    return ERRORS_BY_CODE.get(code or "", DataError)(message, code, details)


def check_function_name(function: str) -> str:
    if not FUNCTION_NAME.match(function):
        raise ValueError(f"not a function name: {function!r}")
    return function
