"""Languages: Flask-Babel with gettext catalogs in app/translations/<lang>/LC_MESSAGES/.

The language of a request is the signed-in person's setting (kept in the session cookie from
sign-in and from the settings page, so it costs no round trip; views or the worker may also put
one in `g.preferred_language`), else the best match for the browser's Accept-Language, else
English. Sign-in pages follow Accept-Language too. The catalogs are kept with `portal
translations` (app/catalogs.py); tests/test_translations.py fails on anything missing.
"""

from functools import lru_cache

from babel import Locale
from babel.support import NullTranslations
from flask import g, has_app_context, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

# English is the source language; the others have complete catalogs.
LANGUAGES = ("en", "fr", "de", "es")
DEFAULT_LANGUAGE = "en"

babel = Babel()


def select_language() -> str:
    if not has_request_context():
        return DEFAULT_LANGUAGE
    preferred = g.get("preferred_language") or session.get("language")
    if preferred in LANGUAGES:
        return preferred
    return browser_language(request.headers.get("Accept-Language", ""))


@lru_cache(maxsize=256)
def browser_language(accept_language: str) -> str:
    """The best of LANGUAGES for an Accept-Language header, as werkzeug matches it. A browser
    sends the same header on every request, and parsing and matching it cost about 50 µs."""
    return parse_accept_header(accept_language, LanguageAccept).best_match(
        LANGUAGES, default=DEFAULT_LANGUAGE)


# What current() answers outside the app (no catalog: the English source text).
NULL_TRANSLATIONS = NullTranslations()


def current() -> tuple[str, NullTranslations]:
    """The language of the moment and its catalog: the request's, or force_locale's (emails in
    the recipient's language). Flask-Babel finds both through several context lookups for every
    string, and a page translates a hundred; here they are kept beside Flask-Babel's own state
    (`g._flask_babel`, Flask-Babel 4.0, pinned) for as long as its locale object stays there:
    force_locale and refresh replace it (tests/test_i18n.py holds this to both)."""
    if not has_app_context():
        return DEFAULT_LANGUAGE, NULL_TRANSLATIONS
    state = g.get("_flask_babel")
    kept = getattr(state, "portal_language", None)
    if kept is None or kept[0] is not getattr(state, "babel_locale", None):
        locale = get_locale()  # makes Flask-Babel's state when this context has none yet
        kept = g._flask_babel.portal_language = (
            locale, str(locale) if locale else DEFAULT_LANGUAGE, get_translations())
    return kept[1], kept[2]


def language_code() -> str:
    """The language of the moment, as current() names it, without loading its catalog: what a
    kept page's key needs, where nothing is translated (loading the catalog cost a kept page
    more than its key and its lookup together). Flask-Babel's locale once it has chosen one
    (force_locale's included), else the one it will choose: select_language()'s."""
    if not has_app_context():
        return DEFAULT_LANGUAGE
    locale = getattr(g.get("_flask_babel"), "babel_locale", None)
    return str(locale) if locale is not None else select_language()


def gettext(string: str, **variables) -> str:
    """flask_babel.gettext, through current(): the catalog's text, %-formatted with variables."""
    translated = current()[1].ugettext(string)
    return translated % variables if variables else translated


def lazy_gettext(string: str, **variables) -> LazyString:
    """A text translated when shown (module-level labels), through the same fast path."""
    return LazyString(gettext, string, **variables)


# What Jinja's newstyle gettext does (the translation marked safe in HTML, the variables escaped
# into it, %(num)s for ngettext), without its template context: a function taking the context
# makes Jinja copy it on every call inside a block or a loop (about 20 µs per string). These
# take the evaluation context only, which says whether the template escapes (HTML, not text).
@pass_eval_context
def template_gettext(eval_ctx, string: str, **variables) -> str:
    translated = current()[1].ugettext(string)
    return (Markup(translated) if eval_ctx.autoescape else translated) % variables


@pass_eval_context
def template_ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    translated = current()[1].ungettext(singular, plural, num)
    return (Markup(translated) if eval_ctx.autoescape else translated) % variables


def language_names() -> list[tuple[str, str]]:
    """Each language in its own words ("Français"), so a person finds theirs whatever is shown."""
    return [(code, Locale.parse(code).get_display_name(code).capitalize()) for code in LANGUAGES]


def remember_preferences(preferences: dict) -> None:
    """Keeps the person's language and time zone in the session, for every page after this one."""
    for key in ("language", "time_zone"):
        if preferences.get(key):
            session[key] = preferences[key]
        else:
            session.pop(key, None)


def init_app(app) -> None:
    # Catalogs live inside the package (app/translations), so an installed app finds them too.
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_language)
    # Templates translate through current() too, in place of Flask-Babel's callables.
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext,
                                 ngettext=template_ngettext)

    @app.context_processor
    def language_of_page():
        return {"page_language": current()[0]}
