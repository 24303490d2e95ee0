"""The local Stripe double under a multi-worker server: gunicorn with three worker processes
serves the whole payment flow (open the session, the hosted page, Pay, the webhook, the
success page), each request landing on whichever worker, and every payment goes through."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.signin import csrf_token, sign_in

FLOWS = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(app, tmp_path):
    """The app under `gunicorn -w 3`, on the test database, with the test app's secrets (so a
    session cookie made by the test client is valid there)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": app.config["SECRET_KEY"],
           "JWT_SECRET": app.config["JWT_SECRET"], "PORTAL_BASE_URL": base, "DATABASE_POOL_SIZE": "4",
           "MAILBOX_DIR": app.config["MAILBOX_DIR"], "STRIPE_DOUBLE_DIR": str(tmp_path / "double")}
    env.pop("STRIPE_SECRET_KEY", None)
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as output:
        server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-w", "3",
                                   "-b", f"127.0.0.1:{port}", "--timeout", "30", "app:create_app()"],
                                  env=env, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, log.read_text()
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)


def pay_through_the_double(http: httpx.Client, invoice_id: str) -> str:
    """Pay Now → Proceed → the double's hosted page → Pay → the success page's text."""
    review = http.get(f"/invoices/{invoice_id}/pay")
    assert review.status_code == 200, review.text
    opened = http.post(f"/invoices/{invoice_id}/pay", data={"csrf_token": csrf_token(review.text)})
    assert opened.status_code == 303, opened.text
    hosted_url = opened.headers["location"]
    assert re.search(r"/_stripe/pay/cs_test_\w+$", hosted_url), hosted_url
    hosted = http.get(hosted_url)
    paid = http.post(hosted_url, data={"action": "pay", "csrf_token": csrf_token(hosted.text)})
    return http.get(paid.headers["location"]).text if paid.status_code == 303 else paid.text


def test_ten_of_ten_payments_succeed_under_three_gunicorn_workers(app, gunicorn, invoice_factory,
                                                                  database_url):
    import psycopg

    invoice = invoice_factory(amount=1000)
    invoice_ids = [invoice["invoice_id"]]
    with psycopg.connect(database_url, autocommit=True) as conn:
        for n in range(FLOWS - 1):  # more invoices of the same client: one sign-in serves all
            invoice_ids.append(str(conn.execute(
                "insert into public.invoices (client_id, number, status, due_date) values (%s, %s, 'sent',"
                " current_date + 10) returning id",
                (invoice["client_id"], f"W{n}-{invoice['invoice_id'][:8]}")
            ).fetchone()[0]))
            conn.execute("insert into public.invoice_items (invoice_id, description, unit_price)"
                         " values (%s, 'Work', 1000)", (invoice_ids[-1],))
    test_client = app.test_client()
    sign_in(app, test_client, invoice["email"])
    cookie = test_client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    with httpx.Client(base_url=gunicorn, timeout=20) as http:
        http.cookies.set(cookie.key, cookie.value, domain="127.0.0.1")  # replaced as the server renews it
        pages = [pay_through_the_double(http, invoice_id) for invoice_id in invoice_ids]
    assert sum("Payment received" in page for page in pages) == FLOWS
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select count(*) from public.payments where invoice_id = any(%s::uuid[])",
                            (invoice_ids,)).fetchone()[0] == FLOWS
