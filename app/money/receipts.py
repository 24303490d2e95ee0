"""Receipts: every payment has one, as a page and a PDF; every refund has its own."""

from flask import abort, render_template

from app.auth.session import call_as_client as call
from app.auth.session import login_required
from app.i18n import gettext as _
from app.money import bp
from app.pdf.receipts import receipt_pdf
from app.pdf.views import attachment


def refund_of(receipt: dict, refund_id) -> dict:
    """One of the payment's refunds; any other id is a 404."""
    for refund in receipt["refunds"]:
        if refund["id"] == str(refund_id):
            return refund
    abort(404)


@bp.get("/receipts/<uuid:payment_id>")
@login_required
def receipt(payment_id):
    """A payment's receipt."""
    return render_template("money/receipt.html",
                           receipt=call("payment_receipt", p_payment_id=str(payment_id)), refund=None)


@bp.get("/receipts/<uuid:payment_id>/pdf")
@login_required
def receipt_download(payment_id):
    """A payment's receipt as a PDF."""
    document = call("payment_receipt", p_payment_id=str(payment_id))
    return attachment(receipt_pdf(document, call("business_profile")),
                      _("Receipt") + f"-{document['receipt_number']}.pdf")


@bp.get("/receipts/<uuid:payment_id>/refunds/<uuid:refund_id>")
@login_required
def refund(payment_id, refund_id):
    """The document of one refund of a payment."""
    document = call("payment_receipt", p_payment_id=str(payment_id))
    return render_template("money/receipt.html", receipt=document, refund=refund_of(document, refund_id))


@bp.get("/receipts/<uuid:payment_id>/refunds/<uuid:refund_id>/pdf")
@login_required
def refund_download(payment_id, refund_id):
    """The document of one refund, as a PDF."""
    document = call("payment_receipt", p_payment_id=str(payment_id))
    chosen = refund_of(document, refund_id)
    return attachment(receipt_pdf(document, call("business_profile"), chosen),
                      _("Refund") + f"-{chosen['refund_number']}.pdf")
