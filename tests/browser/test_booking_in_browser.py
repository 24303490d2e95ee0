"""Booking in a real browser (Debian's chromium through Playwright), desktop and 375 px, with the
browser in Paris and the business in New York: pick a time with the keyboard, confirm with a
note, download the calendar file, cancel. Every page passes axe-core and never scrolls sideways."""

import psycopg
import pytest

from tests.browser.conftest import DESKTOP, MOBILE, screenshot
from tests.browser.test_portal_in_browser import (
    serious_violations,
    sideways_overflow,
    sign_in_through_the_mailbox,
)

EMAIL = "grace@example.com"


@pytest.fixture
def paris_page(browser, viewport, demo_server, demo_database_url):
    """A page whose browser says it is in Paris; what it booked is removed afterwards."""
    context = browser.new_context(viewport=DESKTOP if viewport == "desktop" else MOBILE,
                                  timezone_id="Europe/Paris", locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.context.demo_database_url = demo_database_url
    yield page
    context.close()
    with psycopg.connect(demo_database_url, autocommit=True) as conn:
        mine = ("select b.id from public.bookings b join public.clients c on c.id = b.client_id"
                " where c.email = %s")
        conn.execute(f"delete from public.activity where subject_id in ({mine})", (EMAIL,))
        conn.execute("delete from public.outbox where dedupe_key like 'booking_%%'"
                     " and client_id = (select id from public.clients where email = %s)", (EMAIL,))
        conn.execute(f"delete from public.bookings where id in ({mine})", (EMAIL,))


def check_page(page, name, viewport):
    assert serious_violations(page) == [], name
    assert sideways_overflow(page) <= 0, f"{name} scrolls sideways"
    screenshot(page, name, viewport)


@pytest.mark.browser
def test_pick_book_download_and_cancel(paris_page, demo_server, viewport, tmp_path):
    page, base = paris_page, demo_server["url"]
    sign_in_through_the_mailbox(page, base, EMAIL)

    page.goto(f"{base}/bookings")
    page.get_by_role("link", name="See available times").click()
    page.get_by_role("heading", name="Introductory call").wait_for()
    page.get_by_text("Your time zone is Europe/Paris").wait_for()
    assert "America/New_York" in page.locator("main").inner_text()
    first = page.locator(".slots a").first
    assert "your time)" in first.inner_text(), "the visitor's own time is shown next to the business's"
    check_page(page, "booking-slots", viewport)

    starts_at = first.locator("time").get_attribute("datetime")
    first.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Confirm your appointment").wait_for()
    check_page(page, "booking-confirm", viewport)
    page.get_by_label("Note for us (optional)").fill("Please call me on Teams.")
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_role("heading", name="You are booked").wait_for()
    check_page(page, "booking-confirmed", viewport)

    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    assert download.value.suggested_filename.startswith("appointment-")
    path = tmp_path / "appointment.ics"
    download.value.save_as(path)
    ics = path.read_bytes().decode()
    assert ics.startswith("BEGIN:VCALENDAR\r\n")
    assert f"\r\nDTSTART:{starts_at.replace('-', '').replace(':', '')}\r\n" in ics
    assert "Please call me on Teams." in ics

    page.get_by_role("main").get_by_role("link", name="Your appointments").click()
    page.get_by_role("heading", name="Your appointments").wait_for()
    check_page(page, "booking-appointments", viewport)
    page.get_by_role("link", name="Cancel the appointment on").first.click()
    page.get_by_role("heading", name="Cancel your appointment").wait_for()
    check_page(page, "booking-cancel", viewport)
    page.get_by_role("button", name="Cancel appointment").click()
    page.get_by_text("was cancelled.").wait_for()
    page.get_by_text("No upcoming appointments.").wait_for()
    with psycopg.connect(page.context.demo_database_url) as conn:
        status = conn.execute("select b.status::text from public.bookings b join public.clients c"
                              " on c.id = b.client_id where c.email = %s", (EMAIL,)).fetchall()
    assert status == [("cancelled",)]
