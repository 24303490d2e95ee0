"""The language of a request: the client's preference, else Accept-Language, else English; and
templates can mark strings for translation."""

import pytest
from flask import g, render_template_string
from flask_babel import get_locale


@pytest.mark.parametrize(("header", "expected"), [
    ("fr-CA,fr;q=0.9,en;q=0.5", "fr"),
    ("de", "de"),
    ("es-419", "es"),
    ("ja, zh;q=0.8", "en"),
    (None, "en"),
])
def test_the_browser_language_is_used_when_supported(app, header, expected):
    headers = {"Accept-Language": header} if header else {}
    with app.test_request_context("/", headers=headers):
        assert str(get_locale()) == expected


def test_a_clients_preference_wins_over_the_browser(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        g.preferred_language = "de"
        assert str(get_locale()) == "de"


def test_an_unsupported_preference_falls_back_to_the_browser(app):
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        g.preferred_language = "xx"
        assert str(get_locale()) == "es"


def test_templates_can_mark_strings_for_translation(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ _('Invoices') }}") == "Invoices"
