"""The booking pages as a signed-in client uses them: free times by day in the business's time
zone, the confirm step, the confirmation and its calendar file, a time taken meanwhile, the
appointments list and cancelling; another client's appointment stays out of reach."""

import re
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest

from app.booking.times import url_instant
from tests.signin import csrf_token

ZONE = "America/New_York"
TAKEN = "This time is no longer available. Please choose another."


def tomorrow():
    return datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=1)


def local(hour, minute=0, day=None):
    """A wall-clock time in the business's zone, as the instant a URL carries."""
    return url_instant(datetime.combine(day or tomorrow(), time(hour, minute), ZoneInfo(ZONE)))


def text(response):
    return response.get_data(as_text=True)


def book(browser, slug, starts_at, note=""):
    """The confirm step, then the confirmation: returns the POST's response."""
    form = browser.get(f"/bookings/{slug}/book?starts_at={starts_at}")
    assert form.status_code == 200, text(form)
    return browser.post(f"/bookings/{slug}/book?starts_at={starts_at}",
                        data={"note": note, "csrf_token": csrf_token(form.data)})


def booking_rows(database_url, slug):
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "select b.id::text, b.status::text, b.note from public.bookings b"
            " join public.booking_links l on l.id = b.booking_link_id where l.slug = %s order by b.starts_at",
            (slug,)).fetchall()


@pytest.fixture
def morning_link(business_zone, make_link):
    """Half-hour appointments, 09:00 to 12:00 New York time every day, 30 days ahead."""
    business_zone(ZONE)
    return make_link(opens="09:00", closes="12:00", horizon=30)


@pytest.mark.parametrize("path", [
    "/bookings/intro-call", f"/bookings/intro-call/book?starts_at={local(9)}",
    f"/bookings/confirmed/{uuid.uuid4()}", f"/bookings/{uuid.uuid4()}.ics",
    f"/bookings/{uuid.uuid4()}/cancel", "/appointments"])
def test_every_booking_page_asks_to_sign_in_first(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_free_times_are_listed_by_day_in_the_business_time_zone(sign_in_new_client, morning_link):
    browser, _, _ = sign_in_new_client()
    page = text(browser.get(f"/bookings/{morning_link}?from={tomorrow().isoformat()}"))
    assert "Times are in Your business's" in page and "<strong>America/New_York</strong>" in page
    assert re.search(r"\((EST|EDT), UTC−0[45]:00\)", page)
    first_day = page[page.index(f'id="day-{tomorrow().isoformat()}"'):]
    first_day = first_day[:first_day.index("</section>")]
    assert tomorrow().strftime("%A, %B %-d, %Y") in first_day
    assert re.findall(r"data-local>([^<]+)</time>", first_day) == [
        "9:00 AM", "9:30 AM", "10:00 AM", "10:30 AM", "11:00 AM", "11:30 AM"]
    assert f"starts_at={local(9)}" in first_day, "the 9:00 AM link carries 09:00 New York time, as UTC"
    assert "← Earlier times" in page and "Later times →" in page


def test_booking_a_time_confirms_it_and_offers_the_calendar_file(sign_in_new_client, morning_link,
                                                                  database_url):
    browser, email, _ = sign_in_new_client("Grace Booker")
    confirm = text(browser.get(f"/bookings/{morning_link}/book?starts_at={local(10, 30)}"))
    assert "Confirm your appointment" in confirm and "10:30 AM" in confirm and 'for="note"' in confirm

    done = book(browser, morning_link, local(10, 30), note="Please call me on my mobile.")
    assert done.status_code == 303
    [(booking_id, status, note)] = booking_rows(database_url, morning_link)
    assert done.headers["Location"] == f"/bookings/confirmed/{booking_id}"
    assert (status, note) == ("confirmed", "Please call me on my mobile.")

    page = text(browser.get(done.headers["Location"]))
    assert "You are booked" in page and "10:30 AM" in page and "Please call me on my mobile." in page
    download = browser.get(f"/bookings/{booking_id}.ics")
    assert download.mimetype == "text/calendar"
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="appointment-{tomorrow().isoformat()}.ics"')
    assert f"DTSTART:{local(10, 30).replace('-', '').replace(':', '')}" in text(download)
    with psycopg.connect(database_url) as conn:
        to_email, attachment = conn.execute(
            "select to_email, attachments -> 0 ->> 'content' from public.outbox where dedupe_key = %s",
            (f"booking_confirmation:{booking_id}",)).fetchone()
    assert to_email == email
    assert attachment == text(download), "the email carries the very file the page offers"


def test_a_time_taken_since_the_page_was_shown_gets_a_message_and_fresh_times(sign_in_new_client,
                                                                               morning_link, database_url):
    ada, _, _ = sign_in_new_client("Ada")
    grace, _, _ = sign_in_new_client("Grace")
    form = ada.get(f"/bookings/{morning_link}/book?starts_at={local(9)}")
    assert book(grace, morning_link, local(9)).status_code == 303

    late = ada.post(f"/bookings/{morning_link}/book?starts_at={local(9)}",
                    data={"note": "", "csrf_token": csrf_token(form.data)})
    assert late.status_code == 303
    assert late.headers["Location"] == f"/bookings/{morning_link}?from={tomorrow().isoformat()}"
    fresh = text(ada.get(late.headers["Location"]))
    assert TAKEN in fresh
    assert f"starts_at={local(9)}" not in fresh and f"starts_at={local(9, 30)}" in fresh
    assert len(booking_rows(database_url, morning_link)) == 1

    again = ada.get(f"/bookings/{morning_link}/book?starts_at={local(9)}")
    assert again.status_code == 303, "opening the confirm step of a taken time says so at once"
    assert TAKEN in text(ada.get(again.headers["Location"]))


@pytest.mark.parametrize("starts_at", ["", "tomorrow", "2030-01-01T09:00:00"])
def test_a_missing_or_ambiguous_time_is_not_found(sign_in_new_client, morning_link, starts_at):
    browser, _, _ = sign_in_new_client()
    assert browser.get(f"/bookings/{morning_link}/book?starts_at={starts_at}").status_code == 404


@pytest.mark.parametrize("start", ["someday", "9999-12-31"])
def test_a_bad_or_far_start_date_is_not_found(sign_in_new_client, morning_link, start):
    browser, _, _ = sign_in_new_client()
    assert browser.get(f"/bookings/{morning_link}?from={start}").status_code == 404


def test_unknown_links_are_not_found_and_external_ones_send_back(sign_in_new_client, make_link):
    browser, _, _ = sign_in_new_client()
    assert browser.get("/bookings/no-such-link").status_code == 404
    external = make_link(external_url="https://cal.example/meet")
    response = browser.get(f"/bookings/{external}")
    assert response.status_code == 303 and response.headers["Location"] == "/bookings"


def test_the_database_refuses_a_time_that_was_never_offered(sign_in_new_client, morning_link,
                                                           database_url):
    browser, _, _ = sign_in_new_client()
    page = browser.get(f"/bookings/{morning_link}")
    refused = browser.post(f"/bookings/{morning_link}/book?starts_at={local(9, 10)}",
                           data={"csrf_token": csrf_token(page.data)})
    assert refused.status_code == 303
    assert "That time is not one of the available times." in text(browser.get(refused.headers["Location"]))
    assert booking_rows(database_url, morning_link) == []


def test_a_note_too_long_is_refused_on_the_form(sign_in_new_client, morning_link, database_url):
    browser, _, _ = sign_in_new_client()
    response = book(browser, morning_link, local(11), note="x" * 1001)
    assert response.status_code == 400 and "At most 1000 characters." in text(response)
    assert booking_rows(database_url, morning_link) == []


def test_appointments_are_listed_and_an_upcoming_one_cancelled(sign_in_new_client, morning_link,
                                                              database_url):
    browser, _, _ = sign_in_new_client()
    book(browser, morning_link, local(11), note="Bring the plans")
    [(booking_id, _, _)] = booking_rows(database_url, morning_link)
    listing = text(browser.get("/appointments"))
    upcoming = listing[listing.index("Upcoming"):listing.index("Past and cancelled")]
    assert "Test call" in upcoming and "Bring the plans" in upcoming and "11:00 AM" in upcoming
    assert f'href="/bookings/{booking_id}/cancel"' in upcoming

    confirm = browser.get(f"/bookings/{booking_id}/cancel")
    assert "Cancel your appointment" in text(confirm)
    assert "The time will be offered to others." in text(confirm)
    done = browser.post(f"/bookings/{booking_id}/cancel", data={"csrf_token": csrf_token(confirm.data)})
    assert done.status_code == 303 and done.headers["Location"] == "/appointments"
    after = text(browser.get("/appointments"))
    assert "at 11:00 AM was cancelled." in after and "No upcoming appointments." in after
    assert "Cancelled</span>" in after[after.index("Past and cancelled"):]
    assert booking_rows(database_url, morning_link)[0][1] == "cancelled"
    assert f"starts_at={local(11)}" in text(browser.get(f"/bookings/{morning_link}?from={tomorrow()}"))


def test_an_appointment_inside_the_notice_cannot_be_cancelled_online(sign_in_new_client, business_zone,
                                                                    make_link, database_url):
    business_zone(ZONE)
    slug = make_link(notice=120)
    browser, _, client_id = sign_in_new_client()
    with psycopg.connect(database_url, autocommit=True) as conn:
        # An administrator's booking (the dashboard may place one anywhere) an hour from now.
        booking_id = conn.execute(
            "insert into public.bookings (booking_link_id, client_id, starts_at)"
            " select id, %s, date_trunc('minute', now()) + interval '1 hour' from public.booking_links"
            " where slug = %s returning id::text", (client_id, slug)).fetchone()[0]
    listing = browser.get("/appointments")
    assert "Too late to cancel online" in text(listing)
    assert "can no longer be cancelled online" in text(browser.get(f"/bookings/{booking_id}/cancel"))
    refused = browser.post(f"/bookings/{booking_id}/cancel", data={"csrf_token": csrf_token(listing.data)})
    assert refused.status_code == 303
    assert ("Appointments can be cancelled online up to 2 hours before they start."
            in text(browser.get(refused.headers["Location"])))
    assert booking_rows(database_url, slug)[0][1] == "confirmed"


def test_another_clients_appointment_is_out_of_reach(sign_in_new_client, morning_link, database_url):
    owner, _, _ = sign_in_new_client("Owner")
    book(owner, morning_link, local(9, 30), note="Owner's private note")
    [(booking_id, _, _)] = booking_rows(database_url, morning_link)
    other, _, _ = sign_in_new_client("Other")
    page = other.get("/appointments")
    assert "Owner's private note" not in text(page) and booking_id not in text(page)
    for path in (f"/bookings/confirmed/{booking_id}", f"/bookings/{booking_id}.ics",
                 f"/bookings/{booking_id}/cancel"):
        assert other.get(path).status_code == 404, path
    assert other.post(f"/bookings/{booking_id}/cancel",
                      data={"csrf_token": csrf_token(page.data)}).status_code == 404
    assert booking_rows(database_url, morning_link)[0][1] == "confirmed"
