"""All configuration, read from the environment in one place.

Production refuses to start when it cannot work (issue 11, item 2): one ConfigError naming every
missing or contradictory setting, rather than a portal that starts and then sends no sign-in
link, or answers every Stripe webhook with a 500.
"""

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SUPABASE_SETTINGS = ("SUPABASE_URL", "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY")


class ConfigError(RuntimeError):
    """The settings cannot work; the message names each problem, one per line."""

    def __init__(self, problems: list[str]):
        super().__init__("The portal cannot start with these settings:\n"
                         + "\n".join(f"- {problem}" for problem in problems))
        self.problems = problems


def from_environment(env=None) -> dict:
    """Flask config keys from environment variables (defaults suit the embedded default)."""
    env = os.environ if env is None else env
    production = env.get("PORTAL_ENV", "development") == "production"
    problems: list[str] = []

    def integer(name, default, minimum=0, kind=int):
        value = env.get(name)
        if value is None:
            return default
        try:
            number = kind(value)
        except ValueError:
            number = None
        if number is None or number < minimum:
            what = "a whole number" if kind is int else "a number"
            problems.append(f"{name} must be {what} of at least {minimum} (it is {value!r}).")
            return default
        return number

    secret_key = env.get("SECRET_KEY")
    config = {
        "PORTAL_ENV": "production" if production else "development",
        "SECRET_KEY": secret_key or secrets.token_hex(32),
        # Signs the Postgres-mode access tokens; Supabase mode uses Supabase's own.
        "JWT_SECRET": env.get("JWT_SECRET") or secret_key or secrets.token_hex(32),
        "DATABASE_URL": env.get("DATABASE_URL"),
        "DATABASE_POOL_SIZE": integer("DATABASE_POOL_SIZE", 10, minimum=1),
        # Nothing waits for ever: a request gives up on a pooled connection after this many
        # seconds, and each transaction on a statement after STATEMENT_TIMEOUT_MS and on a lock
        # after LOCK_TIMEOUT_MS; the visitor then gets the "busy" page (503).
        "DATABASE_POOL_TIMEOUT": integer("DATABASE_POOL_TIMEOUT", 3, minimum=0.1, kind=float),
        "DATABASE_STATEMENT_TIMEOUT_MS": integer("DATABASE_STATEMENT_TIMEOUT_MS", 5000, minimum=100),
        "DATABASE_LOCK_TIMEOUT_MS": integer("DATABASE_LOCK_TIMEOUT_MS", 2000, minimum=100),
        # How many rendered pages each process keeps (app/page_cache.py); 0 keeps none.
        "PAGE_CACHE_SIZE": integer("PAGE_CACHE_SIZE", 1000, minimum=0),
        "SUPABASE_URL": env.get("SUPABASE_URL"),
        "SUPABASE_ANON_KEY": env.get("SUPABASE_ANON_KEY"),
        "SUPABASE_SERVICE_ROLE_KEY": env.get("SUPABASE_SERVICE_ROLE_KEY"),
        "PORTAL_BASE_URL": env.get("PORTAL_BASE_URL", "http://127.0.0.1:5000"),
        # How many proxies (load balancers) in front of the portal may set X-Forwarded-For and
        # X-Forwarded-Proto; 0 trusts none, so a client cannot forge its address.
        "TRUSTED_PROXIES": integer("TRUSTED_PROXIES", 0),
        "LOGIN_LINK_TTL_SECONDS": min(integer("LOGIN_LINK_TTL_SECONDS", 86400, minimum=60), 86400),
        "SESSION_IDLE_SECONDS": integer("SESSION_IDLE_SECONDS", 30 * 60, minimum=60),
        "SESSION_LIFETIME_SECONDS": integer("SESSION_LIFETIME_SECONDS", 8 * 3600, minimum=60),
        "ACCESS_TOKEN_SECONDS": integer("ACCESS_TOKEN_SECONDS", 3600, minimum=60),
        "SMTP_HOST": env.get("SMTP_HOST"),
        "SMTP_PORT": integer("SMTP_PORT", 587, minimum=1),
        "SMTP_USERNAME": env.get("SMTP_USERNAME"),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD"),
        "SMTP_STARTTLS": env.get("SMTP_STARTTLS", "true") != "false",
        "MAIL_FROM": env.get("MAIL_FROM", "Client Portal <portal@localhost>"),
        "MAILBOX_DIR": env.get("MAILBOX_DIR", str(PROJECT_ROOT / ".portal" / "mailbox")),
        # The local Stripe double's sessions (development only), shared by every worker process.
        "STRIPE_DOUBLE_DIR": env.get("STRIPE_DOUBLE_DIR", str(PROJECT_ROOT / ".portal" / "stripe_double")),
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY"),
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET"),
        "STRIPE_APPLICATION_FEE_PERCENT": env.get("STRIPE_APPLICATION_FEE_PERCENT"),
        "SESSION_COOKIE_NAME": "portal_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }
    if production:
        problems += production_problems(env, config)
    if problems:
        raise ConfigError(problems)
    return config


def production_problems(env, config) -> list[str]:
    """What would make a production portal fail at its first real use."""
    problems = []
    if not env.get("SECRET_KEY"):
        problems.append("SECRET_KEY is not set: sessions and sign-in codes need a fixed secret "
                        "shared by every web process.")
    supabase = [name for name in SUPABASE_SETTINGS if env.get(name)]
    if supabase and len(supabase) < len(SUPABASE_SETTINGS):
        missing = ", ".join(name for name in SUPABASE_SETTINGS if name not in supabase)
        problems.append(f"Supabase is half configured: {', '.join(supabase)} set but {missing} "
                        "not (set all three for Supabase mode, or none).")
    if not supabase and not env.get("DATABASE_URL"):
        problems.append("No database: set SUPABASE_URL, SUPABASE_ANON_KEY and "
                        "SUPABASE_SERVICE_ROLE_KEY, or DATABASE_URL.")
    if not env.get("PORTAL_BASE_URL"):
        problems.append("PORTAL_BASE_URL is not set: emails and Stripe would send clients to "
                        "127.0.0.1.")
    elif not env["PORTAL_BASE_URL"].startswith("https://"):
        problems.append("PORTAL_BASE_URL must start with https:// (the session cookie is Secure).")
    if not env.get("SMTP_HOST"):
        problems.append("SMTP_HOST is not set: no email could be sent (sign-in links, receipts, "
                        "bookings).")
    if bool(env.get("SMTP_USERNAME")) != bool(env.get("SMTP_PASSWORD")):
        problems.append("SMTP_USERNAME and SMTP_PASSWORD go together: one is set without the other.")
    if not env.get("MAIL_FROM"):
        problems.append("MAIL_FROM is not set: mail servers refuse portal@localhost as a sender.")
    if env.get("STRIPE_SECRET_KEY") and not env.get("STRIPE_WEBHOOK_SECRET"):
        problems.append("STRIPE_SECRET_KEY is set without STRIPE_WEBHOOK_SECRET: every Stripe "
                        "webhook would be refused, so no payment would be recorded.")
    if env.get("STRIPE_WEBHOOK_SECRET") and not env.get("STRIPE_SECRET_KEY"):
        problems.append("STRIPE_WEBHOOK_SECRET is set without STRIPE_SECRET_KEY: online payment "
                        "is off without the secret key.")
    fee = env.get("STRIPE_APPLICATION_FEE_PERCENT")
    if fee is not None and not _is_percentage(fee):
        problems.append(f"STRIPE_APPLICATION_FEE_PERCENT must be a number from 0 to 100 (it is {fee!r}).")
    if config["SESSION_IDLE_SECONDS"] > config["SESSION_LIFETIME_SECONDS"]:
        problems.append("SESSION_IDLE_SECONDS is longer than SESSION_LIFETIME_SECONDS.")
    return problems


def _is_percentage(value: str) -> bool:
    try:
        return 0 <= float(value) <= 100
    except ValueError:
        return False
