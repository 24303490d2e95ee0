"""The account activity feed in the reader's language. The database writes each entry's summary
in English when the event happens (it has no reader yet); here the known kinds are written again
from the same facts, read back out of that summary. A summary in an unknown shape is shown as
the database wrote it."""

import re

from app.i18n import gettext as _

# kind: (the database's English sentence, as a pattern; the translated sentence)
SUMMARIES = {
    "invoice_sent": (r"Invoice (?P<number>.+) was sent", lambda f: _("Invoice %(number)s was sent", **f)),
    "payment_received": (r"Payment received for invoice (?P<number>.+)",
                         lambda f: _("Payment received for invoice %(number)s", **f)),
    "payment_refunded": (r"Refund issued for invoice (?P<number>.+)",
                         lambda f: _("Refund issued for invoice %(number)s", **f)),
    "payment_flagged": (r"A payment for invoice (?P<number>.+) needs review \((?P<reason>.*)\)",
                        lambda f: _("A payment for invoice %(number)s needs review", number=f["number"])),
    "quote_sent": (r"Quote (?P<number>.+) was sent", lambda f: _("Quote %(number)s was sent", **f)),
    "quote_accepted": (r"Quote (?P<number>.+?) was accepted by (?P<name>.*)",
                       lambda f: _("Quote %(number)s was accepted by %(name)s", **f)),
    "quote_rejected": (r"Quote (?P<number>.+) was rejected",
                       lambda f: _("Quote %(number)s was rejected", **f)),
    "contact_updated": (r"Contact details were updated", lambda f: _("Contact details were updated")),
    "booking_made": (r"Appointment booked: (?P<title>.+)", lambda f: _("Appointment booked: %(title)s", **f)),
    "booking_cancelled": (r"Appointment cancelled: (?P<title>.+)",
                          lambda f: _("Appointment cancelled: %(title)s", **f)),
}


def activity_summary(entry: dict) -> str:
    summary = entry.get("summary") or ""
    known = SUMMARIES.get(entry.get("kind"))
    found = known and re.fullmatch(known[0], summary)
    return known[1](found.groupdict()) if found else summary


def init_app(app) -> None:
    app.add_template_filter(activity_summary)
