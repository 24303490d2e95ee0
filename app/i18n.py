"""Languages: Flask-Babel with gettext catalogs in app/translations/<lang>/LC_MESSAGES/.

The language of a request is the signed-in client's preference when one is known (views or the
session check put it in `g.preferred_language`), else the best match for the browser's
Accept-Language, else English. Sign-in pages follow Accept-Language too.
"""

from flask import g, has_request_context, request
from flask_babel import Babel

# English is the source language; the others have complete catalogs.
LANGUAGES = ("en", "fr", "de", "es")
DEFAULT_LANGUAGE = "en"

babel = Babel()


def select_language() -> str:
    if not has_request_context():
        return DEFAULT_LANGUAGE
    preferred = g.get("preferred_language")
    if preferred in LANGUAGES:
        return preferred
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


def init_app(app) -> None:
    # Catalogs live inside the package (app/translations), so an installed app finds them too.
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_language)
