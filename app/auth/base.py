"""What both sign-in backends promise the views, whichever mode runs."""

from dataclasses import dataclass
from typing import Protocol

from app.data import ClientIdentity
from app.i18n import lazy_gettext as _l


class RateLimited(Exception):
    """Too many link requests; the same answer whoever the address belongs to."""

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class SignInRefused(Exception):
    """A link or code that cannot sign in; `reason` is one of REASONS."""

    def __init__(self, reason: str, attempts_left: int | None = None):
        super().__init__(reason)
        self.reason, self.attempts_left = reason, attempts_left


REASONS = {
    "used": _l("This sign-in link has already been used."),
    "expired": _l("This sign-in link has expired: links work for 24 hours."),
    "voided": _l("This sign-in link is no longer valid: a newer link was sent, or too many wrong "
              "codes were entered."),
    "unknown": _l("This sign-in link is not valid."),
    "expired_or_used": _l("This sign-in link has expired or has already been used."),
    "not_allowed": _l("Portal access is not enabled for this account."),
    # Supabase Auth's own rate limit (per server IP): the link or code has not been used up.
    "too_many_requests": _l("Too many sign-in attempts right now: please try again in a minute. "
                         "Your link and code still work."),
}

ENDED = {
    "idle": _l("You were signed out after a period of inactivity."),
    "expired": _l("Your session has ended. Please sign in again."),
    "revoked": _l("Your session has ended. Please sign in again."),
    "not_allowed": _l("Portal access is no longer enabled for this account."),
}


@dataclass
class Resumed:
    """A live session: who is calling, and the session data to keep in the cookie."""

    identity: ClientIdentity
    stored: dict


class SessionEnded(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class AuthBackend(Protocol):
    # Called by the worker only, for an address that may sign in; raises when it must be retried.
    def send_link(self, email: str, confirm_url: str) -> None: ...

    def verify_link(self, token_hash: str, user_agent: str | None) -> dict: ...

    def verify_code(self, email: str, code: str, user_agent: str | None) -> dict: ...

    def resume(self, stored: dict) -> Resumed: ...

    def sign_out(self, stored: dict) -> None: ...
