"""Opening a Checkout Session for a payment the client planned (app/money/pay.py): part of an
invoice's amount due, or several invoices of one currency at once, one line per invoice, the
split in the metadata so the webhook records each invoice's share."""

import hashlib

from flask import current_app

from app.data import get_data
from app.i18n import gettext as _
from app.payments import gateway
from app.payments.checkout import as_json, checkout_params, expire_session


def shares_metadata(shares: list[dict]) -> str:
    """"<invoice id>:<amount>,..." in the order paid (private.checkout_shares reads it back);
    ten shares fit Stripe's 500 characters per metadata value."""
    return ",".join(f"{share['invoice_id']}:{share['amount']}" for share in shares)


def plan_params(prepared: dict, plan: dict, config) -> dict:
    params = checkout_params({**prepared, "amount_due": plan["amount"]}, config)
    shares = plan["shares"]
    if len(shares) > 1:
        params["line_items"] = [{"quantity": 1, "price_data": {
            "currency": plan["currency"].lower(), "unit_amount": share["amount"],
            "product_data": {"name": _("Invoice %(number)s", number=share["number"])}}} for share in shares]
        for metadata in (params["metadata"], params["payment_intent_data"]["metadata"]):
            metadata["shares"] = shares_metadata(shares)
    return params


def open_plan_checkout(plan: dict) -> str:
    """The Checkout URL for the plan (checked by plan_payment as the client). The session the
    first invoice already has open is reused when it asks for the same, else expired first."""
    config, data = current_app.config, get_data(current_app)
    prepared = data.call_as_service("prepare_checkout", p_invoice_id=plan["shares"][0]["invoice_id"])
    account = prepared["stripe_account"]
    stripe_client = gateway.client(config)
    existing = prepared["open_session"]
    if existing:
        same = (existing["amount"], existing["currency"], existing["stripe_account"]) == (
            plan["amount"], plan["currency"], account)
        if same and len(plan["shares"]) == 1:
            return existing["url"]
        expire_session(stripe_client, existing["id"], existing["stripe_account"])
    # Two tabs sending the same plan at once send the same key, and get the same session.
    split = hashlib.sha256(shares_metadata(plan["shares"]).encode()).hexdigest()[:16]
    options = {"idempotency_key": f"checkout-plan-{split}-{prepared['sessions_before']}"}
    if account:
        options["stripe_account"] = account
    session = stripe_client.v1.checkout.sessions.create(params=plan_params(prepared, plan, config),
                                                        options=options)
    data.call_as_service("save_checkout_session", p_session=as_json(session), p_stripe_account=account)
    return session.url
