"""A local stand-in for Stripe, for development and tests only (never with a real key, never in
production). It answers the calls the app makes (create, retrieve and expire Checkout Sessions)
with objects built from Stripe's own samples, serves a hosted-checkout page with Pay and Decline,
and delivers correctly signed webhook events to the app. Its sessions are JSON files in
STRIPE_DOUBLE_DIR, written under a file lock, so every process of the server (`make run`'s
threads, gunicorn's workers) sees the same ones. A development toy, not a service."""

import copy
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request
from flask_wtf import FlaskForm

from app.payments import gateway
from app.security import csrf

bp = Blueprint("stripe_double", __name__, url_prefix="/_stripe")
# Stripe's sample objects (openapi/fixtures3.json of stripe/openapi, MIT licence), kept with the package.
SAMPLES = Path(__file__).with_name("stripe_samples.json")
SESSION_ID = re.compile(r"cs_test_[0-9a-f]{48}")


def samples() -> dict:
    """Stripe's published sample objects (stripe/openapi's fixtures3.json), read once."""
    if "stripe_samples" not in current_app.extensions:
        path = Path(current_app.config.get("STRIPE_SAMPLES", SAMPLES))
        current_app.extensions["stripe_samples"] = json.loads(path.read_text())["resources"]
    return current_app.extensions["stripe_samples"]


def store() -> Path:
    folder = Path(current_app.config["STRIPE_DOUBLE_DIR"])
    (folder / "idempotency").mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def locked():
    """One process at a time reads and changes sessions (creating one, paying, expiring)."""
    with open(store() / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(path: Path, text: str) -> None:
    """Written whole or not at all: a reader never sees half a file."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(temporary, path)


def load_session(session_id: str) -> dict | None:
    path = store() / f"{session_id}.json"
    if not SESSION_ID.fullmatch(session_id) or not path.exists():
        return None
    return json.loads(path.read_text())


def save_session(session: dict) -> None:
    _write(store() / f"{session['id']}.json", json.dumps(session))


def _idempotency_path(key: str) -> Path:
    return store() / "idempotency" / hashlib.sha256(key.encode()).hexdigest()


# Checkout's `locale` values, as the pinned stripe library lists them (SessionCreateParams.locale).
CHECKOUT_LOCALES = ("auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi",
                    "fil", "fr", "fr-CA", "hi-IN", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt",
                    "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi",
                    "zh", "zh-HK", "zh-TW")


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
    with locked():
        if key and _idempotency_path(key).exists():
            return jsonify(public(load_session(_idempotency_path(key).read_text())))
        if params.get("locale", "auto") not in CHECKOUT_LOCALES:
            return stripe_error(400, f"Invalid locale: must be one of {', '.join(CHECKOUT_LOCALES)}",
                                "parameter_invalid_string")
        line = params["line_items"][0]
        # As Stripe does: the session asks for the sum of its lines (one per invoice paid).
        amount = sum(int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1))
                     for item in params["line_items"])
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
            "locale": params.get("locale"), "livemode": False,
            "payment_method_types": params.get("allowed_payment_method_types", ["card"]),
        })
        session["_account"] = request.headers.get("Stripe-Account")
        save_session(session)
        if key:
            _write(_idempotency_path(key), session_id)
    return jsonify(public(session))


def public(session: dict) -> dict:
    return {k: v for k, v in session.items() if not k.startswith("_")}


def find(session_id: str) -> dict:
    session = load_session(session_id)
    if session is None or session["_account"] != request.headers.get("Stripe-Account", session["_account"]):
        abort(stripe_error(404, f"No such checkout.session: '{session_id}'"))
    return session


@bp.get("/v1/checkout/sessions/<session_id>")
def retrieve_session(session_id):
    return jsonify(public(find(session_id)))


@bp.post("/v1/checkout/sessions/<session_id>/expire")
@csrf.exempt
def expire_session(session_id):
    with locked():
        session = find(session_id)
        if session["status"] != "open":
            return stripe_error(400, 'Only Checkout Sessions with a status in ["open"] can be expired.',
                                "checkout_session_not_open")
        session["status"] = "expired"
        save_session(session)
    deliver("checkout.session.expired", session)
    return jsonify(public(session))


@bp.route("/pay/<session_id>", methods=["GET", "POST"])
def hosted_checkout(session_id):
    """The hosted checkout page. Pay: the card is charged, the app hears of the charge and the
    completed session. Decline: the bank refuses the payment after Checkout, as with Stripe's
    delayed methods (completed unpaid, then async_payment_failed), so the portal's failure
    page is reachable. Both go on to the success URL, as Stripe does."""
    session = load_session(session_id)
    if session is None:
        abort(404)
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        pay = request.form.get("action") == "pay"
        with locked():
            session = load_session(session_id)
            if session["status"] != "open":
                return render_template("dev/stripe_checkout.html", session=session, form=form)
            session.update(status="complete", payment_status="paid" if pay else "unpaid")
            save_session(session)
        if pay:
            deliver("charge.succeeded", charge_for(session))
            deliver("checkout.session.completed", session)
        else:
            deliver("checkout.session.completed", session)
            deliver("checkout.session.async_payment_failed", session)
        return redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id), 303)
    return render_template("dev/stripe_checkout.html", session=session, form=form)


def charge_for(session: dict) -> dict:
    """The card charge of a paid session, on Stripe's sample charge (a Visa ending in 4242)."""
    charge = copy.deepcopy(samples()["charge"])
    charge.update({"id": "ch_" + secrets.token_hex(12), "payment_intent": session["payment_intent"],
                   "amount": session["amount_total"], "amount_captured": session["amount_total"],
                   "currency": session["currency"], "created": int(time.time()), "livemode": False,
                   "_account": session.get("_account")})
    return charge


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
