"""Magic-link sign-in in Postgres mode, through the real pages and the local mailbox."""

import re
from datetime import timedelta

import psycopg
import pytest
import time_machine

from tests.signin import (
    csrf_token,
    emails_to,
    latest_link,
    press_sign_in,
    request_link,
    run_worker,
    sign_in,
)


def test_a_client_signs_in_with_the_emailed_link(app, client, make_client):
    email, _ = make_client(name="Ada Lovelace")
    response = request_link(client, email)
    assert response.status_code == 303 and response.headers["Location"] == "/login/sent"
    assert "a sign-in link is on its way" in client.get("/login/sent").get_data(as_text=True)

    path, code = latest_link(app, email)
    assert re.fullmatch(r"/auth/confirm\?token_hash=[\w-]{43}&type=email", path)
    assert len(code) == 6

    response = press_sign_in(client, path)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "Welcome, Ada Lovelace" in client.get("/").get_data(as_text=True)


def test_opening_the_link_never_signs_in_or_uses_it_up(app, client, make_client):
    email, _ = make_client()
    request_link(client, email)
    path, _ = latest_link(app, email)
    scanner = app.test_client()
    for _ in range(5):  # mail scanners and link previews open links before people do
        page = scanner.get(path)
        assert page.status_code == 200
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert scanner.get("/").status_code == 302
    assert press_sign_in(client, path).status_code == 303
    assert client.get("/").status_code == 200


def test_a_link_works_once(app, client, make_client):
    email, _ = make_client()
    sign_in(app, client, email)
    path, _ = latest_link(app, email)
    again = press_sign_in(app.test_client(), path)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)
    assert "Send a new link" in again.get_data(as_text=True)


def test_a_link_expires_after_24_hours(app, client, make_client):
    email, _ = make_client()
    request_link(client, email)
    path, _ = latest_link(app, email)
    with time_machine.travel(timedelta(hours=24, seconds=5)):
        response = press_sign_in(client, path)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # tampered
    lambda token: "x" * 43,                                           # unknown
    lambda token: "",                                                 # missing
])
def test_tampered_and_unknown_links_are_refused(app, client, make_client, mangle):
    email, _ = make_client()
    request_link(client, email)
    path, _ = latest_link(app, email)
    token = re.search(r"token_hash=([\w-]+)", path).group(1)
    response = press_sign_in(client, path.replace(token, mangle(token)))
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_a_new_link_voids_the_older_one(app, client, make_client):
    email, _ = make_client()
    request_link(client, email)
    first, _ = latest_link(app, email)
    with time_machine.travel(timedelta(seconds=61)):
        request_link(client, email)
        second, _ = latest_link(app, email)
        assert first != second
        assert "no longer valid" in press_sign_in(app.test_client(), first).get_data(as_text=True)
        assert press_sign_in(client, second).status_code == 303


def test_the_code_signs_in_on_another_device(app, client, make_client):
    email, _ = make_client()
    request_link(client, email)
    _, code = latest_link(app, email)
    page = client.get("/login/sent")
    response = client.post("/login/code", data={"code": code, "csrf_token": csrf_token(page.data)})
    assert response.status_code == 303
    assert client.get("/").status_code == 200


def test_five_wrong_codes_void_the_link(app, client, make_client):
    email, _ = make_client()
    request_link(client, email)
    path, code = latest_link(app, email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    token = csrf_token(client.get("/login/sent").data)
    answers = [client.post("/login/code", data={"code": wrong, "csrf_token": token}) for _ in range(5)]
    assert [a.status_code for a in answers] == [400] * 5
    assert all("That code does not work." in a.get_data(as_text=True) for a in answers)
    right = client.post("/login/code", data={"code": code, "csrf_token": token})
    assert right.status_code == 400
    assert "no longer valid" in press_sign_in(app.test_client(), path).get_data(as_text=True)


def test_a_refused_code_never_tells_whether_the_address_is_a_client(app, make_client):
    """A wrong code for a client's address, and any code for an address that has no link (a
    stranger's, or one without access), get one identical page: "N attempts left" or "no code
    for this address" would tell a stranger which addresses are clients'."""
    known, _ = make_client()
    without_access, _ = make_client(portal_access=False)
    unknown = "nobody-here@example.test"
    pages = []
    for n, email in enumerate((known, without_access, unknown)):
        client = app.test_client()
        request_link(client, email, ip=f"10.3.0.{n}")
        run_worker(app)
        token = csrf_token(client.get("/login/sent").data)
        answer = client.post("/login/code", data={"code": "000000", "csrf_token": token})
        text = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "TOKEN",
                      answer.get_data(as_text=True).replace(email, "ADDRESS"))
        pages.append((answer.status_code, text))
    assert pages[0][0] == 400 and "That code does not work." in pages[0][1]
    assert pages[1] == pages[0] and pages[2] == pages[0]


def test_every_address_gets_the_same_answer(app, make_client, database_url):
    enabled, _ = make_client()
    disabled, _ = make_client(portal_access=False)
    archived, _ = make_client(archived=True)
    unknown = "nobody-at-all@example.test"
    answers = []
    for n, email in enumerate((enabled, disabled, archived, unknown)):
        client = app.test_client()
        response = request_link(client, email, ip=f"10.1.0.{n}")
        page = client.get("/login/sent")
        # The page names the address typed and carries a per-session CSRF token; nothing else
        # may differ between them.
        text = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "TOKEN",
                      page.get_data(as_text=True).replace(email, "ADDRESS"))
        answers.append((response.status_code, response.headers["Location"], page.status_code, text))
    assert all(answer == answers[0] for answer in answers)
    run_worker(app)
    assert [bool(emails_to(app, e)) for e in (enabled, disabled, archived, unknown)] == [
        True, False, False, False]


def test_bad_email_input_gets_a_clear_message(client):
    page = client.get("/login")
    response = client.post("/login", data={"email": "not an address", "csrf_token": csrf_token(page.data)})
    assert response.status_code == 400
    assert "Enter an email address like name@example.com." in response.get_data(as_text=True)


def test_link_requests_are_limited_per_address_and_per_ip(app, make_client):
    email, _ = make_client()
    client = app.test_client()
    assert request_link(client, email, ip="10.2.0.1").status_code == 303
    again = request_link(client, email, ip="10.2.0.1")
    assert again.status_code == 429
    assert again.headers["Retry-After"] == "60"
    assert "Please wait a moment" in again.get_data(as_text=True)
    statuses = [request_link(client, f"someone{n}@example.test", ip="10.2.0.2").status_code
                for n in range(31)]
    assert statuses == [303] * 30 + [429]


def test_twenty_simultaneous_presses_of_one_link_open_one_session(app, live_server, make_client):
    import threading

    import httpx

    email, client_id = make_client()
    request_link(app.test_client(), email)
    path, _ = latest_link(app, email)
    browsers = [httpx.Client(base_url=live_server) for _ in range(20)]
    forms = []
    for browser in browsers:
        page = browser.get(path).text
        token = re.search(r'name="token_hash" type="hidden" value="([^"]*)"', page).group(1)
        forms.append({"token_hash": token, "csrf_token": csrf_token(page)})
    start, results = threading.Barrier(20), []

    def press(browser, form):
        start.wait()
        results.append(browser.post("/auth/confirm", data=form).status_code)

    threads = [threading.Thread(target=press, args=pair) for pair in zip(browsers, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [303] + [400] * 19
    with psycopg.connect(app.config["DATABASE_URL"]) as conn:
        sessions = conn.execute("select count(*) from private.sessions where client_id = %s",
                                (client_id,)).fetchone()[0]
    assert sessions == 1
