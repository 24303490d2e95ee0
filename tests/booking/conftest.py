"""Booking fixtures: native links of their own on the session's test database (removed with
everything booked on them), and the business's time zone, set and restored per test."""

import uuid

import psycopg
import pytest

from app.data import ClientIdentity
from tests.identity import signed_in
from tests.mail_fixtures import drain, settings, smtp  # noqa: F401  (fixtures for the booking emails)


@pytest.fixture
def business_zone(database_url):
    """Sets settings.time_zone for one test, then puts back what was there."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        before = conn.execute("select time_zone from public.settings").fetchone()[0]

    def set_zone(name):
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("update public.settings set time_zone = %s", (name,))

    yield set_zone
    set_zone(before)


@pytest.fixture
def make_link(database_url):
    """Creates an active link (native, with the same weekly window every day, unless given an
    external URL); returns its slug."""
    created = []

    def make(duration=30, buffer=0, notice=0, horizon=7, opens="00:00", closes="24:00", external_url=None,
             location=None, meeting_url=None):
        slug = f"test-{uuid.uuid4().hex[:10]}"
        with psycopg.connect(database_url, autocommit=True) as conn:
            link_id = conn.execute(
                "insert into public.booking_links (slug, title, kind, external_url, duration_minutes,"
                " buffer_minutes, min_notice_minutes, horizon_days, location, meeting_url)"
                " values (%s, 'Test call', %s, %s, %s, %s, %s, %s, %s, %s) returning id",
                (slug, "external" if external_url else "native", external_url, duration, buffer, notice,
                 horizon, location, meeting_url)).fetchone()[0]
            if not external_url:
                conn.execute("insert into public.booking_availability (booking_link_id, weekday, starts_at,"
                             " ends_at) select %s, d, %s, %s from generate_series(1, 7) d",
                             (link_id, opens, closes))
        created.append(link_id)
        return slug

    yield make
    with psycopg.connect(database_url, autocommit=True) as conn:
        for link_id in created:
            conn.execute("delete from public.activity where subject_id in"
                         " (select id from public.bookings where booking_link_id = %s)", (link_id,))
            conn.execute("delete from public.outbox where dedupe_key in (select k || id from public.bookings,"
                         " unnest(array['booking_confirmation:', 'booking_cancellation:',"
                         " 'business_booking_confirmation:',"
                         " 'business_booking_cancellation:']) k"
                         " where booking_link_id = %s)", (link_id,))
            conn.execute("delete from public.bookings where booking_link_id = %s", (link_id,))
            conn.execute("delete from public.booking_links where id = %s", (link_id,))


def identity(database_url: str, email: str) -> ClientIdentity:
    """What the auth layer hands the data layer for a signed-in client (with a live session)."""
    return ClientIdentity("token", signed_in(database_url, email))


@pytest.fixture
def sign_in_new_client(app, make_client):
    """A test client signed in, through the real link, as a new client of its own. Each asks
    from its own address, so the per-IP sign-in limit never trips across the suite."""
    from tests.signin import latest_link, press_sign_in, request_link

    def sign_in(name="Booking Client"):
        email, client_id = make_client(name)
        browser = app.test_client()
        ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
        assert request_link(browser, email, ip).status_code == 303
        assert press_sign_in(browser, latest_link(app, email)[0]).status_code == 303
        return browser, email, client_id

    return sign_in
