"""Every time the portal shows names its zone, the business's: one formatter
(app.formatting) for pages, PDFs and booking pages; booking emails name it too."""

import re

import pytest

from app.formatting import moment, zone_label
from tests.pdf.pdftools import flat_text
from tests.pdf.test_downloads import download

ADA_PARTLY_PAID = "00000000-0000-4000-8001-000000000002"
ADA_ACCEPTED_QUOTE = "00000000-0000-4000-8002-000000000002"
# The demo business is in America/New_York.
TIME_WITH_ZONE = re.compile(r"\d{1,2}:\d{2}\s[AP]M (EST|EDT)")


@pytest.mark.parametrize("instant,zone,shown", [
    ("2026-11-24T06:42:00+00:00", "America/New_York", "Nov 24, 2026, 1:42 AM EST"),
    ("2026-07-04T06:42:00+00:00", "America/New_York", "Jul 4, 2026, 2:42 AM EDT"),
    ("2026-11-24T06:42:00+00:00", "Europe/Paris", "Nov 24, 2026, 7:42 AM CET"),
    # tzdata has no abbreviation for Dubai (it writes "+04"): the offset says it.
    ("2026-11-24T06:42:00+00:00", "Asia/Dubai", "Nov 24, 2026, 10:42 AM UTC+04:00"),
    ("2026-11-24T06:42:00+00:00", "UTC", "Nov 24, 2026, 6:42 AM UTC"),
])
def test_a_moment_names_its_zone(instant, zone, shown):
    assert moment(instant, zone) == shown


def test_booking_pages_and_other_pages_share_the_zone_formatter():
    from app.booking import times
    assert times.zone_label is zone_label


def times_shown(html: str) -> list[str]:
    return re.findall(r"<time[^>]*>([^<]+)</time>", html)


def test_activity_times_name_the_zone(signed_in):
    client = signed_in()
    for path in ("/", "/activity"):
        shown = times_shown(client.get(path).get_data(as_text=True))
        assert shown, path
        assert all(TIME_WITH_ZONE.search(text) for text in shown), (path, shown)


def test_payment_times_on_an_invoice_name_the_zone(signed_in):
    page = signed_in().get(f"/invoices/{ADA_PARTLY_PAID}").get_data(as_text=True)
    history = page[page.index("Payment history"):]
    assert TIME_WITH_ZONE.search(history)


def test_a_quote_decision_names_the_zone_on_the_page_and_in_the_pdf(signed_in):
    client = signed_in()
    page = client.get(f"/quotes/{ADA_ACCEPTED_QUOTE}").get_data(as_text=True)
    assert re.search(r"by Ada Lovelace on [^<]+ " + TIME_WITH_ZONE.pattern, page)
    text = flat_text(download(client, f"/quotes/{ADA_ACCEPTED_QUOTE}/pdf"))
    assert re.search(r"Accepted by Ada Lovelace on .+" + TIME_WITH_ZONE.pattern, text), text
