"""Languages: Flask-Babel with gettext catalogs in app/translations/<lang>/LC_MESSAGES/.

The language of a request is the signed-in person's setting (kept in the session cookie from
sign-in and from the settings page, so it costs no round trip; views or the worker may also put
one in `g.preferred_language`), else the best match for the browser's Accept-Language, else
English. Sign-in pages follow Accept-Language too. The catalogs are kept with `portal
translations` (app/catalogs.py); tests/test_translations.py fails on anything missing.
"""

from babel import Locale
from flask import g, has_request_context, request, session
from flask_babel import Babel

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
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


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

    @app.context_processor
    def language_of_page():
        from flask_babel import get_locale

        return {"page_language": str(get_locale() or DEFAULT_LANGUAGE)}
