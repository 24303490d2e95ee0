"""POST /stripe/webhook: Stripe's word is the source of truth. Signed events only (raw body,
300 s tolerance), from the configured account and mode; each applied exactly once by the
database. What the answer tells Stripe (it resends anything but a 2xx for days):
- applied, duplicate, ignored, or waiting for the payment it is about (kept, applied when the
  payment is recorded): 200;
- can never apply (its data breaks a database rule, e.g. a NUL character or a malformed id):
  kept as rejected for an administrator, answered 200, since resending the same bytes cannot
  succeed and a 4xx would be resent just the same;
- the database is unavailable or failed otherwise: 5xx, so Stripe retries."""

import json

import stripe
from flask import current_app, jsonify, request

from app.data import DataError, Unavailable, get_data
from app.payments import bp, gateway
from app.security import csrf

# SQLSTATE classes of data that breaks a rule (22: data exception, 23: integrity constraint):
# the same event fails the same way on every delivery.
PERMANENT_ERROR_CLASSES = ("22", "23")


def ignored(reason: str):
    return jsonify(received=True, ignored=reason)


def without_nul(value):
    """The event with NUL characters replaced (Postgres text and jsonb cannot hold them), so a
    rejected event can still be kept for an administrator to read."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    return value


def contains_nul(value) -> bool:
    return without_nul(value) != value


def reject(payload: dict, reason: str):
    """Keeps the event as rejected (best effort: one that cannot even be kept is logged) and
    answers 200 so that Stripe stops resending it."""
    current_app.logger.warning("stripe event %s rejected: %s", payload.get("id"), reason)
    try:
        get_data(current_app).call_as_service("reject_stripe_event", p_event=without_nul(payload),
                                              p_reason=reason)
    except Unavailable:
        return jsonify(error="database unavailable, retry"), 503
    except DataError:
        current_app.logger.exception("stripe event %s could not be kept", payload.get("id"))
    return jsonify(received=True, outcome="rejected", reason=reason)


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
    if contains_nul(payload):
        return reject(payload, "contains a NUL character, which the database cannot store")
    try:
        outcome = get_data(current_app).call_as_service("handle_stripe_event", p_event=payload)
    except Unavailable:
        return jsonify(error="database unavailable, retry"), 503
    except DataError as error:
        if (error.code or "")[:2] in PERMANENT_ERROR_CLASSES:
            return reject(payload, error.message)
        current_app.logger.exception("stripe event %s failed", payload.get("id"))
        return jsonify(error="could not apply the event, retry"), 500
    if outcome["status"] == "ignored":
        return ignored(outcome["reason"])
    return jsonify(received=True, outcome=outcome["status"])
