"""Booking times as the business's clock shows them, its zone always named.

The database hands out instants; these helpers turn them into what a page shows: the business's
date and time (Babel, so a day with a clock change is right) and the zone's abbreviation and
UTC offset at that very moment, which can differ from one day to the next. The formatters
themselves are app.formatting's, shared with every other page.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from app.formatting import clock, full_day, zone_label


def parse_instant(text: str | None) -> datetime | None:
    """An ISO 8601 instant from a URL; None unless it names its offset (a bare time is ambiguous)
    and exists in UTC too (9999-12-31T23:30-05:00 would be past the last year Python has)."""
    try:
        moment = datetime.fromisoformat(text or "")
        return moment if moment.tzinfo and moment.astimezone(UTC) else None
    except (ValueError, OverflowError):
        return None


def url_instant(moment: datetime) -> str:
    """The instant in UTC, as a URL carries it: 2026-11-25T14:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_day(moment: datetime, time_zone: str) -> date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


def day_label(day: date) -> str:
    return full_day(day)


def when(starts_at: str, ends_at: str, time_zone: str) -> dict:
    """An appointment's day, start and end times and zone, for pages."""
    start, end = datetime.fromisoformat(starts_at), datetime.fromisoformat(ends_at)
    return {"day": day_label(local_day(start, time_zone)), "start": clock(start, time_zone),
            "end": clock(end, time_zone), "zone": zone_label(start, time_zone),
            "starts_at": url_instant(start), "ends_at": url_instant(end)}


def slot_days(offer: dict) -> list[dict]:
    """available_slots' days, each slot with its clock time and zone. On a day the clocks change,
    one local time can come twice: each slot then names its zone (`mixed`)."""
    time_zone = offer["time_zone"]
    days = []
    for entry in offer["days"]:
        slots = []
        for slot in entry["slots"]:
            moment = datetime.fromisoformat(slot["starts_at"])
            slots.append({"starts_at": url_instant(moment), "clock": clock(moment, time_zone),
                          "zone": zone_label(moment, time_zone)})
        zones = list(dict.fromkeys(slot["zone"] for slot in slots))
        days.append({"date": entry["date"], "label": day_label(date.fromisoformat(entry["date"])),
                     "zones": zones, "mixed": len(zones) > 1, "slots": slots})
    return days
