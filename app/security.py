"""Headers every response carries; CSRF protection for every form; requests carrying NUL
characters refused before any view sees them."""

from flask import request
from flask_wtf.csrf import CSRFProtect

from app.errors import render_error

csrf = CSRFProtect()

# Stripe Checkout is the one place a form may lead off-site (a 303 after our own POST).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self' https://checkout.stripe.com"
)


NUL_REFUSED = ("That address or form contains a character that is not allowed (a NUL byte). "
               "Check the link, or go back and try again.")


def carries_nul() -> bool:
    """A NUL anywhere in the path, the query or a submitted form: Postgres text cannot hold
    it, so every view would fail on it. (Request bodies such as Stripe's JSON are not read here.)"""
    fields = list(request.args.items(multi=True))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += list(request.form.items(multi=True))
    return "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in fields)


def init_app(app) -> None:
    csrf.init_app(app)

    @app.before_request
    def refuse_nul_bytes():
        if carries_nul():
            return render_error(400, NUL_REFUSED)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if request.endpoint and not request.endpoint.startswith("static"):
            # Pages show a client's own data: never store them in shared caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
