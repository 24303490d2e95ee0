"""Sign-in in Supabase mode, against an HTTP double of Supabase Auth (GoTrue) and PostgREST that
checks the requests `supabase` 2.x sends and answers with Supabase's response shapes."""

import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import time_machine

from app import create_app
from tests.doubles.http import HttpDouble
from tests.signin import csrf_token

EMAIL = "ada@example.test"
USER_ID = str(uuid.uuid4())


def access_token(lifetime=3600):
    now = int(time.time())
    return jwt.encode({"sub": USER_ID, "email": EMAIL, "role": "authenticated", "aud": "authenticated",
                       "iat": now, "exp": now + lifetime, "session_id": str(uuid.uuid4())},
                      "supabase-jwt-secret-of-at-least-32-bytes", algorithm="HS256")


def gotrue_session(token):
    return {"access_token": token, "token_type": "bearer", "expires_in": 3600,
            "expires_at": int(time.time()) + 3600, "refresh_token": uuid.uuid4().hex[:12],
            "user": {"id": USER_ID, "aud": "authenticated", "role": "authenticated", "email": EMAIL,
                     "app_metadata": {"provider": "email"}, "user_metadata": {},
                     "created_at": datetime.now(UTC).isoformat()}}


class FakeSupabase:
    """Answers like Supabase: the state a test needs, and every request recorded."""

    def __init__(self):
        self.allowed, self.tokens_used, self.issued = "allowed", set(), []

    def answer(self, method, path, body):
        route = urlparse(path).path
        if route == "/rest/v1/rpc/check_portal_access":
            return 200, {"status": self.allowed}
        if route == "/rest/v1/rpc/client_has_portal_access":
            return 200, self.allowed == "allowed"
        if route == "/rest/v1/rpc/business_profile":
            return 200, {"name": "Supa Studio", "brand_primary": "#123456", "brand_accent": "#654321",
                         "updated_at": None}
        if route == "/rest/v1/rpc/portal_dashboard":
            return 200, {"client": {"name": "Ada"}, "outstanding": [], "invoices": [], "quotes": [],
                         "activity": []}
        if route == "/auth/v1/otp":
            return 200, {}
        if route == "/auth/v1/verify":
            if body.get("token_hash") in self.tokens_used or body.get("token_hash") == "expired":
                return 403, {"code": 403, "error_code": "otp_expired",
                             "msg": "Email link is invalid or has expired"}
            self.tokens_used.add(body.get("token_hash"))
            return 200, self.session()
        if route == "/auth/v1/token":
            return 200, self.session()
        if route == "/auth/v1/logout":
            return 204, None
        return 404, {"code": "PGRST202", "message": f"no route {route}", "details": None, "hint": None}

    def session(self, lifetime=3600):
        token = access_token(lifetime)
        self.issued.append(token)
        return gotrue_session(token)


@pytest.fixture
def supabase():
    fake = FakeSupabase()
    with HttpDouble(fake.answer) as double:
        double.fake = fake
        yield double


@pytest.fixture
def supabase_app(supabase, tmp_path):
    return create_app({"TESTING": True, "SUPABASE_URL": supabase.url, "SUPABASE_ANON_KEY": "anon-key",
                       "SUPABASE_SERVICE_ROLE_KEY": "service-key", "SECRET_KEY": "s" * 32,
                       "PORTAL_BASE_URL": "http://localhost", "MAILBOX_DIR": str(tmp_path)})


def requests_to(supabase, route):
    return [r for r in supabase.requests if urlparse(r.path).path == route]


def sign_in(client, token_hash="hash-123"):
    page = client.get("/login")
    client.post("/login", data={"email": EMAIL, "csrf_token": csrf_token(page.data)})
    confirm = client.get(f"/auth/confirm?token_hash={token_hash}&type=email")
    return client.post("/auth/confirm",
                       data={"token_hash": token_hash, "csrf_token": csrf_token(confirm.data)})


def test_a_link_is_asked_of_supabase_only_for_a_client_with_access(supabase, supabase_app):
    client = supabase_app.test_client()
    page = client.get("/login")
    assert client.post("/login", data={"email": "Ada@Example.test", "csrf_token": csrf_token(page.data)}
                       ).status_code == 303
    (check,) = requests_to(supabase, "/rest/v1/rpc/check_portal_access")
    assert check.headers["authorization"] == "Bearer service-key"
    assert check.body["p_email"] == EMAIL
    (otp,) = requests_to(supabase, "/auth/v1/otp")
    assert otp.method == "POST"
    assert otp.headers["apikey"] == "anon-key"
    assert otp.body["email"] == EMAIL and otp.body["create_user"] is True
    assert "code_challenge" not in otp.body  # no PKCE: the server verifies the token hash itself
    assert parse_qs(urlparse(otp.path).query)["redirect_to"] == ["http://localhost/auth/confirm"]

    supabase.fake.allowed = "not_allowed"
    page = client.get("/login")
    client.post("/login", data={"email": "nobody@example.test", "csrf_token": csrf_token(page.data)})
    assert len(requests_to(supabase, "/auth/v1/otp")) == 1


def test_confirming_verifies_the_token_hash_once(supabase, supabase_app):
    client = supabase_app.test_client()
    confirm_page = client.get("/auth/confirm?token_hash=hash-123&type=email")
    assert requests_to(supabase, "/auth/v1/verify") == []  # showing the button uses nothing up
    assert confirm_page.status_code == 200
    response = sign_in(client)
    assert response.status_code == 303
    (verify,) = requests_to(supabase, "/auth/v1/verify")
    assert verify.body["token_hash"] == "hash-123" and verify.body["type"] == "email"
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    rpc = requests_to(supabase, "/rest/v1/rpc/portal_dashboard")[-1]
    assert rpc.headers["authorization"] == f"Bearer {supabase.fake.issued[-1]}"
    assert rpc.headers["apikey"] == "anon-key"

    again = sign_in(supabase_app.test_client())
    assert again.status_code == 400
    assert "expired or has already been used" in again.get_data(as_text=True)


def test_an_expiring_access_token_is_refreshed(supabase, supabase_app):
    supabase_app.config["SESSION_IDLE_SECONDS"] = 2 * 3600
    client = supabase_app.test_client()
    sign_in(client)
    first = supabase.fake.issued[-1]
    with client.session_transaction() as session:
        refresh_token = session["auth"]["refresh_token"]
    with time_machine.travel(timedelta(minutes=59, seconds=45)):
        assert client.get("/").status_code == 200
    (refresh,) = requests_to(supabase, "/auth/v1/token")
    assert parse_qs(urlparse(refresh.path).query)["grant_type"] == ["refresh_token"]
    assert refresh.body == {"refresh_token": refresh_token}
    assert supabase.fake.issued[-1] != first


def test_sign_out_revokes_the_supabase_session(supabase, supabase_app):
    client = supabase_app.test_client()
    sign_in(client)
    token = supabase.fake.issued[-1]
    page = client.get("/")
    client.post("/logout", data={"csrf_token": csrf_token(page.data)})
    (logout,) = requests_to(supabase, "/auth/v1/logout")
    assert logout.headers["authorization"] == f"Bearer {token}"
    assert client.get("/").status_code == 302


def test_idle_sessions_and_removed_access_end_in_supabase_mode_too(supabase, supabase_app):
    client = supabase_app.test_client()
    sign_in(client)
    with time_machine.travel(timedelta(minutes=31)):
        assert client.get("/").status_code == 302
    sign_in(client, "hash-456")
    assert client.get("/").status_code == 200
    supabase.fake.allowed = "not_allowed"
    assert client.get("/").status_code == 302
