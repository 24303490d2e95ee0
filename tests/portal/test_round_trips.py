"""Issue 12: a portal page costs one database round trip in Postgres mode (the session check,
the business profile's version and the page's data together), the process keeps the business
profile until settings change, and revocation still takes effect at the next request.

Round trips are counted on the wire (tests/round_trips.py)."""

import psycopg
import pytest

from tests.round_trips import counted_round_trips

ADA_INVOICE = "00000000-0000-4000-8001-000000000002"
ADA_QUOTE = "00000000-0000-4000-8002-000000000001"


PAGES = ["/", "/invoices", f"/invoices/{ADA_INVOICE}", "/quotes", f"/quotes/{ADA_QUOTE}",
         "/invoices?status=overdue", "/quotes?status=pending"]


@pytest.mark.parametrize("path", PAGES)
def test_a_portal_page_is_one_round_trip(signed_in, demo_app, path):
    client = signed_in()
    client.get(path)  # the process now holds the business profile
    with counted_round_trips(demo_app) as round_trips:
        page = client.get(path)
        assert page.status_code == 200
        assert round_trips() == 1


def test_the_business_profile_is_read_again_once_settings_change(signed_in, demo_app):
    client = signed_in()
    client.get("/")
    with psycopg.connect(demo_app.config["DATABASE_URL"], autocommit=True) as conn:
        name = conn.execute("select business_name from public.settings").fetchone()[0]
        conn.execute("update public.settings set business_name = 'Renamed & Co'")
    try:
        with counted_round_trips(demo_app) as round_trips:
            assert "Renamed &amp; Co" in client.get("/").get_data(as_text=True)
            assert round_trips() == 2  # the page, then the changed profile once
            assert "Renamed &amp; Co" in client.get("/invoices").get_data(as_text=True)
            assert round_trips() == 3  # kept again
    finally:
        with psycopg.connect(demo_app.config["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("update public.settings set business_name = %s", (name,))


@pytest.mark.parametrize("path", PAGES)
def test_a_revoked_session_is_refused_at_the_next_request(signed_in, demo_app, path):
    client = signed_in()
    assert client.get(path).status_code == 200
    with psycopg.connect(demo_app.config["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("update private.sessions set revoked_at = now()"
                     " where revoked_at is null and client_id = (select id from public.clients"
                     " where email = 'ada@example.com')")
    refused = client.get(path)
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert "session has ended" in client.get("/login").get_data(as_text=True)


def test_an_idle_session_ends_inside_the_page_call_and_stays_ended(signed_in, demo_app):
    client = signed_in()
    with psycopg.connect(demo_app.config["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("update private.sessions set last_seen_at = now() - interval '2 hours'"
                     " where revoked_at is null and client_id = (select id from public.clients"
                     " where email = 'ada@example.com')")
        refused = client.get(f"/invoices/{ADA_INVOICE}")
        assert refused.status_code == 302 and "/login" in refused.headers["Location"]
        # The idle end was written, not rolled back with the page's (withheld) call.
        assert conn.execute("select count(*) from private.sessions where revoked_at is null"
                            " and last_seen_at < now() - interval '1 hour'").fetchone()[0] == 0
    assert "inactivity" in client.get("/login").get_data(as_text=True)
