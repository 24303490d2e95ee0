"""A local stand-in for Stripe, for development and tests only (never with a real key, never in
production). It answers the calls the app makes (create, retrieve and expire Checkout Sessions)
with objects built from Stripe's own samples, serves a hosted-checkout page with Pay and Decline,
and delivers correctly signed webhook events to the app. Sessions live in this process's memory:
it is a development server's toy, not a service."""

import copy
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from pathlib import Path

import httpx
from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request
from flask_wtf import FlaskForm

from app.payments import gateway
from app.security import csrf

bp = Blueprint("stripe_double", __name__, url_prefix="/_stripe")
# Stripe's sample objects (openapi/fixtures3.json of stripe/openapi, MIT licence), kept with the package.
SAMPLES = Path(__file__).with_name("stripe_samples.json")
_lock = threading.Lock()


def samples() -> dict:
    """Stripe's published sample objects (stripe/openapi's fixtures3.json), read once."""
    if "stripe_samples" not in current_app.extensions:
        path = Path(current_app.config.get("STRIPE_SAMPLES", SAMPLES))
        current_app.extensions["stripe_samples"] = json.loads(path.read_text())["resources"]
    return current_app.extensions["stripe_samples"]


def state() -> dict:
    return current_app.extensions.setdefault("stripe_double", {"sessions": {}, "idempotency": {}})


def stripe_error(status: int, message: str, code: str = "resource_missing"):
    return jsonify(error={"type": "invalid_request_error", "code": code, "message": message}), status


def form_to_nested(form) -> dict:
    """Stripe's form encoding (line_items[0][price_data][currency]=usd) back into objects."""
    nested: dict = {}
    for key, value in form.items(multi=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = nested
        for part, following in zip(parts, parts[1:], strict=False):
            node = node.setdefault(part, [] if following.isdigit() else {}) if isinstance(node, dict) \
                else _list_slot(node, int(part), following)
        last = parts[-1]
        if isinstance(node, list):
            _list_slot(node, int(last), None)
            node[int(last)] = value
        else:
            node[last] = value
    return nested


def _list_slot(items: list, index: int, following: str | None):
    while len(items) <= index:
        items.append([] if following and following.isdigit() else {})
    return items[index]


@bp.post("/v1/checkout/sessions")
@csrf.exempt  # an API called with a secret key, like Stripe's
def create_session():
    params = form_to_nested(request.form)
    key = request.headers.get("Idempotency-Key")
    with _lock:
        if key and key in state()["idempotency"]:
            return jsonify(state()["sessions"][state()["idempotency"][key]])
        line = params["line_items"][0]
        amount = int(line["price_data"]["unit_amount"]) * int(line.get("quantity", 1))
        session = copy.deepcopy(samples()["checkout.session"])
        session_id = "cs_test_" + secrets.token_hex(24)
        session.update({
            "id": session_id, "amount_subtotal": amount, "amount_total": amount,
            "currency": line["price_data"]["currency"], "status": "open", "payment_status": "unpaid",
            "payment_intent": "pi_" + secrets.token_hex(12), "metadata": params.get("metadata", {}),
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"), "mode": params["mode"],
            "success_url": params["success_url"], "cancel_url": params["cancel_url"],
            "expires_at": int(params.get("expires_at", time.time() + 86400)), "created": int(time.time()),
            "url": current_app.config["PORTAL_BASE_URL"].rstrip("/") + f"/_stripe/pay/{session_id}",
            "livemode": False, "payment_method_types": params.get("allowed_payment_method_types", ["card"]),
        })
        session["_account"] = request.headers.get("Stripe-Account")
        state()["sessions"][session_id] = session
        if key:
            state()["idempotency"][key] = session_id
    return jsonify(public(session))


def public(session: dict) -> dict:
    return {k: v for k, v in session.items() if not k.startswith("_")}


def find(session_id: str) -> dict:
    session = state()["sessions"].get(session_id)
    if session is None or session["_account"] != request.headers.get("Stripe-Account", session["_account"]):
        abort(stripe_error(404, f"No such checkout.session: '{session_id}'"))
    return session


@bp.get("/v1/checkout/sessions/<session_id>")
def retrieve_session(session_id):
    return jsonify(public(find(session_id)))


@bp.post("/v1/checkout/sessions/<session_id>/expire")
@csrf.exempt
def expire_session(session_id):
    session = find(session_id)
    if session["status"] != "open":
        return stripe_error(400, 'Only Checkout Sessions with a status in ["open"] can be expired.',
                            "checkout_session_not_open")
    session["status"] = "expired"
    deliver("checkout.session.expired", session)
    return jsonify(public(session))


@bp.route("/pay/<session_id>", methods=["GET", "POST"])
def hosted_checkout(session_id):
    """The hosted checkout page: Pay completes the session and notifies the app; Decline goes back."""
    session = state()["sessions"].get(session_id)
    if session is None:
        abort(404)
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit() and session["status"] == "open":
        if request.form.get("action") != "pay":
            return redirect(session["cancel_url"], 303)
        session.update(status="complete", payment_status="paid")
        deliver("checkout.session.completed", session)
        return redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id), 303)
    return render_template("payments/double_checkout.html", session=session, form=form)


def signed_event(event_type: str, obj: dict, account: str | None, secret: str, livemode: bool = False,
                 timestamp: int | None = None) -> tuple[bytes, str]:
    """An event built on Stripe's sample, signed as Stripe signs: HMAC-SHA256 of "t.payload"."""
    event = copy.deepcopy(samples()["event"])
    event.update({"id": "evt_" + secrets.token_hex(12), "type": event_type, "created": int(time.time()),
                  "livemode": livemode, "data": {"object": public(obj)}})
    if account:
        event["account"] = account
    payload = json.dumps(event).encode()
    timestamp = timestamp or int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return payload, f"t={timestamp},v1={signature}"


def deliver(event_type: str, obj: dict) -> None:
    """Posts the signed event to the app's webhook, as Stripe would (a failure is logged;
    the success page records the payment anyway)."""
    config = current_app.config
    payload, header = signed_event(event_type, obj, obj.get("_account"), gateway.webhook_secret(config))
    try:
        httpx.post(config["PORTAL_BASE_URL"].rstrip("/") + "/stripe/webhook", content=payload,
                   headers={"Stripe-Signature": header, "Content-Type": "application/json"}, timeout=10)
    except httpx.HTTPError:
        current_app.logger.exception("stripe double: webhook delivery failed")
