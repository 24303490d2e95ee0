"""Magic links in Supabase mode: Supabase Auth sends and verifies them.

The portal first asks the database (as the service) whether the address may sign in, and only
then asks Auth to send the link, with user creation allowed: administrators only switch portal
access on. The email template links to our confirm page with {{ .TokenHash }}; the server
verifies it with verify_otp, so no PKCE verifier has to survive between requests. A fresh
`supabase` client per call: they mutate their headers on sign-in.
"""

import time

import jwt
from supabase_auth.errors import AuthApiError, AuthError

from app.auth.base import RateLimited, Resumed, SessionEnded, SignInRefused
from app.data import ClientIdentity
from supabase import ClientOptions, create_client

REFRESH_MARGIN_SECONDS = 30


class SupabaseAuth:
    def __init__(self, data, config):
        self.data, self.config = data, config

    def _auth(self):
        options = ClientOptions(flow_type="implicit", auto_refresh_token=False, persist_session=False)
        return create_client(self.config["SUPABASE_URL"], self.config["SUPABASE_ANON_KEY"], options).auth

    def send_link(self, email: str, ip: str | None, confirm_url: str) -> None:
        access = self.data.call_as_service("check_portal_access", p_email=email, p_ip=ip)
        if access["status"] == "rate_limited":
            raise RateLimited(access["retry_after"])
        if access["status"] != "allowed":
            return
        try:
            self._auth().sign_in_with_otp({"email": email.strip().lower(), "options": {
                "email_redirect_to": confirm_url, "should_create_user": True}})
        except AuthApiError as error:
            if error.status == 429:
                raise RateLimited(60) from error
            raise

    def verify_link(self, token_hash: str, user_agent: str | None) -> dict:
        return self._verify({"token_hash": token_hash, "type": "email"})

    def verify_code(self, email: str, code: str, user_agent: str | None) -> dict:
        return self._verify({"email": email.strip().lower(), "token": code.strip(), "type": "email"})

    def _verify(self, params: dict) -> dict:
        try:
            session = self._auth().verify_otp(params).session
        except AuthError as error:
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
        return self.data.call_as_service("client_has_portal_access",
                                         p_email=_unverified_claims(stored)["email"]) is True

    def resume(self, stored: dict) -> Resumed:
        now = time.time()
        if now - stored["signed_in_at"] > self.config["SESSION_LIFETIME_SECONDS"]:
            self.sign_out(stored)
            raise SessionEnded("expired")
        if now - stored["last_seen"] > self.config["SESSION_IDLE_SECONDS"]:
            self.sign_out(stored)
            raise SessionEnded("idle")
        stored = {**stored, "last_seen": now}
        if _unverified_claims(stored)["exp"] - REFRESH_MARGIN_SECONDS < now:
            try:
                session = self._auth().refresh_session(stored["refresh_token"]).session
            except AuthError as error:
                raise SessionEnded("expired") from error
            stored.update(access_token=session.access_token, refresh_token=session.refresh_token)
        if not self._still_allowed(stored):
            self.sign_out(stored)
            raise SessionEnded("not_allowed")
        # PostgREST verifies the token's signature on every call; the claims here only name
        # the caller for the pages.
        return Resumed(ClientIdentity(stored["access_token"], _unverified_claims(stored)), stored)

    def sign_out(self, stored: dict) -> None:
        try:
            self._auth().admin.sign_out(stored["access_token"], "local")
        except AuthError:
            pass  # already signed out or expired: nothing left to revoke


def _unverified_claims(stored: dict) -> dict:
    return jwt.decode(stored["access_token"], options={"verify_signature": False})
