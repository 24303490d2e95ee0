"""The one renderer for email: the database queues a kind, a recipient and a JSON context; the
worker turns them here into a branded message, HTML and text, from app/templates/email/<kind>.txt
and <kind>.html (which extends email/_layout.html), through the same filters as pages and PDFs
(app/formatting.py: one money format) and one base URL (PORTAL_BASE_URL).

A .txt template sets its subject with `{% set subject = ... %}`. Messages a client may turn off
(reminders, "quote sent": OPTIONAL_EMAILS) set `{% set optional = true %}` and get a
List-Unsubscribe header pointing to the account settings. Each email is written in its
recipient's language (force_locale), with their PDFs.
"""

from dataclasses import dataclass, field

from flask import Flask
from flask_babel import force_locale

from app.branding import COLOUR, FALLBACK
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES
from app.i18n import gettext as _

# The emails a person may turn off in their account settings, and the setting that does it;
# every other email (invoices, receipts, decisions, sign-in links, confirmations) always goes.
OPTIONAL_EMAILS = {"invoice_reminder": "invoice_reminders", "quote_sent": "quote_sent",
                   "booking_reminder": "booking_reminders"}


@dataclass
class RenderedEmail:
    subject: str
    text: str
    html: str
    headers: dict = field(default_factory=dict)
    attachments: list = field(default_factory=list)


def brand(business: dict) -> dict:
    """The colours the HTML may use: only #rrggbb, as they end up in style attributes."""
    primary, accent = (business.get(name) or "" for name in ("brand_primary", "brand_accent"))
    return {"primary": primary if COLOUR.match(primary) else FALLBACK["brand_primary"],
            "accent": accent if COLOUR.match(accent) else FALLBACK["brand_accent"]}


def turned_off(kind: str, recipient: dict | None) -> bool:
    """The recipient turned this kind of email off in their account settings."""
    setting = OPTIONAL_EMAILS.get(kind)
    return setting is not None and (recipient or {}).get(setting) is False


def render_email(app: Flask, kind: str, context: dict, business: dict | None = None,
                 attach: bool = True, language: str | None = None) -> RenderedEmail:
    """A queued email, ready to send, in the recipient's language (English when they chose
    none); a missing template raises, so the worker retries. `attach=False` skips rendering the
    PDF (previews)."""
    business = business or {}
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    with app.app_context(), force_locale(language):
        values = {**context, "business": business, "brand": brand(business),
                  "portal_url": app.config["PORTAL_BASE_URL"].rstrip("/"), "page_language": language}
        text_module = app.jinja_env.get_template(f"email/{kind}.txt").make_module(values)
        subject = " ".join(str(getattr(text_module, "subject", "")).split())
        if not subject:
            raise ValueError(f"email/{kind}.txt sets no subject")
        html = app.jinja_env.get_template(f"email/{kind}.html").render(values, subject=subject)
        headers = {}
        if business.get("contact_email"):
            headers["Reply-To"] = business["contact_email"]
        if getattr(text_module, "optional", False):
            target = business.get("contact_email")
            headers["List-Unsubscribe"] = (f"<mailto:{target}?subject=unsubscribe>" if target
                                           else f"<{values['portal_url']}/account/settings>")
        return RenderedEmail(subject, str(text_module).strip() + "\n", html, headers,
                             attachments_for(app, kind, context, business) if attach else [])


def attachments_for(app: Flask, kind: str, context: dict, business: dict) -> list[dict]:
    """The PDF of a sent invoice or quote, from the same renderer and cache as the download;
    a payment's receipt PDF on its confirmation."""
    if kind == "payment_receipt" and context.get("payment_id"):
        from app.pdf.receipts import receipt_pdf_for_payment
        from app.pdf.views import plain_filename

        # Already in the app context render_email opened: a nested one would lose force_locale.
        pdf = receipt_pdf_for_payment(context["payment_id"])
        return [{"filename": plain_filename(_("Receipt") + f"-{context['receipt_number']}.pdf"),
                 "content_type": "application/pdf", "bytes": pdf}]
    if kind not in ("invoice_sent", "quote_sent"):
        return []
    from app.pdf.views import document_pdf

    document_kind = kind.removesuffix("_sent")
    # The stamp comes with the document (email_document): the same cache entry as the download.
    filename, pdf = document_pdf(document_kind, context["document"], context["client"], business,
                                 context.get("stamp"))
    return [{"filename": filename, "content_type": "application/pdf", "bytes": pdf}]
