"""Magic links in plain-Postgres mode: the project's own, with Supabase Auth's semantics.

The database functions (issue_login_link, consume_login,
touch_session, revoke_session) do the deciding; this module makes the secrets, sends the email
(from the worker: see app/auth/link_requests.py) and issues the JWT that the portal functions'
RLS reads.
"""

from datetime import UTC, datetime

import jwt

from app.auth import jwt_tokens, tokens
from app.auth.base import Resumed, SessionEnded, SignInRefused
from app.data import ClientIdentity
from app.emails import render_email
from app.mail import send_email


class PostgresAuth:
    def __init__(self, data, app):
        # The app, for the email renderer (app/emails.py) the sign-in email shares.
        self.data, self.app, self.config = data, app, app.config

    def send_link(self, email: str, confirm_url: str) -> None:
        """The worker's part: a new link and code, made here in memory; the database keeps only
        their hashes, and a failed email raises (the worker retries with a new link)."""
        token, code = tokens.new_link_token(), tokens.new_code()
        result = self.data.call_as_service(
            "issue_login_link", p_email=email, p_token_hash=tokens.hash_link_token(token),
            p_code_hash=tokens.hash_code(self.config["SECRET_KEY"], email, code),
            p_ttl_seconds=self.config["LOGIN_LINK_TTL_SECONDS"], p_now=datetime.now(UTC))
        if result["status"] != "created":
            return  # portal access was switched off since the request: nothing to send
        business = self.data.call_as_service("business_profile")
        link = f"{confirm_url}?token_hash={token}&type=email"
        # Rendered here, never queued: the live link and code are never stored (the worker makes
        # them and sends them at once).
        email = render_email(self.app, "sign_in", {"link": link, "code": code}, business)
        send_email(self.config, result["email"], email.subject, email.text, email.html,
                   headers=email.headers)

    def verify_link(self, token_hash: str, user_agent: str | None) -> dict:
        return self._session_from(self.data.call_as_service(
            "consume_login", p_token_hash=tokens.hash_link_token(token_hash),
            p_session_lifetime_seconds=self.config["SESSION_LIFETIME_SECONDS"],
            p_user_agent=user_agent, p_now=datetime.now(UTC)))

    def verify_code(self, email: str, code: str, user_agent: str | None) -> dict:
        return self._session_from(self.data.call_as_service(
            "consume_login", p_email=email,
            p_code_hash=tokens.hash_code(self.config["SECRET_KEY"], email, code),
            p_session_lifetime_seconds=self.config["SESSION_LIFETIME_SECONDS"],
            p_user_agent=user_agent, p_now=datetime.now(UTC)))

    def _session_from(self, result: dict) -> dict:
        if result["status"] != "signed_in":
            raise SignInRefused(result["status"], result.get("attempts_left"))
        # The token lives as long as the session may; the session row decides sooner ends.
        token = jwt_tokens.issue_access_token(
            self.config["JWT_SECRET"], client_id=result["client_id"], email=result["email"],
            session_id=result["session_id"], lifetime_seconds=self.config["SESSION_LIFETIME_SECONDS"])
        return {"mode": "postgres", "access_token": token}

    # The session check can ride along with the page's first database call (one round trip):
    # see app/auth/session.py.
    defers_session_check = True
    # ...and can carry a kept page's version (app/page_cache.py). Supabase mode's page call
    # (public.portal_page through PostgREST) does not, so its pages are always rendered.
    keeps_pages = True

    def claimed(self, stored: dict) -> Resumed:
        """The identity the cookie claims, verified without the database (signature, expiry):
        the session row still has to be checked before anything is shown."""
        try:
            claims = jwt_tokens.verify_access_token(self.config["JWT_SECRET"], stored["access_token"])
        except jwt.ExpiredSignatureError as error:
            raise SessionEnded("expired") from error
        except (jwt.InvalidTokenError, KeyError) as error:
            raise SessionEnded("revoked") from error
        return Resumed(ClientIdentity(stored["access_token"], claims), stored)

    def call_checking_session(self, identity: ClientIdentity, calls: list[tuple[str, dict]],
                              **page):
        """The session check and the calls in one round trip: the profile version, the results.
        `page`: a kept page's call (PostgresData.call_checking_session's page_call, kept_version).
        A failed call raises its DataError, which says whether the session was live."""
        state, results = self.data.call_checking_session(
            identity, self.config["SESSION_IDLE_SECONDS"], datetime.now(UTC), calls, **page)
        if state["status"] != "active":
            raise SessionEnded(state["status"])
        return state.get("profile_version"), results

    def resume(self, stored: dict) -> Resumed:
        identity = self.claimed(stored).identity
        state = self.data.call_as_service(
            "touch_session", p_session_id=identity.claims["session_id"],
            p_idle_seconds=self.config["SESSION_IDLE_SECONDS"], p_now=datetime.now(UTC))
        if state["status"] != "active":
            raise SessionEnded(state["status"])
        return Resumed(identity, stored)

    def sign_out(self, stored: dict) -> None:
        try:
            claims = jwt_tokens.verify_access_token(self.config["JWT_SECRET"], stored["access_token"])
        except (jwt.InvalidTokenError, KeyError):
            return
        self.data.call_as_service("revoke_session", p_session_id=claims["session_id"],
                                  p_now=datetime.now(UTC))
