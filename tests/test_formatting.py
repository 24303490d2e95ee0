"""app/formatting.py: money in each currency's own number of decimals, dates and times in the
business's time zone, always naming the zone."""

from datetime import UTC, date, datetime

import pytest

from app.formatting import card_label, clock, day, linkify, moment, money, state_label, zone_label


@pytest.mark.parametrize("minor_units,currency,shown", [
    (123456, "USD", "$1,234.56"),
    (1235, "JPY", "¥1,235"),           # zero-decimal: 1235 minor units are 1,235 yen
    (1234567, "KWD", "KWD1,234.567"),  # three decimals: fils
    (None, "EUR", "€0.00"),
    (-500, "USD", "-$5.00"),
])
def test_money_uses_each_currencys_decimals(minor_units, currency, shown):
    assert money(minor_units, currency) == shown


@pytest.mark.parametrize("value,zone,shown", [
    ("2026-11-24T03:00:00+00:00", "America/New_York", "Nov 23, 2026"),  # still the 23rd there
    ("2026-11-24T03:00:00+00:00", "Europe/Berlin", "Nov 24, 2026"),
    ("2026-11-24", "Pacific/Auckland", "Nov 24, 2026"),  # a date is a date in every zone
    (date(2026, 2, 1), "UTC", "Feb 1, 2026"),
    (None, "UTC", ""),
    ("", "UTC", ""),
])
def test_day_is_the_date_in_the_business_zone(value, zone, shown):
    assert day(value, zone) == shown


@pytest.mark.parametrize("value,zone,shown", [
    ("2026-11-24T06:42:00+00:00", "America/New_York", "Nov 24, 2026, 1:42 AM EST"),
    ("2026-07-01T12:00:00+00:00", "America/New_York", "Jul 1, 2026, 8:00 AM EDT"),  # summer time
    ("2026-07-01T12:00:00+00:00", "Asia/Dubai", "Jul 1, 2026, 4:00 PM UTC+04:00"),  # no abbreviation
    (datetime(2026, 1, 5, 9, 30, tzinfo=UTC), "UTC", "Jan 5, 2026, 9:30 AM UTC"),
    (None, "UTC", ""),
])
def test_moment_names_its_zone(value, zone, shown):
    assert moment(value, zone) == shown


def test_zone_labels_and_clock_times():
    winter = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
    assert zone_label(winter, "America/New_York") == "EST, UTC−05:00"
    assert zone_label(winter, "Asia/Dubai") == "UTC+04:00"
    assert clock(winter, "Europe/Berlin") == "3:00 PM"


def test_labels_for_cards_and_states():
    assert card_label("visa", "4242") == "Visa ending in 4242"
    assert card_label("amex") == "American Express"
    assert card_label(None) == "Card"
    assert card_label("new_brand", "1111") == "New Brand ending in 1111"
    assert state_label("partially_paid") == "Partly paid"
    assert state_label("in_review") == "In review"


def test_linkify_escapes_the_text_before_making_links():
    shown = str(linkify('see <b> http://x.test/a?b=1&c=2 "now"'))
    assert shown == ('see &lt;b&gt; <a href="http://x.test/a?b=1&amp;c=2">http://x.test/a?b=1&amp;c=2</a>'
                     ' &#34;now&#34;')
