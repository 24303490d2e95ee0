"""A stand-in for a Supabase project (it cannot run here): GoTrue's endpoints the portal uses,
with its state (users, sessions, rotating refresh tokens) and its answers as GoTrue's source
gives them (supabase/auth internal/api: errors.go, logout.go, token.go, verify.go, admin.go),
and the portal's own RPCs as PostgREST would answer them.

Errors follow the API version the request asks for (X-Supabase-Api-Version, which supabase-py
2.x sends as 2024-01-01): {"code": "otp_expired", "message": ...} with the header echoed, else
the older {"code": 403, "error_code": ..., "msg": ...}.
"""

import secrets
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import jwt

JWT_SECRET = "supabase-jwt-secret-of-at-least-32-bytes"
SERVICE_KEY = "service-key"
API_VERSION = "2024-01-01"

# GoTrue's messages for the error codes the portal meets.
MESSAGES = {
    "otp_expired": "Email link is invalid or has expired",
    "email_exists": "A user with this email address has already been registered",
    "otp_disabled": "Signups not allowed for otp",
    "over_request_rate_limit": "Request rate limit reached",
    "over_email_send_rate_limit": "Email rate limit exceeded",
    "refresh_token_not_found": "Invalid Refresh Token: Refresh Token Not Found",
    "refresh_token_already_used": "Invalid Refresh Token: Already Used",
    "bad_jwt": "invalid JWT: unable to parse or verify signature, token has invalid claims: "
               "token is expired",
    "session_not_found": "Session from session_id claim in JWT does not exist",
    "not_admin": "User not allowed",
    "unexpected_failure": "Unexpected failure, please check server logs for more information",
}


class FakeSupabase:
    """Answers like Supabase; a test sets the state it needs and reads what was asked."""

    def __init__(self):
        self.allowed = True  # whether the database says the address may sign in
        self.queue = []  # sign-in requests waiting for the worker (the portal's own table)
        self.leased = {}  # request id -> the request, while the worker holds it
        self.finished = []  # the worker's reports (finish_sign_in_request's arguments)
        self.users = {}  # email -> user id
        self.sessions = {}  # session id -> {"email", "revoked"}
        self.refresh_tokens = {}  # refresh token -> {"session_id", "used"}
        self.mailed = {}  # email -> the token hash of the newest link GoTrue sent
        self.used_hashes = set()
        self.issued = []  # every access token handed out, oldest first
        # route -> [(status, error code)]: the next answers on that route fail like this.
        self.failures = {}
        self.business = {"name": "Supa Studio", "brand_primary": "#123456", "brand_accent": "#654321",
                         "updated_at": None}  # what business_profile() answers

    # --- the HTTP double's entry point -----------------------------------------------------

    def answer(self, method, path, body, headers):
        route, query = urlparse(path).path, parse_qs(urlparse(path).query)
        if self.failures.get(route):
            status, code = self.failures[route].pop(0)
            return self.error(headers, status, code)
        if route.startswith("/rest/v1/rpc/"):
            return self.rpc(route.removeprefix("/rest/v1/rpc/"), body or {}, headers)
        handler = {"/auth/v1/admin/users": self.admin_create_user, "/auth/v1/otp": self.otp,
                   "/auth/v1/verify": self.verify, "/auth/v1/token": self.token,
                   "/auth/v1/logout": self.logout, "/auth/v1/health": self.auth_health,
                   "/rest/v1/": self.rest_root}.get(route)
        if handler is None:
            return 404, {"code": "PGRST202", "message": f"no route {route}", "details": None, "hint": None}
        return handler(body or {}, headers, query)

    @staticmethod
    def error(headers, status, code):
        message = MESSAGES[code]
        if headers.get("x-supabase-api-version", "") >= API_VERSION:
            return status, {"code": code, "message": message}, {"X-Supabase-Api-Version": API_VERSION}
        return status, {"code": status, "error_code": code, "msg": message}

    # --- PostgREST: the portal's functions -------------------------------------------------

    def rpc(self, function, args, headers=None):
        if function == "portal_page":
            return self.portal_page(args["p_calls"], headers or {})
        if function == "request_sign_in":
            # The real function queues every address; only the worker's claim filters them.
            if self.allowed:
                self.queue.append({"id": str(uuid.uuid4()), "email": args["p_email"], "attempts": 1})
            return 200, {"status": "queued"}
        if function == "claim_sign_in_requests":
            claimed, self.queue = self.queue, []
            self.leased.update((request["id"], request) for request in claimed)
            return 200, claimed
        if function == "finish_sign_in_request":
            self.finished.append(args)
            request = self.leased.pop(args["p_id"])
            if args.get("p_error"):  # retried later, as the real function arranges
                self.queue.append({**request, "attempts": request["attempts"] + 1})
            return 200, {"id": args["p_id"], "status": "pending" if args.get("p_error") else "sent"}
        if function == "client_has_portal_access":
            return 200, self.allowed
        if function in ("portal_session_live", "portal_sessions", "end_portal_sessions"):
            return self.caller_rpc(function, args, headers or {})
        if function == "business_profile":
            return 200, self.business
        if function == "portal_dashboard":
            return 200, {"client": {"name": "Ada"}, "outstanding": [], "invoices": [], "quotes": [],
                         "activity": []}
        return 404, {"code": "PGRST202", "message": f"no function {function}", "details": None, "hint": None}

    def portal_page(self, calls, headers):
        """As public.portal_page: nothing runs unless the token's session is live and the client
        has portal access (private.current_client_id()); then each call, in order."""
        token = headers.get("authorization", "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"], audience="authenticated")
        except jwt.InvalidTokenError:
            return 401, {"code": "PGRST301", "message": "JWSError JWSInvalidSignature", "details": None,
                         "hint": None}
        session = self.sessions.get(claims.get("session_id"))
        if not self.allowed or session is None or session["revoked"]:
            return 200, {"status": "not_allowed"}
        results = []
        for call in calls:
            status, result = self.rpc(call["function"], call.get("args", {}), headers)
            if status != 200:
                return status, result
            results.append(result)
        return 200, {"status": "active", "results": results, "profile_version": self.business["updated_at"]}

    def caller_rpc(self, function, args, headers):
        """The functions that read the caller's own GoTrue sessions (functions/portal_session_live,
        portal_sessions, end_portal_sessions), answered from this double's sessions as the SQL
        answers from auth.sessions: a token whose session was ended is nobody."""
        token = headers.get("authorization", "").removeprefix("Bearer ")
        claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"], audience="authenticated")
        current = claims["session_id"]
        live = {sid: s for sid, s in self.sessions.items()
                if s["email"] == claims["email"] and not s["revoked"]}
        if function == "portal_session_live":
            return 200, self.allowed and current in live
        if current not in live or not self.allowed:
            return 403, {"code": "42501", "message": "Sign in to see your sessions.", "details": None,
                         "hint": None}
        if function == "portal_sessions":
            return 200, [{"id": sid, "user_agent": s["user_agent"], "created_at": s["created_at"],
                          "last_active_at": s["last_active_at"], "current": sid == current}
                         for sid, s in live.items()]
        scope, chosen = args["p_scope"], args.get("p_session_id")
        ended = [sid for sid in live if scope == "all" or (scope == "others" and sid != current)
                 or (scope == "one" and sid == chosen)]
        if scope == "one" and not ended:
            return 404, {"code": "P0002", "message": "That session has already ended.", "details": None,
                         "hint": None}
        for sid in ended:
            self.sessions[sid]["revoked"] = True  # the row deleted: its refresh tokens die with it
        return 200, {"ended": len(ended), "signed_out": current in ended}

    # --- GoTrue -----------------------------------------------------------------------------

    def auth_health(self, body, headers, query):
        # GoTrue's api.go HealthCheck: its version, name and description.
        return 200, {"version": "v2.177.0", "name": "GoTrue",
                     "description": "GoTrue is a user registration and authentication API"}

    def rest_root(self, body, headers, query):
        # PostgREST's root: the OpenAPI description of the exposed schema.
        return 200, {"swagger": "2.0", "info": {"title": "PostgREST API"}, "paths": {}}

    def admin_create_user(self, body, headers, query):
        if headers.get("authorization") != f"Bearer {SERVICE_KEY}":
            return self.error(headers, 403, "not_admin")
        email = body["email"].lower()
        if email in self.users:
            return self.error(headers, 422, "email_exists")
        self.users[email] = str(uuid.uuid4())
        return 200, self.user(email, confirmed=bool(body.get("email_confirm")))

    def otp(self, body, headers, query):
        email = body["email"].lower()
        if email not in self.users:
            if not body.get("create_user"):
                return self.error(headers, 422, "otp_disabled")
            self.users[email] = str(uuid.uuid4())
        self.mailed[email] = secrets.token_hex(28)  # what the email template's {{ .TokenHash }} gets
        return 200, {}

    def verify(self, body, headers, query):
        token_hash = body.get("token_hash")
        email = next((e for e, h in self.mailed.items() if h == token_hash), None)
        if email is None or token_hash in self.used_hashes:
            return self.error(headers, 403, "otp_expired")
        self.used_hashes.add(token_hash)
        session_id, now = str(uuid.uuid4()), datetime.now(UTC).isoformat()
        # GoTrue records the User-Agent of the request that made the session.
        self.sessions[session_id] = {"email": email, "revoked": False, "created_at": now,
                                     "last_active_at": now, "user_agent": headers.get("user-agent")}
        return 200, self.session(session_id)

    def token(self, body, headers, query):
        assert query["grant_type"] == ["refresh_token"]
        held = self.refresh_tokens.get(body.get("refresh_token"))
        if held is None or self.sessions[held["session_id"]]["revoked"]:
            return self.error(headers, 400, "refresh_token_not_found")
        if held["used"]:
            return self.error(headers, 400, "refresh_token_already_used")
        held["used"] = True  # rotation: each refresh token works once
        self.sessions[held["session_id"]].update(last_active_at=datetime.now(UTC).isoformat(),
                                                 user_agent=headers.get("user-agent"))
        return 200, self.session(held["session_id"])

    def logout(self, body, headers, query):
        token = headers.get("authorization", "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"], audience="authenticated")
        except jwt.InvalidTokenError:
            return self.error(headers, 403, "bad_jwt")
        session = self.sessions.get(claims["session_id"])
        if session is None or session["revoked"]:
            return self.error(headers, 403, "session_not_found")
        assert query.get("scope") == ["local"]
        session["revoked"] = True  # and with it every refresh token of the session
        return 204, None

    # --- shapes ---------------------------------------------------------------------------

    def user(self, email, confirmed=True):
        now = datetime.now(UTC).isoformat()
        return {"id": self.users[email], "aud": "authenticated", "role": "authenticated", "email": email,
                "email_confirmed_at": now if confirmed else None, "app_metadata": {"provider": "email"},
                "user_metadata": {}, "created_at": now}

    def session(self, session_id, lifetime=3600):
        email = self.sessions[session_id]["email"]
        now = int(time.time())
        token = jwt.encode({"sub": self.users[email], "email": email, "role": "authenticated",
                            "aud": "authenticated", "iat": now, "exp": now + lifetime,
                            "session_id": session_id, "amr": [{"method": "otp", "timestamp": now}]},
                           JWT_SECRET, algorithm="HS256")
        refresh_token = secrets.token_urlsafe(9)
        self.refresh_tokens[refresh_token] = {"session_id": session_id, "used": False}
        self.issued.append(token)
        return {"access_token": token, "token_type": "bearer", "expires_in": lifetime,
                "expires_at": now + lifetime, "refresh_token": refresh_token, "user": self.user(email)}
