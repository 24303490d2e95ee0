"""The .ics file, read the way RFC 5545 says a calendar reads it: CRLF lines of at most 75
octets, folded without splitting a character, text escaped, times in UTC."""

import re
from datetime import datetime, timedelta

import psycopg

from app.data import get_data
from tests.booking.conftest import identity

NOTE = ("Café, naïve; back\\slash — 日本語のメモ 🙂\r\nSecond line, with commas, semicolons; and more "
        "text so the line has to be folded several times over, in the middle of multi-byte letters: "
        "ééééééééééééééééééééééééééééééé 日本語日本語日本語日本語日本語日本語")


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_the_calendar_file_is_valid_icalendar(app, sign_in_new_client, make_link, database_url):
    slug = make_link()
    _, email, _ = sign_in_new_client("Zoë O'Brien")
    data = get_data(app)
    offer = data.call_as_client(identity(database_url, email), "available_slots", p_link_slug=slug)
    slot = offer["days"][-1]["slots"][0]
    booking = data.call_as_client(identity(database_url, email), "book_slot", p_link_slug=slug,
                                  p_starts_at=slot["starts_at"], p_note=NOTE)
    raw = booking["ics"].encode()

    assert raw.endswith(b"\r\n")
    physical = raw[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in physical), "only CRLF ends a line"
    assert max(len(line) for line in physical) <= 75
    for line in physical:
        line.decode("utf-8")  # a fold inside a character would make this raise
    assert sum(line.startswith(b" ") for line in physical) >= 3, "the long description was folded"

    lines = raw.decode().replace("\r\n ", "").split("\r\n")[:-1]
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines[-1] == "END:VCALENDAR"
    properties = dict(line.split(":", 1) for line in lines)
    assert properties["PRODID"] and properties["UID"] == f"{booking['id']}@client-portal"
    start = datetime.fromisoformat(slot["starts_at"])
    assert properties["DTSTART"] == start.strftime("%Y%m%dT%H%M%SZ")
    assert properties["DTEND"] == (start + timedelta(minutes=30)).strftime("%Y%m%dT%H%M%SZ")
    assert re.fullmatch(r"\d{8}T\d{6}Z", properties["DTSTAMP"])
    assert (properties["STATUS"], properties["SEQUENCE"]) == ("CONFIRMED", "0")
    assert unescape(properties["SUMMARY"]) == "Test call with Your business"
    assert unescape(properties["DESCRIPTION"]).startswith("Your note: " + NOTE.replace("\r\n", "\n") + "\n")
    assert not re.search(r"(?<!\\)[;,]", properties["DESCRIPTION"].replace("\\\\", "")), "; and , are escaped"

    with psycopg.connect(database_url) as conn:
        attached = conn.execute(
            "select attachments -> 0 ->> 'content' from public.outbox where dedupe_key = %s",
            (f"booking_confirmation:{booking['id']}",)).fetchone()[0]
    assert attached == booking["ics"]
