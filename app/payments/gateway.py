"""The Stripe client the app uses: the real API when a secret key is configured, else (never in
production) the local test double served by this same app under /_stripe."""

import hashlib

import stripe

# Pinned: the shapes of the objects we read must not change under us.
STRIPE_API_VERSION = "2026-10-28.endive"
DOUBLE_API_KEY = "sk_test_local_double"


def uses_double(config) -> bool:
    return not config.get("STRIPE_SECRET_KEY") and config.get("PORTAL_ENV") != "production"


def payments_enabled(config) -> bool:
    return bool(config.get("STRIPE_SECRET_KEY")) or uses_double(config)


def api_key(config) -> str:
    return config.get("STRIPE_SECRET_KEY") or DOUBLE_API_KEY


def webhook_secret(config) -> str:
    if config.get("STRIPE_WEBHOOK_SECRET"):
        return config["STRIPE_WEBHOOK_SECRET"]
    if uses_double(config):
        # The double signs with a secret derived from the app's own, known to nobody else.
        return "whsec_" + hashlib.sha256(("double:" + config["SECRET_KEY"]).encode()).hexdigest()[:32]
    raise RuntimeError("STRIPE_WEBHOOK_SECRET must be set with a real Stripe key")


def client(config) -> stripe.StripeClient:
    """A client per use: cheap, and no state shared between requests."""
    if uses_double(config):
        base = config["PORTAL_BASE_URL"].rstrip("/") + "/_stripe"
        return stripe.StripeClient(DOUBLE_API_KEY, stripe_version=STRIPE_API_VERSION,
                                   base_addresses={"api": base}, max_network_retries=0)
    return stripe.StripeClient(config["STRIPE_SECRET_KEY"], stripe_version=STRIPE_API_VERSION,
                               max_network_retries=2)
