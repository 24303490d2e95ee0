"""Every portal page needs a session; every response carries the security headers; forms need
CSRF tokens; `next` only leads to local paths."""

import re

import pytest

from tests.signin import csrf_token, latest_link, press_sign_in, request_link, run_worker

# Blueprints whose every page needs a signed-in client.
SIGNED_IN_BLUEPRINTS = {"portal", "payments", "pdf", "booking"}


SAMPLE_ID = "00000000-0000-4000-8000-000000000000"


def portal_urls(app):
    """Every GET page of the signed-in blueprints, with a sample id for each parameter."""
    return [re.sub(r"<[^>]+>", SAMPLE_ID, rule.rule) for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] in SIGNED_IN_BLUEPRINTS and "GET" in rule.methods]


def test_every_portal_page_sends_a_signed_out_visitor_to_sign_in(app, client):
    urls = portal_urls(app)
    assert "/" in urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url


def test_security_headers_on_every_response(client):
    for url in ("/login", "/health", "/no-such-page"):
        headers = client.get(url).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert "Strict-Transport-Security" in client.get("/login", base_url="https://localhost").headers


def test_forms_without_a_csrf_token_are_refused(client, make_client):
    email, _ = make_client()
    response = client.post("/login", data={"email": email})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


@pytest.mark.parametrize("target,expected", [
    ("/?page=2", "/?page=2"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
])
def test_next_is_followed_only_to_local_paths(app, make_client, target, expected):
    email, _ = make_client()
    client = app.test_client()
    page = client.get("/login", query_string={"next": target})
    client.post("/login", query_string={"next": target},
                data={"email": email, "csrf_token": csrf_token(page.data)})
    path, _ = latest_link(app, email)
    assert press_sign_in(client, path).headers["Location"] == expected


def test_the_local_mailbox_lists_sent_links(app, client, make_client):
    email, _ = make_client()
    request_link(client, email)
    run_worker(app)
    page = client.get("/dev/mailbox").get_data(as_text=True)
    assert "Your sign-in link for" in page and email in page


def test_production_has_no_mailbox(database_url):
    from app import create_app

    production = create_app({"PORTAL_ENV": "production", "DATABASE_URL": database_url, "SECRET_KEY": "x"})
    assert production.test_client().get("/dev/mailbox").status_code == 404
