"""Pay your way: the whole amount due or, when the business allows it, part of it; one invoice
or several of one currency in one Checkout, split oldest first or as the client chooses."""

from decimal import InvalidOperation

import stripe
from babel.numbers import get_currency_precision
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from app.auth.session import call_as_client as call
from app.auth.session import call_together, login_required
from app.data import InvalidInput, NotFound, PermissionDenied
from app.formatting import parse_amount, plain_amount
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.money import bp
from app.payments import gateway
from app.payments.plan_checkout import open_plan_checkout

BAD_AMOUNT = _l("Amounts are numbers like 150 or 150.00.")
CANNOT_PAY = _l("Your role in this account cannot pay invoices. Ask your account's owner or billing contact.")


def minor_units(text: str, currency: str) -> int | None:
    """"150.50" (or "150,50" in French) in the currency's minor units (15050); None when blank;
    InvalidInput when it is not an amount of that currency, or is ambiguous in the language."""
    if not text.strip():
        return None
    try:
        units = parse_amount(text).scaleb(get_currency_precision(currency))
    except (ValueError, InvalidOperation) as error:
        raise InvalidInput(str(BAD_AMOUNT)) from error
    if units != units.to_integral_value() or not 0 < units < 10**15:
        raise InvalidInput(str(BAD_AMOUNT))
    return int(units)


def deposit_payment_url(quote_id) -> str | None:
    """Where a client who has just accepted a quote pays its deposit (the pay page, the amount
    filled in), when the settings ask for one and online payment is on."""
    if not gateway.payments_enabled(current_app.config):
        return None
    try:
        # An approver accepts quotes but cannot pay: no pay page for them.
        quote, _allowed = call_together(("portal_quote", {"p_quote_id": str(quote_id)}),
                                        ("check_role_for", {"p_action": "pay"}))
    except PermissionDenied:
        return None
    invoice = quote.get("invoice") or {}
    if not invoice.get("deposit_due"):
        return None
    return url_for("money.pay", invoice=invoice["id"],
                   amount=plain_amount(invoice["deposit_due"], invoice["currency"]))


def unpaid_invoices() -> list[dict]:
    """The client's unpaid invoices, in the same request as the role check (PermissionDenied
    for a viewer or an approver; plan_payment refuses them too)."""
    listing, _allowed = call_together(
        ("portal_invoices", {"p_status": "unpaid", "p_page": 1, "p_page_size": 100}),
        ("check_role_for", {"p_action": "pay"}))
    return listing["invoices"]


def plan_from_form(invoices: list[dict]) -> dict:
    """What the form asks for, checked by the database (plan_payment)."""
    by_id = {invoice["id"]: invoice for invoice in invoices}
    chosen = [invoice_id for invoice_id in request.form.getlist("invoice") if invoice_id in by_id]
    if not chosen:
        raise InvalidInput(_("Choose at least one invoice to pay."))
    currency = by_id[chosen[0]]["currency"]
    if request.form.get("split") == "chosen":
        amounts = [minor_units(request.form.get(f"amount_{invoice_id}", ""), currency)
                   for invoice_id in chosen]
        if None in amounts:
            raise InvalidInput(_("Give an amount for each invoice chosen."))
        return call("plan_payment", p_invoice_ids=chosen, p_amounts=amounts)
    return call("plan_payment", p_invoice_ids=chosen,
                p_amount=minor_units(request.form.get("amount", ""), currency))


@bp.route("/pay", methods=["GET", "POST"])
@login_required
def pay():
    """Choose the invoices and the amount, then off to Stripe Checkout."""
    if not gateway.payments_enabled(current_app.config):
        abort(404)
    try:
        invoices = unpaid_invoices()
    except PermissionDenied:
        flash(str(CANNOT_PAY), "error")
        return redirect(url_for("portal.invoices"), 303)
    form, status = FlaskForm(), 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            return redirect(open_plan_checkout(plan_from_form(invoices)), 303)
        except (InvalidInput, NotFound) as error:
            flash(error.message, "error")
            status = 400
        except PermissionDenied:
            flash(str(CANNOT_PAY), "error")
            status = 403
        except stripe.StripeError:
            current_app.logger.exception("opening a checkout session failed")
            flash(_("Online payment is unavailable right now. Please try again in a few minutes."), "error")
            status = 503
    asked = request.form if request.method == "POST" else request.args
    chosen = set(asked.getlist("invoice"))
    currency = request.args.get("currency")
    if not chosen and currency:
        chosen = {invoice["id"] for invoice in invoices if invoice["currency"] == currency}
    return render_template("money/pay.html", invoices=invoices, chosen=chosen, form=form), status
