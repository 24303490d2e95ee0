import re
import uuid

import stripe
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from app.auth.session import call_as_client, call_as_service_then_client, call_together, login_required
from app.data import Conflict, NotFound, PermissionDenied
from app.errors import render_error
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.payments import bp, gateway
from app.payments.checkout import open_checkout, retrieve_session


def payable_invoice(invoice_id):
    """The client's invoice, read under RLS (another client's is a 404), if it can be paid."""
    if not gateway.payments_enabled(current_app.config):
        abort(404)
    try:
        # One request: another client's invoice is a 404 before the role is asked.
        invoice, _allowed = call_together(("portal_invoice", {"p_invoice_id": str(invoice_id)}),
                                          ("check_role_for", {"p_action": "pay"}))
    except PermissionDenied:
        flash(_("Your role in this account cannot pay invoices. "
                "Ask your account's owner or billing contact."), "error")
        return None, redirect(url_for("portal.invoice", invoice_id=invoice_id), 303)
    if invoice["state"] in ("paid", "void") or invoice["amount_due"] <= 0:
        flash(_("Invoice %(number)s has nothing to pay.", number=invoice["number"]), "info")
        return invoice, redirect(url_for("portal.invoice", invoice_id=invoice_id), 303)
    return invoice, None


@bp.get("/invoices/<uuid:invoice_id>/pay")
@login_required
def review(invoice_id):
    """Review the invoice and the amount before going to Stripe."""
    invoice, refused = payable_invoice(invoice_id)
    return refused or render_template("payments/review.html", invoice=invoice, form=FlaskForm())


@bp.post("/invoices/<uuid:invoice_id>/pay")
@login_required
def start(invoice_id):
    """Proceed to Payment: a Checkout Session for the amount due now, then off to Stripe."""
    _, refused = payable_invoice(invoice_id)
    if refused:
        return refused
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        return redirect(open_checkout(str(invoice_id)), 303)
    except Conflict as error:
        flash(error.message, "error")
    except stripe.StripeError:
        current_app.logger.exception("opening a checkout session failed")
        flash(_("Online payment is unavailable right now. Please try again in a few minutes."), "error")
    return redirect(url_for("portal.invoice", invoice_id=invoice_id), 303)


UNKNOWN_PAYMENT = _l("We could not find that payment. If you have just paid, the payment will show on "
                     "your invoice within a few minutes; you are never charged twice.")
INCOMPLETE_LINK = _l("That link does not say which invoice it is about. Nothing was charged: open the "
                     "invoice from your invoices list to pay it.")
SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]{1,250}")


@bp.get("/payments/success")
@login_required
def success():
    """Back from Stripe: confirm at once, recording the payment if Stripe says it is paid."""
    session_id = request.args.get("session_id", "")
    if not SESSION_ID.fullmatch(session_id):
        return render_error(404, UNKNOWN_PAYMENT)
    # At most two database round trips: the session check with the stored session (and its
    # invoice), then, when Stripe says paid, the recording and the re-read together.
    read = ("portal_checkout_session", {"p_session_id": session_id})
    try:
        # The session as the portal stored it decides the invoice (RLS: only the client's own).
        stored = call_as_client(read[0], **read[1])
        session = retrieve_session(session_id, stored["stripe_account"])
    except (NotFound, stripe.InvalidRequestError):
        return render_error(404, UNKNOWN_PAYMENT)
    payment = None
    if session["payment_status"] == "paid":
        payment, (stored,) = call_as_service_then_client(
            ("record_checkout_payment", {"p_session": session}), read)
    return render_template("payments/success.html", session=session, stored=stored,
                           invoice=stored["invoice"], payment=payment)


@bp.get("/payments/cancelled")
@login_required
def cancelled():
    """Back from Stripe without paying: nothing was charged."""
    try:
        invoice_id = str(uuid.UUID(request.args.get("invoice_id", "")))
    except ValueError:
        return render_error(400, INCOMPLETE_LINK)
    invoice = call_as_client("portal_invoice", p_invoice_id=invoice_id)
    flash(_("Payment cancelled: nothing was charged. You can pay whenever you are ready."), "info")
    return redirect(url_for("portal.invoice", invoice_id=invoice["id"]), 303)
