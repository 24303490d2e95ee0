"""Error pages in the portal's layout, or JSON when the client asks for it."""

from flask import g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.branding import last_known_business
from app.data import NotFound, PermissionDenied, Unavailable
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l

MESSAGES = {
    400: _l("That request could not be understood."),
    403: _l("You cannot do that."),
    404: _l("We could not find that page. If you followed a link to a document, it may not exist "
         "or may not be shared with you."),
    405: _l("That action is not allowed here."),
    429: _l("Too many requests. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Please try again; if it keeps happening, contact us."),
    503: _l("The portal is briefly unavailable. Please try again in a moment."),
}


def render_error(status: int, message: str | None = None):
    message = str(message or MESSAGES.get(status, MESSAGES[500]))
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=message, status=status), status
    # An error page never touches the database (it may be why we are here): the layout gets
    # the last known profile, and the navigation only when the session was already checked.
    g.setdefault("business", last_known_business())
    g.setdefault("identity", None)
    # A session the cookie claims but no call has checked yet (the page's call may be what
    # failed): the layout shows it signed out rather than ask the database.
    g.layout_signed_out = g.get("session_unchecked", False)
    return render_template("error.html", status=status, message=message), status


def init_app(app) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error):
        return render_error(error.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _l("This form has expired. Go back, reload the page and try again."))

    @app.errorhandler(NotFound)
    def not_found(error):
        return render_error(404)

    @app.errorhandler(PermissionDenied)
    def not_allowed(error):
        return render_error(403, _("Your role in this account does not allow this. "
                                   "Ask your account's owner."))

    @app.errorhandler(Unavailable)
    def unavailable(error):
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected(error):
        app.logger.exception("unexpected error")
        return render_error(500)
