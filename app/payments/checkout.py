"""Opening a Stripe Checkout Session for an invoice: one line, the amount due now, card
payments, the invoice and client ids in metadata, an expiry, an idempotency key, Connect."""

import json
import time

import stripe
from flask import current_app, url_for
from flask_babel import get_locale

from app.data import get_data
from app.i18n import gettext as _
from app.payments import gateway

SESSION_LIFETIME_SECONDS = 30 * 60  # Stripe's minimum: the shortest window two tabs can race in


def checkout_params(prepared: dict, config) -> dict:
    base = config["PORTAL_BASE_URL"].rstrip("/")
    ids = {"invoice_id": prepared["invoice_id"], "client_id": prepared["client_id"]}
    params = {
        "mode": "payment",
        "line_items": [{"quantity": 1, "price_data": {
            "currency": prepared["currency"].lower(), "unit_amount": prepared["amount_due"],
            "product_data": {"name": _("Invoice %(number)s", number=prepared["number"])}}}],
        "allowed_payment_method_types": ["card"],  # cards only: Visa, Mastercard, Amex, debit
        "customer_email": prepared["email"],
        "client_reference_id": prepared["invoice_id"],
        "metadata": ids,
        "payment_intent_data": {"metadata": ids},
        "success_url": base + url_for("payments.success") + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": base + url_for("payments.cancelled", invoice_id=prepared["invoice_id"]),
        "expires_at": int(time.time()) + SESSION_LIFETIME_SECONDS,
        # Checkout opens in the client's language (Stripe supports each of the portal's).
        "locale": str(get_locale() or "en"),
    }
    fee_percent = config.get("STRIPE_APPLICATION_FEE_PERCENT")
    if prepared.get("stripe_account") and fee_percent:
        params["payment_intent_data"]["application_fee_amount"] = round(
            prepared["amount_due"] * float(fee_percent) / 100)
    return params


def open_checkout(invoice_id: str) -> str:
    """The Checkout URL to send the client to: the session already open for this amount, or a
    new one (an open session for another amount is expired first, so two cannot both pay)."""
    config, data = current_app.config, get_data(current_app)
    prepared = data.call_as_service("prepare_checkout", p_invoice_id=invoice_id)
    account = prepared["stripe_account"]
    stripe_client = gateway.client(config)
    existing = prepared["open_session"]
    if existing:
        if (existing["amount"], existing["currency"], existing["stripe_account"]) == (
                prepared["amount_due"], prepared["currency"], account):
            return existing["url"]
        expire_session(stripe_client, existing["id"], existing["stripe_account"])
    # Two tabs pressing at once send the same key, so Stripe gives both the same session.
    key = f"checkout-{invoice_id}-{prepared['amount_due']}-{prepared['sessions_before']}"
    options = {"idempotency_key": key}
    if account:
        options["stripe_account"] = account
    session = stripe_client.v1.checkout.sessions.create(params=checkout_params(prepared, config),
                                                        options=options)
    data.call_as_service("save_checkout_session", p_session=as_json(session), p_stripe_account=account)
    return session.url


def expire_session(stripe_client, session_id: str, account: str | None) -> None:
    options = {"stripe_account": account} if account else {}
    try:
        stripe_client.v1.checkout.sessions.expire(session_id, options=options)
    except stripe.InvalidRequestError:
        pass  # already completed or expired: the webhook tells us which
    get_data(current_app).call_as_service("expire_checkout_session", p_session_id=session_id)


def retrieve_session(session_id: str, account: str | None) -> dict:
    """The session from Stripe, on the connected account it was opened on (as stored)."""
    options = {"stripe_account": account} if account else {}
    return as_json(gateway.client(current_app.config).v1.checkout.sessions.retrieve(
        session_id, options=options))


def as_json(stripe_object) -> dict:
    """The object exactly as Stripe sent it (to_dict() turns some numbers into Decimals)."""
    return json.loads(stripe_object.last_response.body)
