"""Paying invoices online: Stripe Checkout (with Connect), the webhook, the local Stripe double."""

from flask import Blueprint

bp = Blueprint("payments", __name__)

from app.payments import views, webhook  # noqa: E402,F401
