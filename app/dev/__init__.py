"""Development-only code: the local mailbox, the Stripe double and the throwaway Postgres cluster.

Nothing outside this package imports it at module level, and create_app calls `init_app` only
outside production, so a production process never loads it (tests/test_dev_only.py checks).
"""


def init_app(app) -> None:
    """Registers the development endpoints: /dev/mailbox, and /_stripe when no Stripe key is set."""
    from app.dev.mailbox import bp as mailbox_bp
    from app.payments import gateway

    app.register_blueprint(mailbox_bp)
    if gateway.uses_double(app.config):
        from app.dev.stripe_double import bp as stripe_double_bp

        app.register_blueprint(stripe_double_bp)
