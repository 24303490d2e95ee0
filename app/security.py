"""Headers every response carries; CSRF protection for every form."""

from flask import request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

# Stripe Checkout is the one place a form may lead off-site (a 303 after our own POST).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self' https://checkout.stripe.com"
)


def init_app(app) -> None:
    csrf.init_app(app)

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
