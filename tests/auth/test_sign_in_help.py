"""What a visitor reads while waiting for a link (issue 11, items 16 and 20): what to do when no
email arrives, shown plainly to every address alike with the business's contact details; and,
when a new link is asked for too soon, how many seconds remain, with the 6-digit code form."""

import re
from datetime import timedelta

import psycopg
import pytest
import time_machine

from tests.signin import csrf_token, latest_link, request_link, run_worker

HELP = [
    "No email after a few minutes?",
    "Check your spam or junk folder",
    "ask Northwind Studio to enable portal access for your address",
    '<a href="mailto:hello@northwind.example">hello@northwind.example</a> or +1 555 010 0000',
]


@pytest.fixture
def fresh_address(demo_app):
    """Forgets the demo addresses' recent requests: the per-address limit is a minute."""
    def forget(email):
        with psycopg.connect(demo_app.config["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("delete from private.login_requests where email = %s", (email,))
        return email
    return forget


def visible_text(html: str) -> str:
    """The page without anything folded away in a <details> element, spaces collapsed."""
    return " ".join(re.sub(r"<details.*?</details>", "", html, flags=re.S).split())


@pytest.mark.parametrize("email", ["ada@example.com", "alan@example.com", "stranger@example.com"])
def test_the_sent_page_says_plainly_what_to_do_when_no_email_arrives(demo_app, fresh_address, email):
    """A client with access, one without (alan) and a stranger read the same, unfolded help."""
    client = demo_app.test_client()
    request_link(client, fresh_address(email))
    page = visible_text(client.get("/login/sent").get_data(as_text=True))
    run_worker(demo_app)  # leaves no request behind for another test's worker round
    for sentence in HELP:
        assert sentence in page


@pytest.mark.parametrize("email", ["alan@example.com", "stranger@example.com"])
def test_the_code_form_does_not_send_a_visitor_round_in_circles(demo_app, fresh_address, email):
    """No link ever comes for these addresses: a code refused there says what to do next (ask the
    business, with its contact details) rather than only "request a new link"."""
    client = demo_app.test_client()
    request_link(client, fresh_address(email))
    token = csrf_token(client.get("/login/sent").data)
    refused = client.post("/login/code", data={"code": "123456", "csrf_token": token})
    page = visible_text(refused.get_data(as_text=True))
    assert refused.status_code == 400
    assert "request a new link" not in page.lower()
    for sentence in HELP:
        assert sentence in page


def test_asking_again_within_a_minute_says_how_long_and_offers_the_code(demo_app, fresh_address):
    client = demo_app.test_client()
    email = fresh_address("grace@example.com")
    assert request_link(client, email, ip="10.60.0.1").status_code == 303
    _, code = latest_link(demo_app, email)
    with time_machine.travel(timedelta(seconds=20)):
        again = request_link(client, email, ip="10.60.0.1")
        page = again.get_data(as_text=True)
        assert again.status_code == 429 and again.headers["Retry-After"] in ("40", "41")
        assert re.search(r"A new link can be sent in 4[01] seconds\.", page)
        assert 'action="/login/code"' in page and 'autocomplete="one-time-code"' in page
        signed_in = client.post("/login/code", data={"code": code, "csrf_token": csrf_token(page)})
        assert signed_in.status_code == 303
        assert client.get("/").status_code == 200
