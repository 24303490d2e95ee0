"""The language of a request: the client's preference, else Accept-Language, else English; and
templates can mark strings for translation."""

import pytest
from flask import g, render_template_string
from flask import request as flask_request
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


@pytest.mark.parametrize(("language", "amount", "date", "moment_shown", "label"), [
    ("en", "$1,234.56", "Nov 24, 2026", "Nov 24, 2026, 1:42 AM EST", "Visa ending in 4242"),
    ("fr", "1\u202f234,56\xa0$US", "24 nov. 2026", "24 nov. 2026, 01:42 EST", "Visa se terminant par 4242"),
    ("de", "1.234,56\xa0$", "24.11.2026", "24.11.2026, 01:42 EST", "Visa mit Endziffern 4242"),
    ("es", "1.234,56\xa0US$", "24 nov 2026", "24 nov 2026, 1:42 EST", "Visa terminada en 4242"),
])
def test_money_dates_times_and_labels_follow_the_language(app, language, amount, date, moment_shown,
                                                          label):
    """The one formatter writes for the language of the moment, memoised per language: the
    same amount in two languages in a row gives each its own form."""
    from flask_babel import force_locale

    from app.formatting import card_label, day, moment, money

    for _ in range(2):
        with app.app_context(), force_locale(language):
            assert money(123456, "USD") == amount
            assert day("2026-11-24") == date
            assert moment("2026-11-24T06:42:00+00:00", "America/New_York") == moment_shown
            assert card_label("visa", "4242") == label
        with app.app_context(), force_locale("en"):
            assert money(123456, "USD") == "$1,234.56"


def test_state_labels_are_translated(app):
    from flask_babel import force_locale

    from app.formatting import state_label

    with app.app_context(), force_locale("de"):
        assert state_label("partially_paid") == "Teilweise bezahlt"


def test_the_activity_feed_is_written_in_the_readers_language(app):
    """The database writes summaries in English; the feed writes the known ones again."""
    from flask_babel import force_locale

    from app.activity_text import activity_summary

    entries = [{"kind": "invoice_sent", "summary": "Invoice INV-0001 was sent"},
               {"kind": "quote_accepted", "summary": "Quote Q-0002 was accepted by Ada Lovelace"},
               {"kind": "invoice_sent", "summary": "Something the database says differently"}]
    with app.app_context(), force_locale("fr"):
        assert [activity_summary(e) for e in entries] == [
            "La facture INV-0001 a été envoyée", "Le devis Q-0002 a été accepté par Ada Lovelace",
            "Something the database says differently"]
    with app.app_context(), force_locale("en"):
        assert activity_summary(entries[1]) == "Quote Q-0002 was accepted by Ada Lovelace"


def test_a_page_switching_language_midway_writes_each_part_in_its_own(app):
    """app.i18n.current() keeps the catalog found for the page's language; force_locale (an
    email in its recipient's language, sent while a page renders) and refresh (a person just
    changed their language) must each be followed at once, then the page's own again."""
    from flask_babel import force_locale, refresh

    shown = "{{ _('Invoices') }} {{ 'paid'|badge }} {{ 12345|money('EUR') }}"
    badge = '<span class="badge badge-paid">%s</span>'
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert render_template_string(shown) == f"Factures {badge % 'Payée'} 123,45\xa0€"
        with force_locale("de"):
            assert render_template_string(shown) == f"Rechnungen {badge % 'Bezahlt'} 123,45\xa0€"
        assert render_template_string(shown) == f"Factures {badge % 'Payée'} 123,45\xa0€"
        g.preferred_language = "en"
        refresh()
        assert render_template_string(shown) == f"Invoices {badge % 'Paid'} €123.45"


def test_translated_templates_escape_what_they_insert_in_html_only(app):
    """As Jinja's newstyle gettext: in HTML the translation is trusted and the values put into
    it are escaped; in text (emails' plain part) nothing is escaped."""
    html = ("{{ _('by %(person)s', person=name) }} | "
            "{{ ngettext('%(num)d invoice to pay.', '%(num)d invoices to pay.', 2) }}")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(html, name="<b>A & B</b>") == (
            "by &lt;b&gt;A &amp; B&lt;/b&gt; | 2 invoices to pay.")
        text = app.jinja_env.from_string("{% autoescape false %}" + html + "{% endautoescape %}")
        assert text.render(name="<b>A & B</b>") == "by <b>A & B</b> | 2 invoices to pay."


@pytest.mark.parametrize(("header", "preferred"), [("fr-CA,fr;q=0.9", None), ("es", "de"),
                                                   ("ja", None), (None, "xx")])
def test_the_language_code_of_a_kept_page_is_the_language_the_page_is_written_in(
        app, header, preferred):
    """app.i18n.language_code() names a kept page's language without loading its catalog; it
    must agree with the language Flask-Babel then writes the page in, force_locale's included."""
    from flask_babel import force_locale

    from app.i18n import current, language_code

    headers = {"Accept-Language": header} if header else {}
    with app.test_request_context("/", headers=headers):
        g.preferred_language = preferred
        code = language_code()
        assert not hasattr(g.get("_flask_babel"), "babel_translations")  # no catalog loaded
        assert code == current()[0] == str(get_locale())
        with force_locale("de"):
            assert language_code() == current()[0] == "de"
        assert language_code() == code
    with app.app_context():
        assert language_code() == current()[0] == "en"


@pytest.mark.parametrize("header", ["fr-CA,fr;q=0.9,en;q=0.5", "de;q=0.1,es;q=0.2", "es-419", "ja",
                                    "*", "en-GB;q=0, fr;q=0.3", "", "fr;q=abc,de"])
def test_the_browser_language_is_werkzeugs_match_parsed_once_per_header(app, header):
    from app.i18n import LANGUAGES, browser_language, select_language

    browser_language.cache_clear()
    for _ in range(2):
        with app.test_request_context("/", headers={"Accept-Language": header}):
            assert select_language() == flask_request.accept_languages.best_match(
                LANGUAGES, default="en")
    assert (browser_language.cache_info().misses, browser_language.cache_info().hits) == (1, 1)
