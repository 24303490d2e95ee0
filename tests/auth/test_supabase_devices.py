"""Signed-in devices in Supabase mode: GoTrue's sessions of the person, with the browser's user
agent (the portal forwards it when it verifies the link and refreshes the token); ending one
kills its refresh token and signs that browser out at its next request. The SQL behind the RPCs
runs against auth.sessions in supabase/tests/092_devices.sql."""

import re
from datetime import timedelta

import time_machine

from tests.auth.test_supabase_mode import refresh_is_refused, requests_to, sign_in, stored_session
from tests.signin import csrf_token

PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0"


def browser(app, user_agent):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def two_devices(app, supabase):
    laptop, phone = browser(app, LAPTOP), browser(app, PHONE)
    sign_in(app, supabase, laptop)
    sign_in(app, supabase, phone)
    return laptop, phone


def end(client, scope, session_id=""):
    page = client.get("/profile/devices")
    return client.post("/profile/devices/end", data={
        "scope": scope, "session_id": session_id, "csrf_token": csrf_token(page.data)})


def test_gotrue_records_the_browsers_user_agent_and_the_page_shows_it(supabase, supabase_app):
    laptop, _ = two_devices(supabase_app, supabase)
    verifies = requests_to(supabase, "/auth/v1/verify")
    assert [r.headers["user-agent"] for r in verifies] == [LAPTOP, PHONE]
    html = laptop.get("/profile/devices").get_data(as_text=True)
    assert "Firefox 131 on Windows" in html and "Mobile Safari 17 on iOS (iPhone)" in html
    assert html.index("This device") < html.index("Mobile Safari")


def test_a_refresh_keeps_the_browsers_user_agent(supabase, supabase_app):
    supabase_app.config["SESSION_IDLE_SECONDS"] = 2 * 3600
    laptop = browser(supabase_app, LAPTOP)
    sign_in(supabase_app, supabase, laptop)
    with time_machine.travel(timedelta(minutes=59, seconds=45)):
        assert laptop.get("/").status_code == 200
    (refresh,) = requests_to(supabase, "/auth/v1/token")
    assert refresh.headers["user-agent"] == LAPTOP


def test_ending_another_device_kills_its_refresh_token_and_signs_it_out(supabase, supabase_app):
    laptop, phone = two_devices(supabase_app, supabase)
    phone_refresh = stored_session(phone)["refresh_token"]
    assert phone.get("/").status_code == 200
    page = laptop.get("/profile/devices").get_data(as_text=True)
    ids = re.findall(r'name="session_id" value="([0-9a-f-]{36})"', page)
    assert end(laptop, "one", ids[1]).status_code == 303
    assert refresh_is_refused(supabase, phone_refresh)
    assert phone.get("/").status_code == 302  # at once, not when its access token expires
    assert laptop.get("/").status_code == 200


def test_signing_out_everywhere_in_supabase_mode(supabase, supabase_app):
    laptop, phone = two_devices(supabase_app, supabase)
    response = end(laptop, "all")
    assert response.status_code == 303 and "/login" in response.location
    assert (laptop.get("/").status_code, phone.get("/").status_code) == (302, 302)
    assert all(session["revoked"] for session in supabase.fake.sessions.values())


def test_a_removed_contact_is_signed_out_at_the_next_request(supabase, supabase_app):
    """Removing a contact deletes its GoTrue sessions (the trigger of supabase/migrations/
    20261129003600_company_contacts.sql, pinned in supabase/tests/093_contacts.sql); the browser
    still holding a valid access token is signed out at its next request, not at the token's
    expiry, and its refresh token obtains nothing."""
    colleague = browser(supabase_app, LAPTOP)
    sign_in(supabase_app, supabase, colleague)
    refresh_token = stored_session(colleague)["refresh_token"]
    assert colleague.get("/").status_code == 200
    for session in supabase.fake.sessions.values():
        session["revoked"] = True  # what deleting their auth.sessions rows does
    assert colleague.get("/").status_code == 302
    assert refresh_is_refused(supabase, refresh_token)
