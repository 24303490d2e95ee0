"""Magic links in Supabase mode: Supabase Auth (GoTrue) sends and verifies them.

Sign-ups are off in the project (anyone holding the public anon key could otherwise sign up as a
client who never signed in). So the worker, for an address the database says may sign in,
first creates the Auth user itself through the admin API (email confirmed; an existing user is
fine), then asks Auth to send the link with user creation off. The email template links to our
confirm page with {{ .TokenHash }}; the server verifies it with verify_otp, so no PKCE verifier
has to survive between requests. A fresh `supabase` client per call: they mutate their headers
on sign-in.

GoTrue's errors are told honestly: a 429 is "try again in a minute", an outage (5xx, network)
is "briefly unavailable", and neither ends a session that is still valid.
"""

import logging
import time

import jwt
from flask import has_request_context, request
from flask import session as cookie
from supabase_auth.errors import AuthApiError, AuthError, AuthRetryableError

from app.auth.base import Resumed, SessionEnded, SignInRefused
from app.data import ClientIdentity, DataError, Unavailable
from supabase import ClientOptions, create_client

log = logging.getLogger(__name__)

REFRESH_MARGIN_SECONDS = 30
# GoTrue's answers for a session that no longer exists: signing it out again has nothing to do.
SESSION_GONE = {"refresh_token_not_found", "refresh_token_already_used", "session_not_found",
                "session_expired"}


def is_transient(error: AuthError) -> bool:
    """Worth retrying later: rate limited, GoTrue or the network down."""
    status = getattr(error, "status", 0) or 0
    return isinstance(error, AuthRetryableError) or status == 429 or status >= 500


class SupabaseAuth:
    def __init__(self, data, config):
        self.data, self.config = data, config

    def _client(self, key: str, user_agent: str | None = None):
        options = ClientOptions(flow_type="implicit", auto_refresh_token=False, persist_session=False)
        if user_agent:
            # GoTrue records the User-Agent of the request that makes or refreshes a session in
            # auth.sessions: the browser's, not this server's, is what "signed-in devices" shows.
            options.headers = {**options.headers, "User-Agent": user_agent[:500]}
        return create_client(self.config["SUPABASE_URL"], key, options)

    def _auth(self, user_agent: str | None = None):
        return self._client(self.config["SUPABASE_ANON_KEY"], user_agent).auth

    def _admin(self):
        return self._client(self.config["SUPABASE_SERVICE_ROLE_KEY"]).auth.admin

    def send_link(self, email: str, confirm_url: str) -> None:
        """The worker's part, for a client with portal access; raises when it must be retried."""
        try:
            self._admin().create_user({"email": email, "email_confirm": True})
        except AuthApiError as error:
            if error.code != "email_exists":  # a client who signed in before: nothing to create
                raise
        self._auth().sign_in_with_otp({"email": email, "options": {
            "email_redirect_to": confirm_url, "should_create_user": False}})

    def verify_link(self, token_hash: str, user_agent: str | None) -> dict:
        return self._verify({"token_hash": token_hash, "type": "email"}, user_agent)

    def verify_code(self, email: str, code: str, user_agent: str | None) -> dict:
        return self._verify({"email": email.strip().lower(), "token": code.strip(), "type": "email"},
                            user_agent)

    def _verify(self, params: dict, user_agent: str | None) -> dict:
        try:
            session = self._auth(user_agent).verify_otp(params).session
        except AuthError as error:
            if is_transient(error):
                if getattr(error, "status", 0) == 429:
                    raise SignInRefused("too_many_requests") from error
                raise Unavailable("Supabase Auth is unavailable.", "unavailable") from error
            raise SignInRefused("expired_or_used" if "token_hash" in params else "wrong_code") from error
        if session is None:
            raise SignInRefused("unknown")
        stored = {"mode": "supabase", "access_token": session.access_token,
                  "refresh_token": session.refresh_token, "signed_in_at": time.time(),
                  "last_seen": time.time()}
        if not self._still_allowed(stored):
            self.sign_out(stored)
            raise SignInRefused("not_allowed")
        return stored

    def _still_allowed(self, stored: dict) -> bool:
        """Asked with the person's own token: the database's one identity rule decides (access,
        and a session not ended from another device)."""
        identity = ClientIdentity(stored["access_token"], _unverified_claims(stored))
        return self.data.call_as_client(identity, "portal_session_live") is True

    # The session check rides along with the page's calls, in one PostgREST request
    # (public.portal_page): see call_checking_session and app/auth/session.py.
    defers_session_check = True

    def claimed(self, stored: dict) -> Resumed:
        """What the cookie alone decides (idle and absolute timeouts) and a token near expiry
        refreshed through Supabase Auth; access and revocation are the database's to check."""
        now = time.time()
        if now - stored["signed_in_at"] > self.config["SESSION_LIFETIME_SECONDS"]:
            self.sign_out(stored)
            raise SessionEnded("expired")
        if now - stored["last_seen"] > self.config["SESSION_IDLE_SECONDS"]:
            self.sign_out(stored)
            raise SessionEnded("idle")
        stored = {**stored, "last_seen": now}
        expires_at = _unverified_claims(stored)["exp"]
        if expires_at - REFRESH_MARGIN_SECONDS < now:
            try:
                session = self._auth(_browser()).refresh_session(stored["refresh_token"]).session
            except AuthError as error:
                if not is_transient(error):
                    raise SessionEnded("expired") from error
                if expires_at <= now:
                    # The session may well be valid; only GoTrue cannot say so right now.
                    raise Unavailable("Supabase Auth is unavailable.", "unavailable") from error
                log.warning("token refresh failed for now, the access token still works: %s", error)
            else:
                stored.update(access_token=session.access_token, refresh_token=session.refresh_token)
        # PostgREST verifies the token's signature on every call; the claims here only name
        # the caller for the pages.
        return Resumed(ClientIdentity(stored["access_token"], _unverified_claims(stored)), stored)

    def resume(self, stored: dict) -> Resumed:
        """A page with no database call of its own: the session checked by a request of its own."""
        resumed = self.claimed(stored)
        if not self._still_allowed(resumed.stored):
            self.sign_out(resumed.stored)
            raise SessionEnded("not_allowed")
        return resumed

    def call_checking_session(self, identity: ClientIdentity, calls: list[tuple[str, dict]]):
        """The page's calls in one request: public.portal_page runs them only when
        private.current_client_id() accepts the caller (a live Supabase session, portal access),
        so revocation is instant. Returns the profile version and the results."""
        try:
            outcome = self.data.call_as_client(identity, "portal_page", p_calls=[
                {"function": function, "args": args} for function, args in calls])
        except DataError as error:
            # The calls run only after the identity check passed, so a failed call means a live
            # session; PostgREST's own refusals (PGRST3xx: a bad token) come before any call.
            error.session_live = not str(error.code or "").startswith("PGRST")
            raise
        if outcome["status"] != "active":
            self.sign_out(cookie.get("auth") or {"access_token": identity.access_token})
            raise SessionEnded("not_allowed")
        return outcome.get("profile_version"), outcome["results"]

    def sign_out(self, stored: dict) -> None:
        """Ends the session at Supabase, so that its refresh token obtains nothing afterwards.
        GoTrue's /logout needs a live access token and answers 403 to an expired one (often the
        case after a timeout), so such a token is refreshed first."""
        try:
            access_token = stored["access_token"]
            if _unverified_claims(stored)["exp"] - REFRESH_MARGIN_SECONDS < time.time():
                access_token = self._auth().refresh_session(stored["refresh_token"]).session.access_token
            self._auth().admin.sign_out(access_token, "local")
        except AuthApiError as error:
            if error.code not in SESSION_GONE:
                log.warning("sign-out: Supabase did not end the session: %s (%s)", error, error.code)
        except AuthError as error:
            log.warning("sign-out: Supabase unreachable, the session ends at its own expiry: %s", error)


def _browser() -> str | None:
    return request.user_agent.string if has_request_context() else None


def _unverified_claims(stored: dict) -> dict:
    return jwt.decode(stored["access_token"], options={"verify_signature": False})
