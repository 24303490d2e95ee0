"""The business's own emails are translatable (issue 15): every sentence and label in them goes
through the catalogs. The business has no language setting yet, so they go out in the default
language. Here each is rendered in German twice, with the German catalog and with none (dates and
money formatted alike both times), and no line may come out the same."""

import pytest
from babel.support import NullTranslations
from flask_babel import Domain

from app.email_demo import CONTEXTS
from app.emails import render_email

BUSINESS_KINDS = sorted(kind for kind in CONTEXTS if kind.startswith("business_")) + ["payment_flagged"]
VARIANTS = [(kind, CONTEXTS[kind]) for kind in BUSINESS_KINDS] + [
    ("business_quote_decided", {**CONTEXTS["business_quote_decided"], "decision": "accepted"}),
    ("business_delivery_failed", {**CONTEXTS["business_delivery_failed"], "bounced": False}),
    ("payment_flagged", {**CONTEXTS["payment_flagged"], "flag": "overpayment"}),
]


@pytest.mark.parametrize(("kind", "context"), VARIANTS, ids=[kind for kind, _ in VARIANTS])
def test_every_line_of_a_business_email_is_translated(app, monkeypatch, kind, context):
    german = render_email(app, kind, context, attach=False, language="de")
    monkeypatch.setattr(Domain, "get_translations", lambda self: NullTranslations())
    uncatalogued = render_email(app, kind, context, attach=False, language="de")
    assert german.subject != uncatalogued.subject
    english_lines = {line for line in uncatalogued.text.splitlines() if line.strip()}
    untranslated = [line for line in german.text.splitlines() if line in english_lines]
    assert english_lines and untranslated == [], f"{kind} has English left: {untranslated}"
