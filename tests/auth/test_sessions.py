"""Sessions: timeouts, sign-out, access removed mid-session, and the JWTs behind them."""

import time
from datetime import timedelta

import jwt
import psycopg
import pytest
import time_machine

from app.auth.jwt_tokens import issue_access_token, verify_access_token
from tests.signin import csrf_token, sign_in

SECRET = "test-jwt-secret-of-at-least-32-bytes"


def set_access(app, email, **columns):
    with psycopg.connect(app.config["DATABASE_URL"], autocommit=True) as conn:
        for column, value in columns.items():
            conn.execute(f"update public.clients set {column} = %s where email = %s", (value, email))


def test_the_session_cookie_is_httponly_and_lax(app, client, make_client):
    email, _ = make_client()
    response = sign_in(app, client, email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_an_idle_session_ends_with_a_message(app, client, make_client):
    email, _ = make_client()
    sign_in(app, client, email)
    with time_machine.travel(timedelta(minutes=20)):
        assert client.get("/").status_code == 200
    with time_machine.travel(timedelta(minutes=20 + 31)):
        response = client.get("/")
        assert response.status_code == 302
        assert "signed out after a period of inactivity" in client.get("/login").get_data(as_text=True)


def test_a_session_ends_after_its_absolute_lifetime(app, client, make_client):
    email, _ = make_client()
    sign_in(app, client, email)
    for minutes in range(25, 8 * 60, 25):  # active all along
        with time_machine.travel(timedelta(minutes=minutes)):
            assert client.get("/").status_code == 200
    with time_machine.travel(timedelta(hours=8, seconds=1)):
        assert client.get("/").status_code == 302


def test_sign_out_revokes_the_session_on_the_server(app, client, make_client):
    email, _ = make_client()
    sign_in(app, client, email)
    with client.session_transaction() as session:
        stolen = dict(session)
    page = client.get("/")
    response = client.post("/logout", data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 303
    assert "You have been signed out." in client.get("/login").get_data(as_text=True)
    replay = app.test_client()
    with replay.session_transaction() as session:
        session.update(stolen)
    assert replay.get("/").status_code == 302


@pytest.mark.parametrize("change", [{"portal_access": False}, {"archived": True}])
def test_removing_access_ends_the_session_at_the_next_request(app, client, make_client, change):
    email, _ = make_client()
    sign_in(app, client, email)
    assert client.get("/").status_code == 200
    set_access(app, email, **change)
    assert client.get("/").status_code == 302
    assert "no longer enabled" in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("change", ["email", "client", "email's case"])
def test_a_contact_readdressed_or_moved_is_signed_out_at_the_next_request(app, client, make_client,
                                                                           change):
    """An administrator changes the client's email (its owner contact's moves along), or moves
    the person's contact to another client: the session signed in as that contact ends at the
    next request, although the page was kept (the session check reads the kept page's version
    for the session's own client). The same email in other letter case is the same person."""
    email, client_id = make_client()
    _, other_client = make_client()
    sign_in(app, client, email)
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200  # kept now
    contact = " where lower(email) = lower(%(email)s)"
    change_to, put_back = {
        "email": ("update public.clients set email = %(new)s where id = %(client)s", None),
        "client": ("update public.contacts set client_id = %(other)s" + contact,
                   "update public.contacts set client_id = %(client)s" + contact),
        "email's case": ("update public.contacts set email = upper(email)" + contact,
                         "update public.contacts set email = %(email)s" + contact),
    }[change]
    values = {"new": "moved-" + email, "client": client_id, "other": other_client, "email": email}
    with psycopg.connect(app.config["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(change_to, values)
        try:
            if change == "email's case":
                assert client.get("/").status_code == 200
                return
            assert client.get("/").status_code == 302
            assert "Your session has ended" in client.get("/login").get_data(as_text=True)
        finally:
            if put_back:  # every client keeps its owner contact (supabase/tests/093_contacts.sql)
                conn.execute(put_back, values)


def forged(app, client, token):
    with client.session_transaction() as session:
        session["auth"] = {"mode": "postgres", "access_token": token}
    return client.get("/")


@pytest.mark.parametrize("make_token", [
    lambda claims: jwt.encode(claims, "not-the-secret-but-just-as-long-as-it", algorithm="HS256"),
    lambda claims: jwt.encode(claims, None, algorithm="none"),
    lambda claims: jwt.encode({**claims, "exp": int(time.time()) - 10}, SECRET, algorithm="HS256"),
    lambda claims: jwt.encode({**claims, "aud": "service"}, SECRET, algorithm="HS256"),
    lambda claims: jwt.encode({**claims, "role": "service_role"}, SECRET, algorithm="HS256"),
], ids=["wrong key", "alg none", "expired", "other audience", "other role"])
def test_tokens_that_are_not_ours_are_refused(app, client, make_client, make_token):
    email, client_id = make_client()
    sign_in(app, client, email)
    with client.session_transaction() as session:
        good = session["auth"]["access_token"]
    claims = verify_access_token(SECRET, good)
    assert forged(app, app.test_client(), good).status_code == 200
    assert forged(app, app.test_client(), make_token(claims)).status_code == 302


def test_issued_tokens_carry_the_claims_supabase_uses():
    token = issue_access_token("k" * 32, client_id="aaaaaaaa-0000-4000-8000-000000000001",
                               email="a@example.test", session_id="s1", lifetime_seconds=60)
    claims = verify_access_token("k" * 32, token)
    assert {"sub", "email", "role", "aud", "exp", "iat", "session_id"} <= claims.keys()
    # GoTrue's amr shape, showing an email one-time password: the database requires it.
    assert [entry["method"] for entry in claims["amr"]] == ["otp"]
    assert isinstance(claims["amr"][0]["timestamp"], int)
    assert (claims["role"], claims["aud"]) == ("authenticated", "authenticated")
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_a_remembered_token_still_expires(monkeypatch):
    """Verified tokens are remembered (each page skips PyJWT's parse), but not past their end."""
    token = issue_access_token("k" * 32, client_id="aaaaaaaa-0000-4000-8000-000000000001",
                               email="a@example.test", session_id="s1", lifetime_seconds=60)
    claims = verify_access_token("k" * 32, token)
    assert verify_access_token("k" * 32, token) == claims  # remembered
    verify_access_token("k" * 32, token)["email"] = "changed"  # callers get their own copy
    assert verify_access_token("k" * 32, token)["email"] == "a@example.test"
    with pytest.raises(jwt.InvalidSignatureError):
        verify_access_token("x" * 32, token)  # remembered under its key only
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 61)
    with pytest.raises(jwt.ExpiredSignatureError):
        verify_access_token("k" * 32, token)
