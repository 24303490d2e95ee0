"""Client Portal: the Flask application factory."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import activity_text, branding, config, data, errors, formatting, i18n, links, page_cache, security
from app.auth import session


def choose_mode(config: dict) -> str:
    """Supabase when its URL is set (the configuration check makes sure its keys come with it),
    else the portal's own Postgres."""
    return "supabase" if config.get("SUPABASE_URL") else "postgres"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(config.from_environment())
    if test_config:
        app.config.from_mapping(test_config)
    if app.config["TRUSTED_PROXIES"]:
        # Behind N load balancers: the client's address (per-IP sign-in limit) and scheme come
        # from the X-Forwarded-* headers those N set; anything further left is ignored.
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    # The mode is chosen here, once; everything else asks app.config["PORTAL_MODE"].
    app.config["PORTAL_MODE"] = choose_mode(app.config)
    data.init_app(app)
    session.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    page_cache.init_app(app)
    errors.init_app(app)
    branding.init_app(app)
    formatting.init_app(app)
    activity_text.init_app(app)

    from app.auth import bp as auth_bp
    from app.booking import bp as booking_bp
    from app.health import bp as health_bp
    from app.money import bp as money_bp
    from app.pdf import bp as pdf_bp
    from app.portal import bp as portal_bp

    for blueprint in (health_bp, auth_bp, portal_bp, pdf_bp, booking_bp, money_bp):
        app.register_blueprint(blueprint)
    from app.payments import gateway

    if gateway.payments_enabled(app.config):
        from app.payments import bp as payments_bp

        app.register_blueprint(payments_bp)
    if app.config["PORTAL_ENV"] != "production":
        from app import dev

        dev.init_app(app)
    links.init_app(app)
    return app
