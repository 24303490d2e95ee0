"""Signed-in devices in Postgres mode: the person sees their sessions and ends one, the others
or all; an ended device is signed out at its next request."""

import mailbox
import re

import psycopg

from app.portal.devices import describe
from tests.signin import csrf_token, sign_in

PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
LAPTOP = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0")


def browser(app, user_agent):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def two_devices(app, make_client):
    email, _ = make_client()
    laptop, phone = browser(app, LAPTOP), browser(app, PHONE)
    sign_in(app, laptop, email)
    forget_link_requests(app, email)
    sign_in(app, phone, email)
    return email, laptop, phone


def forget_link_requests(app, email):
    """One address may ask for a link once a minute; the second device asks at once. The used
    email goes too: emails of one second cannot be told apart by their Date."""
    mailbox.Maildir(app.config["MAILBOX_DIR"]).clear()
    with psycopg.connect(app.config["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("delete from private.login_requests where lower(email) = lower(%s)", (email,))


def session_ids(page: bytes) -> list[str]:
    return re.findall(r'name="session_id" value="([0-9a-f-]{36})"', page.decode())


def end(client, scope, session_id=""):
    page = client.get("/profile/devices")
    return client.post("/profile/devices/end", data={
        "scope": scope, "session_id": session_id, "csrf_token": csrf_token(page.data)})


def live_sessions(app, email):
    with psycopg.connect(app.config["DATABASE_URL"]) as conn:
        return conn.execute(
            "select count(*) from private.sessions s join public.clients c on c.id = s.client_id"
            " where c.email = %s and s.revoked_at is null", (email,)).fetchone()[0]


def test_user_agents_read_as_browser_and_device():
    assert describe(PHONE) == "Mobile Safari 17 on iOS (iPhone)"
    assert describe(LAPTOP) == "Firefox 131 on Windows"
    assert describe(None) == describe("") == "Unknown browser"


def test_the_person_sees_each_device_and_this_one_marked(app, make_client):
    _, laptop, _ = two_devices(app, make_client)
    page = laptop.get("/profile/devices")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Firefox 131 on Windows" in html and "Mobile Safari 17 on iOS (iPhone)" in html
    assert len(session_ids(page.data)) == 2
    # "This device" sits on the laptop's card, the one listed first.
    assert html.index("This device") < html.index("Mobile Safari")
    assert "Signed-in devices" in laptop.get("/profile").get_data(as_text=True)


def test_ending_another_device_signs_it_out_at_its_next_request(app, make_client):
    email, laptop, phone = two_devices(app, make_client)
    assert phone.get("/").status_code == 200
    phone_id = session_ids(laptop.get("/profile/devices").data)[1]
    response = end(laptop, "one", phone_id)
    assert response.status_code == 303 and response.location.endswith("/profile/devices")
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 200
    assert live_sessions(app, email) == 1


def test_signing_out_of_the_others_keeps_this_device(app, make_client):
    email, laptop, phone = two_devices(app, make_client)
    end(laptop, "others")
    assert (laptop.get("/").status_code, phone.get("/").status_code) == (200, 302)
    assert live_sessions(app, email) == 1


def test_signing_out_everywhere_ends_every_session_and_this_cookie(app, make_client):
    email, laptop, phone = two_devices(app, make_client)
    response = end(laptop, "all")
    assert response.status_code == 303 and "/login" in response.location
    assert "signed out everywhere" in laptop.get("/login").get_data(as_text=True)
    assert (laptop.get("/").status_code, phone.get("/").status_code) == (302, 302)
    assert live_sessions(app, email) == 0


def test_another_clients_session_cannot_be_ended(app, make_client):
    email, laptop, _ = two_devices(app, make_client)
    other_email, _ = make_client(name="Other")
    other = browser(app, PHONE)
    sign_in(app, other, other_email)
    other_id = session_ids(other.get("/profile/devices").data)[0]
    response = end(laptop, "one", other_id)
    assert response.status_code == 303
    assert "already signed out" in laptop.get("/profile/devices").get_data(as_text=True)
    assert other.get("/").status_code == 200
    assert live_sessions(app, other_email) == 1 and live_sessions(app, email) == 2


def test_a_bad_request_changes_nothing(app, make_client):
    email, laptop, _ = two_devices(app, make_client)
    for scope, session_id in [("everything", ""), ("one", ""), ("one", "not-a-uuid"), ("all", "x")]:
        response = end(laptop, scope, session_id)
        assert response.status_code == 303 and response.location.endswith("/profile/devices")
    assert "nothing was signed out" in laptop.get("/profile/devices").get_data(as_text=True)
    assert live_sessions(app, email) == 2


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/profile/devices").status_code == 302
    assert client.post("/profile/devices/end", data={"scope": "all"}).status_code in (302, 400)


def test_the_account_settings_page_shows_the_devices_and_ends_one(app, make_client):
    """Issue 15's done-when: the settings page shows and ends signed-in devices."""
    email, laptop, phone = two_devices(app, make_client)
    page = laptop.get("/account/settings")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Firefox 131 on Windows" in text and "Mobile Safari 17 on iOS (iPhone)" in text
    assert text.count("This device") == 1
    cards = text.split('<li class="card device">')[1:]
    (other,) = [session_ids(card.encode())[0] for card in cards if "This device" not in card]
    ended = laptop.post("/profile/devices/end", data={
        "scope": "one", "session_id": other, "csrf_token": csrf_token(page.data)})
    assert ended.status_code == 303
    assert live_sessions(app, email) == 1
    assert phone.get("/").status_code == 302, "the phone is signed out at its next request"
    assert laptop.get("/").status_code == 200
