"""Money documents of the signed-in client: receipts, refunds, statements, paying several
invoices at once."""

from flask import Blueprint

bp = Blueprint("money", __name__)

from app.money import pay, receipts, statements  # noqa: E402,F401
