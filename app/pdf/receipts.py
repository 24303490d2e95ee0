"""Receipt and refund PDFs: for the client's download, and for the confirmation email (the
worker calls `receipt_pdf_for_payment` as the service)."""

from flask import current_app

from app.data import get_data
from app.pdf.views import cached_pdf


def receipt_pdf(receipt: dict, business: dict, refund: dict | None = None) -> bytes:
    """The receipt of a payment, or with `refund` the document of one of its refunds. The
    parties are the invoice's, frozen when it was sent; the live profile gives the branding."""
    parties = receipt["invoice"].get("parties") or {}
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    data = {"receipt": receipt, "refund": refund,
            "business": {**business, **(parties.get("business") or {})},
            "client": parties.get("client") or {},
            "portal_url": f"{base}/receipts/{receipt['id']}"}
    return cached_pdf("pdf/receipt.html", data, business)


def receipt_pdf_for_payment(payment_id: str) -> bytes:
    """The receipt PDF of any payment, read as the service: what the confirmation email
    attaches. Needs an application context."""
    data = get_data(current_app)
    receipt = data.call_as_service("payment_receipt", p_payment_id=str(payment_id))
    return receipt_pdf(receipt, data.call_as_service("business_profile"))
