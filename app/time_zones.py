"""The time zones a person can choose to see times in: the IANA zones people live in (no
aliases like "US/Eastern" or "Etc/GMT+5"), each named with its current UTC offset."""

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from app.formatting import utc_offset
from app.i18n import gettext as _

REGIONS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/",
           "Indian/", "Pacific/")


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    return (*sorted(zone for zone in available_timezones() if zone.startswith(REGIONS)), "UTC")


def zone_choices(business_zone: str) -> list[tuple[str, str]]:
    """The select's options: first "the business's time" (the default, stored as empty), then
    every zone, as "Europe/Paris (UTC+01:00)"."""
    now = datetime.now(UTC)
    return [("", _("The business's time zone (%(zone)s)", zone=business_zone))] + [
        (zone, f"{zone.replace('_', ' ')} ({utc_offset(now.astimezone(ZoneInfo(zone)))})")
        for zone in zone_names()]
