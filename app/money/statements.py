"""The statement of account for a chosen period: a page, a PDF and a CSV."""

import csv
import io
from datetime import date

from flask import Response, render_template, request

from app.auth.session import call_as_client as call
from app.auth.session import login_required
from app.data import InvalidInput
from app.errors import render_error
from app.formatting import plain_amount
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.money import bp
from app.pdf.views import attachment, cached_pdf, plain_filename

BAD_DATE = _l("Dates are written like 2026-01-31. Nothing was changed: choose the period again.")
KIND_LABELS = {"invoice": _l("Invoice"), "payment": _l("Payment"), "refund": _l("Refund")}


class BadPeriod(Exception):
    pass


def chosen_day(name: str) -> str | None:
    """A date from the query string, or None when not given (the database's default)."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as error:
        raise BadPeriod(str(BAD_DATE)) from error


def statement_or_error():
    """The statement for the period asked, or the 400 page saying what is wrong with it."""
    try:
        return call("portal_statement", p_from=chosen_day("from"), p_to=chosen_day("to")), None
    except BadPeriod as error:
        return None, render_error(400, str(error))
    except InvalidInput as error:
        return None, render_error(400, error.message)


@bp.get("/statement")
@login_required
def statement():
    """Statement of account: per currency, opening balance, lines, closing balance, aging."""
    document, refused = statement_or_error()
    return refused or render_template("money/statement.html", statement=document, kinds=KIND_LABELS)


@bp.get("/statement/pdf")
@login_required
def statement_pdf():
    """The statement as a PDF."""
    document, refused = statement_or_error()
    if refused:
        return refused
    business = call("business_profile")
    data = {"statement": document, "client": call("portal_profile")["client"], "business": business,
            "kinds": KIND_LABELS}
    return attachment(cached_pdf("pdf/statement.html", data, business),
                      _("Statement") + f"-{document['from']}-{document['to']}.pdf")


@bp.get("/statement.csv")
@login_required
def statement_csv():
    """The statement as CSV, one line per movement, amounts as plain decimals."""
    document, refused = statement_or_error()
    if refused:
        return refused
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("currency"), _("date"), _("type"), _("reference"), _("invoice"), _("amount"),
                     _("balance")])
    for line in document["currencies"]:
        currency = line["currency"]
        writer.writerow([currency, document["from"], _("Opening balance"), "", "", "",
                         plain_amount(line["opening"], currency)])
        for entry in line["entries"]:
            writer.writerow([currency, entry["day"], str(KIND_LABELS[entry["kind"]]), entry["reference"],
                             entry["invoice_number"], plain_amount(entry["amount"], currency),
                             plain_amount(entry["balance"], currency)])
        writer.writerow([currency, document["to"], _("Closing balance"), "", "", "",
                         plain_amount(line["closing"], currency)])
    name = plain_filename(_("Statement") + f"-{document['from']}-{document['to']}.csv")
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
