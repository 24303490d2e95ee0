"""Booking emails (issue 13): queued as a kind and a context, rendered by the one renderer; the
cancellation carries an iTIP CANCEL calendar file so calendars remove the event; the business
hears of bookings only when it asked to."""

import psycopg

from tests.booking.test_booking_pages import book, booking_rows, local
from tests.signin import csrf_token


def unfold(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")


def test_a_cancellation_removes_the_event_from_calendars(app, request, drain, settings,
                                                         sign_in_new_client, make_link, database_url):
    settings(contact_email="desk@business.example", notification_email="owner@business.example",
             notify_events=["booking_cancelled"])
    slug = make_link()
    browser, email, _ = sign_in_new_client("Cal Cancel")
    smtp = request.getfixturevalue("smtp")  # after signing in: the helpers read the local mailbox
    book(browser, slug, local(11))
    [(booking_id, _, _)] = booking_rows(database_url, slug)
    confirm = browser.get(f"/bookings/{booking_id}/cancel")
    browser.post(f"/bookings/{booking_id}/cancel", data={"csrf_token": csrf_token(confirm.data)})
    drain()
    booked, cancelled = smtp.to(email)
    assert booked["Subject"].startswith("Appointment booked")
    assert cancelled["Subject"].startswith("Appointment cancelled")
    assert cancelled.get_body(("html",)) is not None
    [ics] = list(cancelled.iter_attachments())
    assert ics.get_content_type() == "text/calendar" and ics.get_param("method") == "CANCEL"
    lines = unfold(ics.get_content() if isinstance(ics.get_content(), str) else ics.get_content().decode())
    assert "METHOD:CANCEL" in lines and "STATUS:CANCELLED" in lines and "SEQUENCE:1" in lines
    assert f"UID:{booking_id}@client-portal" in lines and "ORGANIZER:mailto:desk@business.example" in lines
    [(booked_ics,)] = [(a,) for a in booked.iter_attachments()]
    assert "METHOD:" not in str(booked_ics.get_content()), "the confirmation adds the event"
    [notice] = smtp.to("owner@business.example")
    assert "cancelled" in notice["Subject"] and "Cal Cancel" in notice.get_body(("plain",)).get_content()


def test_the_business_is_not_told_of_bookings_it_did_not_ask_about(app, request, drain, settings,
                                                                   sign_in_new_client, make_link):
    settings(notification_email="calm@business.example", notify_events=["quote_decided"])
    slug = make_link()
    browser, email, _ = sign_in_new_client("Cal Quiet")
    smtp = request.getfixturevalue("smtp")
    book(browser, slug, local(10))
    drain()
    assert len(smtp.to(email)) == 1
    assert smtp.to("calm@business.example") == []


def test_a_booking_email_is_rendered_from_templates_not_sql(sign_in_new_client, make_link, database_url):
    slug = make_link()
    browser, _, _ = sign_in_new_client()
    book(browser, slug, local(9))
    [(booking_id, _, _)] = booking_rows(database_url, slug)
    with psycopg.connect(database_url) as conn:
        row = conn.execute("select kind, subject, body_text, context ->> 'title' from public.outbox"
                           " where dedupe_key = %s", (f"booking_confirmation:{booking_id}",)).fetchone()
    assert row == ("booking_confirmation", None, None, "Test call")


def test_a_booking_reminder_goes_out_once_a_day_before(app, make_client, make_link, database_url):
    from app.data import get_data

    slug = make_link()
    _, client_id = make_client("Cal Remind")
    with psycopg.connect(database_url, autocommit=True) as conn:
        # Booked a week ago by an administrator, for 20 hours from now; and one booked just now.
        early, late = (conn.execute(
            "insert into public.bookings (booking_link_id, client_id, starts_at, created_at)"
            " select id, %s, date_trunc('minute', now()) + %s::interval, now() - %s::interval"
            " from public.booking_links where slug = %s returning id::text",
            (client_id, starts, booked, slug)).fetchone()[0]
            for starts, booked in (("20 hours", "7 days"), ("21 hours", "0 minutes")))
    for _ in range(2):
        get_data(app).call_as_service("queue_reminders")
    with psycopg.connect(database_url) as conn:
        keys = [r[0] for r in conn.execute("select dedupe_key from public.outbox"
                                           " where kind = 'booking_reminder' and client_id = %s",
                                           (client_id,))]
    assert keys == [f"booking_reminder:{early}"], f"once, and not for {late}, just confirmed"
