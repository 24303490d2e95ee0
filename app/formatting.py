"""Jinja filters: money per currency and locale (Babel), dates and times in the business's time
zone. The one place that writes a time for people: every time it writes names its zone (pages,
PDFs and booking pages use these; booking emails, written by the database, name it too)."""

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, get_currency_precision
from markupsafe import Markup, escape

# Parsed once: Babel re-parses a locale given by name on every call.
LOCALE = Locale.parse("en_US")
URL = re.compile(r"(https?://[^\s<>\"']+)")
STATE_LABELS = {"partially_paid": "Partly paid", "unpaid": "Unpaid", "paid": "Paid",
                "overdue": "Overdue", "void": "Void", "pending": "Pending", "accepted": "Accepted",
                "rejected": "Rejected", "expired": "Expired"}


@lru_cache(maxsize=64)
def _digits(currency: str) -> int:
    return get_currency_precision(currency)


# Pure functions of their arguments, and Babel is slow: the same amounts and dates recur on
# every page a client opens, so results are memoised.
@lru_cache(maxsize=8192)
def money(minor_units, currency: str) -> str:
    """Integer minor units (cents, yen...) as the currency is written: $1,234.50, ¥1,235."""
    return format_currency(Decimal(int(minor_units or 0)).scaleb(-_digits(currency)), currency,
                           locale=LOCALE)


def plain_amount(minor_units, currency: str) -> str:
    """Minor units as a plain decimal for spreadsheets: 123450 USD is 1234.50, ¥1235 is 1235."""
    return str(Decimal(int(minor_units or 0)).scaleb(-_digits(currency)))


# Stripe's card brand codes (payment_method_details.card.brand) as people write them.
CARD_BRANDS = {"amex": "American Express", "diners": "Diners Club", "discover": "Discover",
               "eftpos_au": "eftpos", "jcb": "JCB", "mastercard": "Mastercard", "unionpay": "UnionPay",
               "visa": "Visa", "cartes_bancaires": "Cartes Bancaires", "interac": "Interac"}


def card_label(brand: str | None, last4: str | None = None) -> str:
    """"Visa ending in 4242"; "Card" when Stripe has not told us which card yet."""
    name = CARD_BRANDS.get(brand or "", (brand or "card").replace("_", " ").title())
    return f"{name} ending in {last4}" if last4 else name


def payment_method(payment: dict) -> str:
    """How a payment was made: "Visa ending in 4242", "Bank transfer", "Cash"."""
    if payment.get("method") == "card":
        return card_label(payment.get("card_brand"), payment.get("card_last4"))
    return (payment.get("method") or "other").replace("_", " ").capitalize()


ZERO_TAX_NOTES = {
    "reverse_charge": "Reverse charge: no tax is charged; the recipient accounts for it.",
    "exempt": "Exempt from tax: no tax is charged.",
}


def zero_tax_note(reason: str | None) -> str:
    """What a document says when its tax is zero for a reason (reverse charge, exemption)."""
    return ZERO_TAX_NOTES.get(reason or "", "")


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state.replace("_", " ").capitalize())


@lru_cache(maxsize=8192)
def day(value, time_zone: str = "UTC") -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(time_zone)).date()
    return format_date(value, "medium", locale=LOCALE)


def _instant(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def zone_name(moment: datetime, time_zone: str) -> str:
    """The zone's abbreviation at that moment ("EST", "EDT", "CET"); tzdata has none for some
    zones (it writes "+04"), and those get their UTC offset ("UTC+04:00")."""
    local = moment.astimezone(ZoneInfo(time_zone))
    name = local.tzname() or ""
    return name if name[:1].isalpha() else utc_offset(local)


def utc_offset(local: datetime) -> str:
    offset = local.strftime("%z")
    return f"UTC{offset[0].replace('-', '−')}{offset[1:3]}:{offset[3:5]}"


def zone_label(moment: datetime, time_zone: str) -> str:
    """'EST, UTC−05:00'; zones without an abbreviation get the offset only: 'UTC+04:00'."""
    local = moment.astimezone(ZoneInfo(time_zone))
    name, offset = zone_name(moment, time_zone), utc_offset(local)
    return offset if name == offset else f"{name}, {offset}"


def clock(moment: datetime, time_zone: str) -> str:
    """The time alone ("9:00 AM"), for lists whose heading names the zone."""
    return format_datetime(moment, "h:mm a", tzinfo=ZoneInfo(time_zone), locale=LOCALE)


@lru_cache(maxsize=8192)
def moment(value, time_zone: str = "UTC") -> str:
    """A date and time with its zone: "Nov 24, 2026, 1:42 AM EST"."""
    if value in (None, ""):
        return ""
    value = _instant(value)
    return (format_datetime(value, "MMM d, y, h:mm a", tzinfo=ZoneInfo(time_zone), locale=LOCALE)
            + " " + zone_name(value, time_zone))


def linkify(text: str) -> Markup:
    """Escapes the text, then makes its URLs clickable (the local mailbox's links)."""
    return Markup(URL.sub(r'<a href="\1">\1</a>', str(escape(text))))


def init_app(app) -> None:
    app.add_template_filter(money)
    app.add_template_filter(day)
    app.add_template_filter(moment)
    app.add_template_filter(linkify)
    app.add_template_filter(state_label)
    app.add_template_filter(card_label)
    app.add_template_filter(payment_method)
    app.add_template_filter(zero_tax_note)
