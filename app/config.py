"""All configuration, read from the environment in one place."""

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(env, name, default):
    return int(env.get(name, default))


def from_environment(env=None) -> dict:
    """Flask config keys from environment variables (defaults suit the embedded default)."""
    env = os.environ if env is None else env
    production = env.get("PORTAL_ENV", "development") == "production"
    secret_key = env.get("SECRET_KEY")
    if production and not secret_key:
        raise RuntimeError("SECRET_KEY must be set in production")
    return {
        "PORTAL_ENV": "production" if production else "development",
        "SECRET_KEY": secret_key or secrets.token_hex(32),
        # Signs the Postgres-mode access tokens; Supabase mode uses Supabase's own.
        "JWT_SECRET": env.get("JWT_SECRET") or secret_key or secrets.token_hex(32),
        "DATABASE_URL": env.get("DATABASE_URL"),
        "DATABASE_POOL_SIZE": _int(env, "DATABASE_POOL_SIZE", 10),
        # Nothing waits for ever: a request gives up on a pooled connection after this many
        # seconds, and each transaction on a statement after STATEMENT_TIMEOUT_MS and on a lock
        # after LOCK_TIMEOUT_MS; the visitor then gets the "busy" page (503).
        "DATABASE_POOL_TIMEOUT": float(env.get("DATABASE_POOL_TIMEOUT", 3)),
        "DATABASE_STATEMENT_TIMEOUT_MS": _int(env, "DATABASE_STATEMENT_TIMEOUT_MS", 5000),
        "DATABASE_LOCK_TIMEOUT_MS": _int(env, "DATABASE_LOCK_TIMEOUT_MS", 2000),
        "SUPABASE_URL": env.get("SUPABASE_URL"),
        "SUPABASE_ANON_KEY": env.get("SUPABASE_ANON_KEY"),
        "SUPABASE_SERVICE_ROLE_KEY": env.get("SUPABASE_SERVICE_ROLE_KEY"),
        "PORTAL_BASE_URL": env.get("PORTAL_BASE_URL", "http://127.0.0.1:5000"),
        "LOGIN_LINK_TTL_SECONDS": min(_int(env, "LOGIN_LINK_TTL_SECONDS", 86400), 86400),
        "SESSION_IDLE_SECONDS": _int(env, "SESSION_IDLE_SECONDS", 30 * 60),
        "SESSION_LIFETIME_SECONDS": _int(env, "SESSION_LIFETIME_SECONDS", 8 * 3600),
        "ACCESS_TOKEN_SECONDS": _int(env, "ACCESS_TOKEN_SECONDS", 3600),
        "SMTP_HOST": env.get("SMTP_HOST"),
        "SMTP_PORT": _int(env, "SMTP_PORT", 587),
        "SMTP_USERNAME": env.get("SMTP_USERNAME"),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD"),
        "SMTP_STARTTLS": env.get("SMTP_STARTTLS", "true") != "false",
        "MAIL_FROM": env.get("MAIL_FROM", "Client Portal <portal@localhost>"),
        "MAILBOX_DIR": env.get("MAILBOX_DIR", str(PROJECT_ROOT / ".portal" / "mailbox")),
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY"),
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET"),
        "STRIPE_APPLICATION_FEE_PERCENT": env.get("STRIPE_APPLICATION_FEE_PERCENT"),
        "SESSION_COOKIE_NAME": "portal_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }
