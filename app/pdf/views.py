"""PDF downloads of the signed-in client's invoices and quotes."""

import hashlib
import re
import unicodedata
from functools import cache
from pathlib import Path

import xhtml2pdf
from flask import Response, current_app, render_template

from app.auth.session import call_together, login_required
from app.branding import COLOUR, FALLBACK, business
from app.formatting import language
from app.i18n import gettext as _
from app.pdf import bp
from app.pdf.cache import PdfCache, cache_key
from app.pdf.logo import logo_for
from app.pdf.render import FONTS, render_pdf

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "pdf"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
NOT_IN_FILENAMES = re.compile(r"[^A-Za-z0-9._-]+")
PRINTED_CLIENT_FIELDS = ("id", "name", "email", "tax_id", "address_line1", "address_line2", "city", "region",
                         "postal_code", "country")


def plain_filename(name: str) -> str:
    """A download's file name in plain ASCII, whatever the language: "Reçu-R-7.pdf" is
    "Recu-R-7.pdf" (accents dropped, anything else outside A-Z, 0-9, ".", "_", "-" a dash)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return NOT_IN_FILENAMES.sub("-", "".join(c for c in decomposed if not unicodedata.combining(c)))


@bp.get("/invoices/<uuid:invoice_id>/pdf")
@login_required
def invoice_pdf(invoice_id):
    """An invoice as a PDF download."""
    return pdf_download("invoice", ("portal_invoice", {"p_invoice_id": str(invoice_id)}))


@bp.get("/quotes/<uuid:quote_id>/pdf")
@login_required
def quote_pdf(quote_id):
    """A quote as a PDF download."""
    return pdf_download("quote", ("portal_quote", {"p_quote_id": str(quote_id)}))


@cache
def template_version() -> str:
    """Changes with the PDF templates, their translations or the renderer, so a PDF in an old
    layout or wording is never served.
    Computed once per process: templates change only with a deployment."""
    digest = hashlib.sha256(xhtml2pdf.__version__.encode())
    for path in [*sorted(TEMPLATES.glob("*.html")), *sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.mo"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pdf_download(kind: str, read: tuple[str, dict]) -> Response:
    """The document's PDF. Everything is read with the client's identity first (RLS decides):
    the document and the client in one round trip, the business profile as the process keeps
    it. Only then is the cache asked, which the worker filled when the document changed."""
    document, profile = call_together(read, ("portal_profile", {}))
    filename, pdf = document_pdf(kind, document, profile["client"], business())
    return attachment(pdf, filename)


def document_pdf(kind: str, document: dict, client: dict, business: dict) -> tuple[str, bytes]:
    """(filename, PDF) of an invoice or quote, from the cache unless something it shows has
    changed: the download and the emails that attach it (app/emails.py) share it. An issued
    document prints its parties as they were when it was sent (frozen on it); the live client
    and business fill in documents issued before, and the live profile gives the branding."""
    parties = document.get("parties") or {}
    # Only the client's details the PDF prints: the download (portal_profile) and the worker
    # (email_document) read the client in different shapes, and must find the same key.
    client = parties.get("client") or {name: client.get(name) for name in PRINTED_CLIENT_FIELDS}
    data = {"kind": kind, "document": document, "client": client,
            "business": {**business, **(parties.get("business") or {})},
            "portal_url": current_app.config["PORTAL_BASE_URL"].rstrip("/")
                          + f"/{kind}s/{document['id']}"}
    title = _("Invoice") if kind == "invoice" else _("Quote")
    filename = plain_filename(f"{title}-{document['number']}.pdf")
    return filename, cached_pdf(f"pdf/{kind}.html", data, business)


def cached_pdf(template: str, data: dict, business: dict) -> bytes:
    """The template rendered as a PDF with `data` (everything it shows) and the business's logo
    and colour, from the cache unless something it shows has changed.
    In the language of the moment (the client's page, or the recipient's email under
    force_locale): the language is part of the data, so each language has its own cached copy."""
    data = {**data, "language": language()}
    cache = PdfCache.from_config(current_app.config)
    development = current_app.testing or current_app.config.get("PORTAL_ENV") == "development"
    logo = logo_for(business.get("logo_url"), cache.directory / "logos", development)
    key = cache_key(template_version(), {"template": template, **data}, logo.sha256 if logo else None)
    pdf = cache.get(key)
    if pdf is None:
        brand = business.get("brand_primary") or ""
        html = render_template(template, **data, fonts=FONTS, logo=logo,
                               brand=brand if COLOUR.match(brand) else FALLBACK["brand_primary"])
        pdf = render_pdf(html)
        try:
            cache.put(key, pdf)
        except OSError:
            current_app.logger.exception("PDF cache not written")
    return pdf


def attachment(pdf: bytes, filename: str) -> Response:
    """A PDF download under a plain file name."""
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{plain_filename(filename)}"'})
