"""How booking pages write times: the business's clock and zone, right on days the clocks change."""

from datetime import datetime

import pytest

from app.booking.times import clock, parse_instant, slot_days, url_instant, when, zone_label


@pytest.mark.parametrize("instant,zone,label", [
    ("2026-01-15T14:00:00Z", "America/New_York", "EST, UTC−05:00"),
    ("2026-07-15T13:00:00Z", "America/New_York", "EDT, UTC−04:00"),
    ("2026-07-15T13:00:00Z", "Asia/Kathmandu", "UTC+05:45"),
    ("2026-07-15T13:00:00Z", "UTC", "UTC, UTC+00:00"),
])
def test_the_zone_is_named_with_its_offset_at_that_moment(instant, zone, label):
    assert zone_label(datetime.fromisoformat(instant), zone) == label


@pytest.mark.parametrize("text", [None, "", "9am", "2026-11-25T09:00:00", "9999-12-31T23:30:00-05:00"])
def test_a_time_without_its_offset_or_out_of_range_is_refused(text):
    assert parse_instant(text) is None


def test_an_instant_travels_in_urls_as_utc():
    moment = parse_instant("2026-11-25T09:00:00-05:00")
    assert url_instant(moment) == "2026-11-25T14:00:00Z"
    assert parse_instant(url_instant(moment)) == moment


def test_a_day_when_the_clocks_go_back_names_each_slots_zone():
    # 1 November 2026, New York: 01:00 EDT (05:00Z), then 01:00 EST (06:00Z) an hour later.
    offer = {"time_zone": "America/New_York", "days": [{"date": "2026-11-01", "slots": [
        {"starts_at": "2026-11-01T05:00:00+00:00", "ends_at": "2026-11-01T05:30:00+00:00"},
        {"starts_at": "2026-11-01T06:00:00+00:00", "ends_at": "2026-11-01T06:30:00+00:00"}]}]}
    [day] = slot_days(offer)
    assert day["label"] == "Sunday, November 1, 2026"
    assert [s["clock"] for s in day["slots"]] == ["1:00 AM", "1:00 AM"]
    assert day["mixed"] and day["zones"] == ["EDT, UTC−04:00", "EST, UTC−05:00"]


def test_an_ordinary_day_has_one_zone():
    offer = {"time_zone": "Europe/Paris", "days": [{"date": "2026-03-30", "slots": [
        {"starts_at": "2026-03-30T07:00:00Z", "ends_at": "2026-03-30T07:30:00Z"}]}]}
    [day] = slot_days(offer)
    assert not day["mixed"] and day["zones"] == ["CEST, UTC+02:00"]
    assert day["slots"][0]["clock"] == "9:00 AM"


def test_an_appointment_reads_in_the_business_zone():
    assert when("2026-03-29T07:00:00Z", "2026-03-29T07:45:00Z", "Europe/Paris") == {
        "day": "Sunday, March 29, 2026", "start": "9:00 AM", "end": "9:45 AM", "zone": "CEST, UTC+02:00",
        "starts_at": "2026-03-29T07:00:00Z", "ends_at": "2026-03-29T07:45:00Z"}
    assert clock(datetime.fromisoformat("2026-03-28T08:00:00Z"), "Europe/Paris") == "9:00 AM"
