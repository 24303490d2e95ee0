"""POST /stripe/webhook: Stripe's word is the source of truth. Signed events only (raw body,
300 s tolerance), from the configured account and mode; each applied exactly once by the
database. A database failure answers 5xx so Stripe retries."""

import json

import stripe
from flask import current_app, jsonify, request

from app.data import DataError, Unavailable, get_data
from app.payments import bp, gateway
from app.security import csrf


def ignored(reason: str):
    return jsonify(received=True, ignored=reason)


@bp.post("/stripe/webhook")
@csrf.exempt  # Stripe signs its requests instead
def stripe_webhook():
    """Verifies and applies one Stripe event."""
    config = current_app.config
    body = request.get_data()
    try:
        stripe.Webhook.construct_event(body, request.headers.get("Stripe-Signature", ""),
                                       gateway.webhook_secret(config))
    except (ValueError, stripe.SignatureVerificationError):
        return jsonify(error="invalid signature or payload"), 400
    payload = json.loads(body)  # the verified bytes as Stripe sent them
    if payload.get("livemode") != gateway.api_key(config).startswith("sk_live_"):
        return ignored("mode")
    try:
        outcome = get_data(current_app).call_as_service("handle_stripe_event", p_event=payload)
    except Unavailable:
        return jsonify(error="database unavailable, retry"), 503
    except DataError:
        current_app.logger.exception("stripe event %s failed", payload.get("id"))
        return jsonify(error="could not apply the event, retry"), 500
    if outcome["status"] == "ignored":
        return ignored(outcome["reason"])
    return jsonify(received=True, outcome=outcome["status"])
