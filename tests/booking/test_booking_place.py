"""A booking link's place and meeting URL: validated by the database, copied onto each booking,
shown on the confirmation page, in the appointments list, in the email and in the .ics."""

import psycopg
import pytest

from app.emails import render_email
from tests.booking.test_booking_pages import ZONE, book, booking_rows, local, text

MEETING = "https://meet.example.com/room-42?pwd=a1,b2"
PLACE = "Studio 4, 12 Harbour Street; ring twice"


def unfolded(ics: str) -> dict:
    lines = ics.replace("\r\n ", "").split("\r\n")[:-1]
    return dict(line.split(":", 1) for line in lines)


@pytest.fixture
def video_link(business_zone, make_link):
    business_zone(ZONE)
    return make_link(opens="09:00", closes="12:00", horizon=30, location=PLACE, meeting_url=MEETING)


def test_the_place_and_meeting_link_reach_the_page_the_email_and_the_calendar(
        app, sign_in_new_client, video_link, database_url):
    browser, _, _ = sign_in_new_client("Vid Caller")
    done = book(browser, video_link, local(9, 30))
    [(booking_id, _, _)] = booking_rows(database_url, video_link)

    page = text(browser.get(done.headers["Location"]))
    assert "Studio 4, 12 Harbour Street; ring twice" in page
    assert f'<a href="{MEETING}"' in page
    assert f'href="{MEETING}"' in text(browser.get("/appointments"))

    ics = unfolded(text(browser.get(f"/bookings/{booking_id}.ics")))
    assert ics["LOCATION"] == "Studio 4\\, 12 Harbour Street\\; ring twice", "LOCATION is escaped text"
    assert ics["URL"] == MEETING, "URL is a URI, not escaped"
    assert "Join: https://meet.example.com/room-42?pwd=a1\\,b2" in ics["DESCRIPTION"]

    with psycopg.connect(database_url) as conn:
        kind, context = conn.execute("select kind, context from public.outbox where dedupe_key = %s",
                                     (f"booking_confirmation:{booking_id}",)).fetchone()
    body = render_email(app, kind, context).text  # as the worker renders it
    assert f"Where: {PLACE}\n" in body and f"Join the call: {MEETING}\n" in body


def test_a_booking_keeps_the_place_it_was_made_with(sign_in_new_client, video_link, database_url):
    browser, _, _ = sign_in_new_client()
    done = book(browser, video_link, local(10))
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.booking_links set meeting_url = 'https://meet.example.com/new'"
                     " where slug = %s", (video_link,))
    assert f'<a href="{MEETING}"' in text(browser.get(done.headers["Location"]))


def test_a_link_without_a_place_shows_none(sign_in_new_client, business_zone, make_link, database_url):
    business_zone(ZONE)
    slug = make_link(opens="09:00", closes="12:00", horizon=30)
    browser, _, _ = sign_in_new_client()
    done = book(browser, slug, local(11))
    [(booking_id, _, _)] = booking_rows(database_url, slug)
    page = text(browser.get(done.headers["Location"]))
    assert "Where" not in page and "Meeting link" not in page
    ics = unfolded(text(browser.get(f"/bookings/{booking_id}.ics")))
    assert "LOCATION" not in ics and "URL" not in ics


@pytest.mark.parametrize("column,value", [
    ("meeting_url", "http://meet.example.com/plain-http"),
    ("meeting_url", "javascript:alert(1)"),
    ("meeting_url", "https://meet.example.com/a room"),
    ("meeting_url", "https://meet.example.com/\r\nX-INJECTED:1"),
    ("meeting_url", "https://"),
    ("meeting_url", "https://example.com/" + "a" * 2000),
    ("location", "   "),
    ("location", "Line one\r\nLOCATION:elsewhere"),
])
def test_the_database_refuses_a_bad_place_or_meeting_url(database_url, column, value):
    with psycopg.connect(database_url) as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(f"insert into public.booking_links (slug, title, {column})"
                     " values ('bad-place', 'Bad', %s)", (value,))


def test_the_booking_links_page_says_where_and_that_the_call_link_comes_later(sign_in_new_client,
                                                                         video_link):
    browser, _, _ = sign_in_new_client()
    page = text(browser.get("/bookings"))
    assert f"30 minutes · {PLACE} · Video call: the link comes with your confirmation" in page
    assert MEETING not in page
