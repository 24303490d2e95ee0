"""Sign-in in Supabase mode, against an HTTP double of Supabase Auth (GoTrue) and PostgREST that
checks the requests `supabase` 2.x sends and answers as GoTrue's current API does (see
tests/auth/supabase_double.py)."""

import tomllib
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import time_machine

from app import create_app
from app.auth.link_requests import deliver_sign_in_links
from app.config import PROJECT_ROOT
from tests.auth.supabase_double import SERVICE_KEY
from tests.signin import csrf_token

EMAIL = "ada@example.test"


def requests_to(supabase, route):
    return [r for r in supabase.requests if urlparse(r.path).path == route]


def ask_for_link(client, email=EMAIL):
    page = client.get("/login")
    return client.post("/login", data={"email": email, "csrf_token": csrf_token(page.data)})


def press(client, token_hash):
    confirm = client.get(f"/auth/confirm?token_hash={token_hash}&type=email")
    return client.post("/auth/confirm",
                       data={"token_hash": token_hash, "csrf_token": csrf_token(confirm.data)})


def sign_in(app, supabase, client):
    """The whole flow: ask, the worker has GoTrue send the link, press the emailed link."""
    ask_for_link(client)
    deliver_sign_in_links(app)
    return press(client, supabase.fake.mailed[EMAIL])


def stored_session(client):
    with client.session_transaction() as session:
        return dict(session["auth"])


def refresh_is_refused(supabase, refresh_token) -> bool:
    """Asks the double, as any holder of the refresh token could, for a new session."""
    answer = httpx.post(f"{supabase.url}/auth/v1/token?grant_type=refresh_token",
                        json={"refresh_token": refresh_token},
                        headers={"apikey": "anon-key", "X-Supabase-Api-Version": "2024-01-01"})
    return answer.status_code == 400 and answer.json()["code"] == "refresh_token_not_found"


def test_post_login_only_queues_and_the_worker_has_gotrue_send_the_link(supabase, supabase_app):
    client = supabase_app.test_client()
    assert ask_for_link(client, "Ada@Example.test").status_code == 303
    assert not [r for r in supabase.requests if r.path.startswith("/auth/v1/")]  # GoTrue: not now
    (queued,) = requests_to(supabase, "/rest/v1/rpc/request_sign_in")
    assert queued.headers["authorization"] == f"Bearer {SERVICE_KEY}"
    assert queued.body["p_email"] == EMAIL

    assert deliver_sign_in_links(supabase_app) == 1
    (create,) = requests_to(supabase, "/auth/v1/admin/users")
    assert create.headers["authorization"] == f"Bearer {SERVICE_KEY}"
    assert create.body == {"email": EMAIL, "email_confirm": True}
    (otp,) = requests_to(supabase, "/auth/v1/otp")
    assert otp.headers["apikey"] == "anon-key"
    assert otp.body["email"] == EMAIL and otp.body["create_user"] is False
    assert "code_challenge" not in otp.body  # no PKCE: the server verifies the token hash itself
    assert parse_qs(urlparse(otp.path).query)["redirect_to"] == ["http://localhost/auth/confirm"]
    assert [f["p_error"] if "p_error" in f else None for f in supabase.fake.finished] == [None]

    # A second link for the same client: the Auth user exists (422 email_exists), which is fine.
    with time_machine.travel(timedelta(seconds=61)):
        ask_for_link(client)
        assert deliver_sign_in_links(supabase_app) == 1
    assert len(requests_to(supabase, "/auth/v1/otp")) == 2

    supabase.fake.allowed = False  # the database closes other addresses' requests itself
    ask_for_link(client, "nobody@example.test")
    assert deliver_sign_in_links(supabase_app) == 0
    assert len(requests_to(supabase, "/auth/v1/otp")) == 2


def test_sign_ups_are_off_and_sessions_end_when_the_portal_ends_them():
    config = tomllib.loads((PROJECT_ROOT / "supabase" / "config.toml").read_text())
    auth = config["auth"]
    assert auth["enable_signup"] is False and auth["email"]["enable_signup"] is False
    assert auth["enable_anonymous_sign_ins"] is False
    portal = create_app({"TESTING": True, "SECRET_KEY": "x" * 32}).config
    assert auth["sessions"] == {"timebox": f"{portal['SESSION_LIFETIME_SECONDS'] // 3600}h",
                                "inactivity_timeout": f"{portal['SESSION_IDLE_SECONDS'] // 60}m"}


def test_a_gotrue_outage_changes_nothing_the_visitor_sees(supabase, supabase_app):
    client = supabase_app.test_client()
    healthy = ask_for_link(client)
    supabase.fake.queue.clear()
    supabase.fake.failures["/auth/v1/otp"] = [(503, "unexpected_failure")]
    with time_machine.travel(timedelta(seconds=61)):
        during_outage = ask_for_link(client)
        assert (during_outage.status_code, during_outage.headers["Location"]) == (
            healthy.status_code, healthy.headers["Location"])
        assert deliver_sign_in_links(supabase_app) == 0  # GoTrue down: retried later
        assert supabase.fake.finished[-1]["p_error"]
        assert deliver_sign_in_links(supabase_app) == 1  # GoTrue back: the link goes out
    assert EMAIL in supabase.fake.mailed


def test_confirming_verifies_the_token_hash_once(supabase, supabase_app):
    client = supabase_app.test_client()
    ask_for_link(client)
    deliver_sign_in_links(supabase_app)
    token_hash = supabase.fake.mailed[EMAIL]
    confirm_page = client.get(f"/auth/confirm?token_hash={token_hash}&type=email")
    assert requests_to(supabase, "/auth/v1/verify") == []  # showing the button uses nothing up
    assert confirm_page.status_code == 200
    assert press(client, token_hash).status_code == 303
    (verify,) = requests_to(supabase, "/auth/v1/verify")
    assert verify.body["token_hash"] == token_hash and verify.body["type"] == "email"
    assert client.get("/").status_code == 200
    rpc = requests_to(supabase, "/rest/v1/rpc/portal_page")[-1]
    assert rpc.headers["authorization"] == f"Bearer {supabase.fake.issued[-1]}"
    assert rpc.headers["apikey"] == "anon-key"

    again = press(supabase_app.test_client(), token_hash)  # GoTrue: 403 otp_expired
    assert again.status_code == 400
    assert "expired or has already been used" in again.get_data(as_text=True)


def test_a_rate_limited_verify_says_try_again_and_keeps_the_link(supabase, supabase_app):
    client = supabase_app.test_client()
    ask_for_link(client)
    deliver_sign_in_links(supabase_app)
    token_hash = supabase.fake.mailed[EMAIL]
    supabase.fake.failures["/auth/v1/verify"] = [(429, "over_request_rate_limit")]
    limited = press(client, token_hash)
    assert limited.status_code == 429
    text = limited.get_data(as_text=True)
    assert "try again in a minute" in text and "expired" not in text
    assert 'name="token_hash"' in text  # the same button, to press again
    assert press(client, token_hash).status_code == 303  # the link was not used up


def test_a_gotrue_outage_while_verifying_is_not_an_expired_link(supabase, supabase_app):
    client = supabase_app.test_client()
    ask_for_link(client)
    deliver_sign_in_links(supabase_app)
    token_hash = supabase.fake.mailed[EMAIL]
    supabase.fake.failures["/auth/v1/verify"] = [(503, "unexpected_failure")]
    down = press(client, token_hash)
    assert down.status_code == 503 and "expired" not in down.get_data(as_text=True)
    assert press(client, token_hash).status_code == 303


def test_an_expiring_access_token_is_refreshed(supabase, supabase_app):
    supabase_app.config["SESSION_IDLE_SECONDS"] = 2 * 3600
    client = supabase_app.test_client()
    sign_in(supabase_app, supabase, client)
    first, refresh_token = supabase.fake.issued[-1], stored_session(client)["refresh_token"]
    with time_machine.travel(timedelta(minutes=59, seconds=45)):
        assert client.get("/").status_code == 200
    (refresh,) = requests_to(supabase, "/auth/v1/token")
    assert parse_qs(urlparse(refresh.path).query)["grant_type"] == ["refresh_token"]
    assert refresh.body == {"refresh_token": refresh_token}
    assert supabase.fake.issued[-1] != first


def test_a_transient_refresh_failure_does_not_end_a_valid_session(supabase, supabase_app):
    supabase_app.config["SESSION_IDLE_SECONDS"] = 2 * 3600
    client = supabase_app.test_client()
    sign_in(supabase_app, supabase, client)
    token = supabase.fake.issued[-1]
    for status, code in ((503, "unexpected_failure"), (429, "over_request_rate_limit")):
        supabase.fake.failures["/auth/v1/token"] = [(status, code)]
        with time_machine.travel(timedelta(minutes=59, seconds=45)):  # still valid for 15 s
            assert client.get("/").status_code == 200
        rpc = requests_to(supabase, "/rest/v1/rpc/portal_page")[-1]
        assert rpc.headers["authorization"] == f"Bearer {token}"
    supabase.fake.failures["/auth/v1/token"] = [(503, "unexpected_failure")]
    with time_machine.travel(timedelta(minutes=61)):  # expired, and GoTrue cannot refresh it now
        assert client.get("/").status_code == 503
        assert stored_session(client)["refresh_token"]  # the cookie keeps the session
        assert client.get("/").status_code == 200  # GoTrue is back: the session goes on


def test_a_refused_refresh_ends_the_session(supabase, supabase_app):
    supabase_app.config["SESSION_IDLE_SECONDS"] = 2 * 3600
    client = supabase_app.test_client()
    sign_in(supabase_app, supabase, client)
    supabase.fake.failures["/auth/v1/token"] = [(400, "refresh_token_not_found")]
    with time_machine.travel(timedelta(minutes=61)):
        assert client.get("/").status_code == 302


def test_sign_out_revokes_the_supabase_session(supabase, supabase_app):
    client = supabase_app.test_client()
    sign_in(supabase_app, supabase, client)
    token, refresh_token = supabase.fake.issued[-1], stored_session(client)["refresh_token"]
    page = client.get("/")
    client.post("/logout", data={"csrf_token": csrf_token(page.data)})
    (logout,) = requests_to(supabase, "/auth/v1/logout")
    assert logout.headers["authorization"] == f"Bearer {token}"
    assert client.get("/").status_code == 302
    assert refresh_is_refused(supabase, refresh_token)


def test_sign_out_with_an_expired_access_token_still_kills_the_refresh_token(supabase, supabase_app):
    """GoTrue answers /logout with an expired token 403 bad_jwt; the portal refreshes first."""
    supabase_app.config["SESSION_IDLE_SECONDS"] = 2 * 3600
    client = supabase_app.test_client()
    sign_in(supabase_app, supabase, client)
    refresh_token = stored_session(client)["refresh_token"]
    page = client.get("/")
    supabase_app.config["WTF_CSRF_TIME_LIMIT"] = None  # the sign-out form stays open an hour
    with time_machine.travel(timedelta(minutes=61)):
        assert client.post("/logout", data={"csrf_token": csrf_token(page.data)}).status_code == 303
    assert all(session["revoked"] for session in supabase.fake.sessions.values())
    assert refresh_is_refused(supabase, refresh_token)


@pytest.mark.parametrize("timeout", ["idle", "absolute"])
def test_timeouts_kill_the_refresh_token(supabase, supabase_app, timeout):
    client = supabase_app.test_client()
    sign_in(supabase_app, supabase, client)
    refresh_token = stored_session(client)["refresh_token"]
    later = timedelta(minutes=31) if timeout == "idle" else timedelta(hours=8, minutes=1)
    if timeout == "absolute":
        supabase_app.config["SESSION_IDLE_SECONDS"] = 9 * 3600
    with time_machine.travel(later):
        assert client.get("/").status_code == 302
    assert refresh_is_refused(supabase, refresh_token)


def test_removed_access_ends_the_session_in_supabase_mode_too(supabase, supabase_app):
    client = supabase_app.test_client()
    sign_in(supabase_app, supabase, client)
    assert client.get("/").status_code == 200
    supabase.fake.allowed = False
    assert client.get("/").status_code == 302


def test_a_page_is_one_postgrest_request_in_supabase_mode(supabase, supabase_app):
    """Issue 12: the session check, the business profile's version and the page's data in one
    RPC (public.portal_page); the profile is kept while its version matches."""
    client = sign_in_and_keep_profile(supabase_app, supabase)
    before = len(supabase.requests)
    assert "Supa Studio" in client.get("/").get_data(as_text=True)
    (page,) = supabase.requests[before:]
    assert urlparse(page.path).path == "/rest/v1/rpc/portal_page"
    assert page.body == {"p_calls": [{"function": "portal_dashboard", "args": {}}]}


def test_a_revoked_supabase_session_is_refused_at_the_next_page(supabase, supabase_app):
    client = sign_in_and_keep_profile(supabase_app, supabase)
    for session in supabase.fake.sessions.values():
        session["revoked"] = True  # signed out elsewhere (another device, the dashboard)
    assert client.get("/").status_code == 302


def sign_in_and_keep_profile(app, supabase):
    supabase.fake.business["updated_at"] = "2026-11-01T00:00:00+00:00"
    client = app.test_client()
    sign_in(app, supabase, client)
    assert client.get("/").status_code == 200  # the process now holds the business profile
    return client


def test_health_in_supabase_mode_asks_supabase_not_a_local_database(supabase, supabase_app):
    response = supabase_app.test_client().get("/health")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok", "database": "ok"})
    assert requests_to(supabase, "/auth/v1/health") and requests_to(supabase, "/rest/v1/")
    assert "portal_pool" not in supabase_app.extensions  # no local Postgres was ever opened


@pytest.mark.parametrize("route", ["/auth/v1/health", "/rest/v1/"])
def test_health_in_supabase_mode_reports_a_service_that_fails(supabase, supabase_app, route):
    supabase.fake.failures[route] = [(503, "unexpected_failure")]
    response = supabase_app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
    assert "answered 503" in response.get_json()["problem"]


def test_the_mode_is_chosen_once_when_the_app_is_made(supabase_app):
    from app.auth.session import get_backend
    from app.auth.supabase_backend import SupabaseAuth
    from app.data import get_data
    from app.data.supabase import SupabaseData

    assert supabase_app.config["PORTAL_MODE"] == "supabase"
    assert isinstance(get_data(supabase_app), SupabaseData)
    assert isinstance(get_backend(supabase_app), SupabaseAuth)
