"""PDFs rendered ahead of time: the worker takes the invoices and quotes the database queued when
something their PDF shows changed (private.pdf_renders, filled by triggers) and renders each
through the download's own path (app/pdf/views.py:document_pdf) into the shared cache, under the
document's stamp, so a client's download finds it there. Each PDF is rendered in the default
language and in every language the client's people chose in their account settings (a PDF is
written in its reader's language, and cached per language). A document whose stamp has not
changed (a client renamed after the document froze its parties) is found in the cache and not
rendered."""

import logging

from flask_babel import force_locale

from app.data import get_data
from app.i18n import DEFAULT_LANGUAGE
from app.pdf.views import document_pdf

log = logging.getLogger(__name__)


def render_queued_pdfs(app, limit: int = 20) -> int:
    """Renders what is queued now (up to `limit`); returns how many PDFs were rendered."""
    data, rendered = get_data(app), 0
    with app.app_context():
        queued = data.call_as_service("claim_pdf_renders", p_limit=limit)
        business = data.call_as_service("business_profile") if queued else {}
        for entry in queued:
            # As the client's page shows it (null once no longer visible: nothing to render),
            # with the stamp its PDF is filed under, read in the same statement.
            found = data.call_as_service("email_document", p_kind=entry["kind"], p_id=entry["id"])
            if found is None:
                continue
            for language in dict.fromkeys([DEFAULT_LANGUAGE, *found.get("languages", [])]):
                try:
                    with force_locale(language):
                        document_pdf(entry["kind"], found["document"], found["client"], business,
                                     found["stamp"])
                except Exception:  # one bad document must not stop the others; downloads still work
                    log.exception("rendering the %s PDF of %s %s failed", language, entry["kind"],
                                  entry["id"])
                else:
                    rendered += 1
    return rendered
