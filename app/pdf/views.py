"""PDF downloads of the signed-in client's invoices and quotes."""

import hashlib
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import xhtml2pdf
from flask import Response, current_app, render_template
from flask_babel import force_locale

from app.auth.session import call_together, login_required
from app.branding import COLOUR, FALLBACK, business
from app.i18n import gettext as _
from app.i18n import language_code
from app.page_cache import kept_result
from app.pdf import bp
from app.pdf.cache import PdfCache, cache_key
from app.pdf.logo import Logo, logo_for
from app.pdf.render import FONTS, render_pdf

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "pdf"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
NOT_IN_FILENAMES = re.compile(r"[^A-Za-z0-9._-]+")
PRINTED_CLIENT_FIELDS = ("id", "name", "email", "tax_id", "address_line1", "address_line2", "city", "region",
                         "postal_code", "country")


@lru_cache(maxsize=1024)
def plain_filename(name: str) -> str:
    """A download's file name in plain ASCII, whatever the language: "Reçu-R-7.pdf" is
    "Recu-R-7.pdf" (accents dropped, anything else outside A-Z, 0-9, ".", "_", "-" a dash)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return NOT_IN_FILENAMES.sub("-", "".join(c for c in decomposed if not unicodedata.combining(c)))


@bp.get("/invoices/<uuid:invoice_id>/pdf")
@login_required
def invoice_pdf(invoice_id):
    """An invoice as a PDF download."""
    return pdf_download("invoice", invoice_id, ("portal_invoice", {"p_invoice_id": str(invoice_id)}))


@bp.get("/quotes/<uuid:quote_id>/pdf")
@login_required
def quote_pdf(quote_id):
    """A quote as a PDF download."""
    return pdf_download("quote", quote_id, ("portal_quote", {"p_quote_id": str(quote_id)}))


@cache
def template_version() -> str:
    """Changes with the PDF templates, their translations or the renderer, so a PDF in an old
    layout or wording is never served.
    Computed once per process: templates change only with a deployment."""
    digest = hashlib.sha256(xhtml2pdf.__version__.encode())
    for path in [*sorted(TEMPLATES.glob("*.html")), *sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.mo"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pdf_download(kind: str, document_id, read: tuple[str, dict]) -> Response:
    """The document's PDF. First its stamp, read as the client (RLS decides: another client's
    document is not found, even when its PDF is cached) in the round trip that checks the
    session, and kept by the process as a page is (app/page_cache.py): while the client's page
    version holds (it follows every row the stamp reads, and today's date), that round trip
    checks the session only. The business profile as the process keeps it. Usually that is all: the worker
    filled the cache when the document changed. On a miss, the document and the client are read
    in full, rendered and filed under the stamp read first (the content is at least as new
    as the stamp, never older)."""
    stamp = kept_result(("pdf_stamp", {"p_kind": kind, "p_id": str(document_id)}))
    profile = business()
    cache, logo = pdf_cache(), business_logo(profile)
    pdf = cache.get(stamp_key(kind, stamp, profile, logo))
    if pdf is None:
        document, client_profile = call_together(read, ("portal_profile", {}))
        _, pdf = document_pdf(kind, document, client_profile["client"], profile, stamp)
    return attachment(pdf, pdf_filename(kind, stamp["number"]))


def pdf_filename(kind: str, number: str) -> str:
    return plain_filename(f"{document_title(kind, language_code())}-{number}.pdf")


@lru_cache(maxsize=64)
def document_title(kind: str, language: str) -> str:
    """"Invoice" or "Quote" in `language`, translated once per process: a cached download
    needs no other text, so it never loads the language's catalog."""
    with force_locale(language):
        return _("Invoice") if kind == "invoice" else _("Quote")


def portal_url(kind: str, document_id) -> str:
    return current_app.config["PORTAL_BASE_URL"].rstrip("/") + f"/{kind}s/{document_id}"


def stamp_key(kind: str, stamp: dict, business: dict, logo: Logo | None) -> str:
    """The one cache key of an invoice's or quote's PDF, for the download, the worker and the
    emails alike: what the PDF is rendered from, named by versions rather than read. The
    document by its stamp (public.pdf_stamp: its PDF version, which the database raises when
    its lines, payments, parties or, for a document printing its client live, the client
    change; its state today, which the calendar changes), the business's settings by their
    version (settings.updated_at: branding, contact details, time zone), the logo's bytes, the
    templates, the language and the portal link printed on it."""
    return versions_key(template_version(), kind, str(stamp["id"]), stamp["version"], stamp["state"],
                        language_code(), business.get("updated_at"), portal_url(kind, stamp["id"]),
                        logo.sha256 if logo else None)


@lru_cache(maxsize=1024)
def versions_key(templates: str, kind: str, document_id: str, version, state: str, language: str,
                 profile_version, printed_url: str, logo_sha256: str | None) -> str:
    """stamp_key's hash, made once per process for the same versions (a download's key is the
    one of the download before it until something moves)."""
    return cache_key(templates, {
        "template": f"pdf/{kind}.html", "kind": kind, "id": document_id, "version": version,
        "state": state, "language": language, "profile_version": profile_version,
        "portal_url": printed_url}, logo_sha256)


def document_pdf(kind: str, document: dict, client: dict, business: dict,
                 stamp: dict | None) -> tuple[str, bytes]:
    """(filename, PDF) of an invoice or quote, from the cache under its stamp (read with the
    document: private.email_document, or before it: the download), else rendered and stored
    there: the download, the worker (app/pdf/prerender.py) and the emails that attach it
    (app/emails.py) share it. Without a stamp (the emails' demo data) the key is a hash of
    everything shown, as for receipts. An issued document prints its parties as they were when
    it was sent (frozen on it); the live client and business fill in documents issued before,
    and the live profile gives the branding."""
    parties = document.get("parties") or {}
    # Only the client's details the PDF prints: the download (portal_profile) and the worker
    # (email_document) read the client in different shapes, and must render the same PDF.
    client = parties.get("client") or {name: client.get(name) for name in PRINTED_CLIENT_FIELDS}
    data = {"kind": kind, "document": document, "client": client,
            "business": {**business, **(parties.get("business") or {})},
            "portal_url": portal_url(kind, document["id"])}
    filename = pdf_filename(kind, document["number"])
    template = f"pdf/{kind}.html"
    if stamp is None:
        return filename, cached_pdf(template, data, business)
    cache, logo = pdf_cache(), business_logo(business)
    key = stamp_key(kind, stamp, business, logo)
    return filename, cache.get(key) or render_into(cache, key, template,
                                                   {**data, "language": language_code()}, business, logo)


def pdf_cache() -> PdfCache:
    return PdfCache.from_config(current_app.config)


def business_logo(business: dict) -> Logo | None:
    """The business's logo, fetched at most once a day and kept beside the cache."""
    url = business.get("logo_url")
    if not url:
        return None  # nothing to look up: no paths built on every download
    development = current_app.testing or current_app.config.get("PORTAL_ENV") == "development"
    return logo_for(url, pdf_cache().directory / "logos", development)


def cached_pdf(template: str, data: dict, business: dict) -> bytes:
    """The template rendered as a PDF with `data` (everything it shows) and the business's logo
    and colour, from the cache unless something it shows has changed: the key is a hash of all
    of it (receipts, statements).
    In the language of the moment (the client's page, or the recipient's email under
    force_locale): the language is part of the data, so each language has its own cached copy."""
    data = {**data, "language": language_code()}
    cache, logo = pdf_cache(), business_logo(business)
    key = cache_key(template_version(), {"template": template, **data}, logo.sha256 if logo else None)
    return cache.get(key) or render_into(cache, key, template, data, business, logo)


def render_into(cache: PdfCache, key: str, template: str, data: dict, business: dict,
                logo: Logo | None) -> bytes:
    """Renders the template and files the PDF under `key` (a cache that cannot be written
    only costs a render next time)."""
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
