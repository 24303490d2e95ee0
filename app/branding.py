"""The business's name, logo, colours and contact details, for every page's layout."""

import re

from flask import Response, current_app, g, send_from_directory, session

from app.auth.session import current_identity
from app.data import DataError, get_data
from app.i18n import lazy_gettext as _l

# What the layout shows when the settings cannot be read (e.g. on the "unavailable" page).
FALLBACK = {"name": "Client Portal", "brand_primary": "#1f4b99", "brand_accent": "#f2a900",
            "updated_at": None}


def business() -> dict:
    """Read once per request: as the signed-in client when there is one, else as the service.
    The process keeps the last profile read; a page's first call returns the profile's version
    (settings.updated_at) at no extra cost, and while it matches the kept one, no call is made."""
    if "business" not in g:
        g.business = last_known_business()
        version = g.get("profile_version")
        if version is not None and version == g.business.get("updated_at"):
            return g.business
        try:
            identity = current_identity()
            data = get_data(current_app)
            g.business = (data.call_as_client(identity, "business_profile") if identity
                          else data.call_as_service("business_profile"))
        except DataError:
            current_app.logger.exception("business profile unavailable")
        else:
            current_app.extensions["portal_last_business"] = g.business
    return g.business


def last_known_business() -> dict:
    """The profile this process last read, else the fallback: what error pages show, since they
    must answer at once when the database is busy or unreachable."""
    return current_app.extensions.get("portal_last_business", FALLBACK)


NAVIGATION = [("portal.dashboard", _l("Dashboard")), ("portal.invoices", _l("Invoices")),
              ("portal.quotes", _l("Quotes")), ("portal.bookings", _l("Bookings")),
              ("booking.appointments", _l("Your appointments")), ("portal.activity", _l("Activity")),
              ("portal.profile", _l("Profile"))]
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def shown_zone() -> str:
    """The zone the portal's times are shown in: the person's choice, else the business's."""
    return session.get("time_zone") or business().get("time_zone") or "UTC"


def navigation() -> list[tuple[str, str]]:
    return [(endpoint, label) for endpoint, label in NAVIGATION
            if endpoint in current_app.view_functions]


def branding_css() -> Response:
    """The brand colours as CSS variables: a stylesheet, since the CSP forbids inline styles.
    The database accepts only #rrggbb; checked again here, as this text becomes CSS."""
    profile = business()
    primary, accent = (c if COLOUR.match(c or "") else fallback for c, fallback in (
        (profile.get("brand_primary"), "#1f4b99"), (profile.get("brand_accent"), "#f2a900")))
    css = f":root {{ --brand: {primary}; --accent: {accent}; }}\n"
    return Response(css, mimetype="text/css", headers={"Cache-Control": "public, max-age=300"})


def favicon() -> Response:
    """Browsers and tools ask for /favicon.ico whatever the page links: answer, never 404."""
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=86400)


def init_app(app) -> None:
    app.add_url_rule("/branding.css", "branding_css", branding_css)
    app.add_url_rule("/favicon.ico", "favicon", favicon)

    @app.context_processor
    def layout():
        return {"business": business, "navigation": navigation, "shown_zone": shown_zone,
                "signed_in": lambda: (not g.get("layout_signed_out")
                                      and current_identity() is not None),
                # Buttons for features that a later part of the app provides appear with it.
                "has_endpoint": lambda endpoint: endpoint in current_app.view_functions}
