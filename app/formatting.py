"""Jinja filters: money per currency and locale (Babel), dates and times in the business's time
zone (or the person's own). The one place that writes a time for people: every time it writes
names its zone (pages, PDFs, emails and booking pages use these).

Everything is written for the language of the moment (app.i18n.current(): the request's,
or the recipient's under force_locale in the worker); English is written as in the US. Results
are memoised per locale."""

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import NumberFormatError, format_currency, get_currency_precision, parse_decimal
from markupsafe import Markup, escape

from app.i18n import current
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l

URL = re.compile(r"(https?://[^\s<>\"']+)")
STATE_LABELS = {"partially_paid": _l("Partly paid"), "unpaid": _l("Unpaid"), "paid": _l("Paid"),
                "overdue": _l("Overdue"), "void": _l("Void"), "pending": _l("Pending"),
                "accepted": _l("Accepted"), "rejected": _l("Rejected"), "expired": _l("Expired"),
                # Appointments
                "confirmed": _l("Confirmed"), "cancelled": _l("Cancelled"), "past": _l("Past")}

PAYMENT_METHODS = {"card": _l("Card"), "bank_transfer": _l("Bank transfer"), "cash": _l("Cash"),
                   "cheque": _l("Cheque"), "other": _l("Other")}
PAYMENT_STATUSES = {"pending": _l("Pending"), "succeeded": _l("Succeeded"), "failed": _l("Failed"),
                    "refunded": _l("Refunded"), "partially_refunded": _l("Partially refunded")}


@lru_cache(maxsize=16)
def parsed_locale(name: str) -> Locale:
    """Parsed once per language: Babel re-parses a locale given by name on every call. English
    is written as in the US ($1,234.50, Nov 24, 2026)."""
    return Locale.parse("en_US" if name == "en" else name)


def language() -> str:
    """The language to write in now: the request's (or force_locale's), English outside the app."""
    return current()[0]


def current_locale() -> Locale:
    return parsed_locale(language())


def date_pattern(locale: Locale) -> str:
    return "MMM d, y" if locale.language == "en" else locale.date_formats["medium"].pattern


def time_pattern(locale: Locale) -> str:
    # English keeps a plain space before AM/PM (CLDR's narrow no-break space confuses mail clients).
    return "h:mm a" if locale.language == "en" else locale.time_formats["short"].pattern


@lru_cache(maxsize=64)
def _digits(currency: str) -> int:
    return get_currency_precision(currency)


# Pure functions of their arguments, and Babel is slow: the same amounts and dates recur on
# every page a client opens, so results are memoised.
def money(minor_units, currency: str) -> str:
    """Integer minor units (cents, yen...) as the currency is written: $1,234.50, ¥1,235, and in
    French 1 234,50 $US."""
    return _money(minor_units, currency, language())


@lru_cache(maxsize=8192)
def _money(minor_units, currency: str, language_name: str) -> str:
    return format_currency(Decimal(int(minor_units or 0)).scaleb(-_digits(currency)), currency,
                           locale=parsed_locale(language_name))


def plain_amount(minor_units, currency: str) -> str:
    """Minor units as a plain decimal for spreadsheets: 123450 USD is 1234.50, ¥1235 is 1235."""
    return str(Decimal(int(minor_units or 0)).scaleb(-_digits(currency)))


# How the pay form prefills an amount (plain_amount), whatever the language.
PLAIN_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")


def parse_amount(text: str) -> Decimal:
    """An amount a person typed, read in their language: "150,50" is 150.50 in French and
    German, "1,500" is 1500 in English; spaces between digit groups are fine. An ambiguous or
    malformed amount ("150,50" in English) raises ValueError rather than be guessed."""
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    try:
        return parse_decimal(text, locale=current_locale(), strict=True)
    except NumberFormatError:
        if PLAIN_AMOUNT.fullmatch(text):
            return Decimal(text)
        raise ValueError(f"not an amount: {text!r}") from None


# Stripe's card brand codes (payment_method_details.card.brand) as people write them.
CARD_BRANDS = {"amex": "American Express", "diners": "Diners Club", "discover": "Discover",
               "eftpos_au": "eftpos", "jcb": "JCB", "mastercard": "Mastercard", "unionpay": "UnionPay",
               "visa": "Visa", "cartes_bancaires": "Cartes Bancaires", "interac": "Interac"}


def card_label(brand: str | None, last4: str | None = None) -> str:
    """"Visa ending in 4242"; "Card" when Stripe has not told us which card yet."""
    if not brand:
        return _("Card ending in %(last4)s", last4=last4) if last4 else _("Card")
    name = CARD_BRANDS.get(brand, brand.replace("_", " ").title())
    return _("%(card)s ending in %(last4)s", card=name, last4=last4) if last4 else name


def payment_method(payment: dict) -> str:
    """How a payment was made: "Visa ending in 4242", "Bank transfer", "Cash"."""
    if payment.get("method") == "card":
        return card_label(payment.get("card_brand"), payment.get("card_last4"))
    return method_label(payment.get("method") or "other")


ZERO_TAX_NOTES = {
    "reverse_charge": _l("Reverse charge: no tax is charged; the recipient accounts for it."),
    "exempt": _l("Exempt from tax: no tax is charged."),
}


def zero_tax_note(reason: str | None) -> str:
    """What a document says when its tax is zero for a reason (reverse charge, exemption)."""
    return str(ZERO_TAX_NOTES.get(reason or "", ""))


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state.replace("_", " ").capitalize()))


def badge(state: str) -> Markup:
    """A document's or appointment's state as a coloured label: <span class="badge badge-paid">Paid</span>."""
    return _badge(state, language())


@lru_cache(maxsize=256)
def _badge(state: str, language_name: str) -> Markup:
    return Markup('<span class="badge badge-%s">%s</span>') % (state, state_label(state))


def method_label(method: str) -> str:
    return str(PAYMENT_METHODS.get(method, (method or "").replace("_", " ").capitalize()))


def payment_status_label(status: str) -> str:
    return str(PAYMENT_STATUSES.get(status, (status or "").replace("_", " ").capitalize()))


def day(value, time_zone: str = "UTC") -> str:
    """The date (in the given zone when it is an instant), medium length: Nov 24, 2026."""
    return _day(value, time_zone, language())


@lru_cache(maxsize=8192)
def _day(value, time_zone: str, language_name: str) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(time_zone)).date()
    locale = parsed_locale(language_name)
    return format_date(value, date_pattern(locale), locale=locale)


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
    """The time alone ("9:00 AM", "09:00"), for lists whose heading names the zone."""
    locale = current_locale()
    return format_datetime(moment, time_pattern(locale), tzinfo=ZoneInfo(time_zone), locale=locale)


def full_day(value: date) -> str:
    """A day with its weekday: "Wednesday, November 25, 2026", "mercredi 25 novembre 2026"."""
    return format_date(value, "full", locale=current_locale())


def moment(value, time_zone: str = "UTC") -> str:
    """A date and time with its zone: "Nov 24, 2026, 1:42 AM EST"."""
    return _moment(value, time_zone, language())


@lru_cache(maxsize=8192)
def _moment(value, time_zone: str, language_name: str) -> str:
    if value in (None, ""):
        return ""
    value, locale = _instant(value), parsed_locale(language_name)
    # The locale's own way of joining a date and a time ("{1}, {0}" in English, "{1} {0}" in French).
    pattern = str(locale.datetime_formats["medium"]).replace("{1}", date_pattern(locale)).replace(
        "{0}", time_pattern(locale))
    return (format_datetime(value, pattern, tzinfo=ZoneInfo(time_zone), locale=locale)
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
    app.add_template_filter(badge)
    app.add_template_filter(card_label)
    app.add_template_filter(payment_method)
    app.add_template_filter(zero_tax_note)
    app.add_template_filter(method_label)
    app.add_template_filter(payment_status_label)
