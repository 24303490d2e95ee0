"""Data access: call a portal function as the signed-in client or as the trusted service.

Two adapters behind one interface: Postgres (psycopg, doing what PostgREST does) and Supabase
(PostgREST RPC through `postgrest`, the client `supabase` uses). Views never know which runs:
create_app chooses the mode once and `init_app` attaches that mode's adapter.
"""

from app.data.base import (
    ClientIdentity,
    Conflict,
    DataError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PortalData,
    Unavailable,
)

__all__ = ["ClientIdentity", "Conflict", "DataError", "InvalidInput", "NotFound",
           "PermissionDenied", "PortalData", "Unavailable", "get_data", "init_app"]


def init_app(app) -> None:
    """Attaches the adapter of the app's mode (app.config["PORTAL_MODE"], set by create_app)."""
    if app.config["PORTAL_MODE"] == "supabase":
        from app.data.supabase import SupabaseData

        app.extensions["portal_data"] = SupabaseData(
            app.config["SUPABASE_URL"], app.config["SUPABASE_ANON_KEY"],
            app.config["SUPABASE_SERVICE_ROLE_KEY"])
    elif app.config.get("DATABASE_URL"):
        from app.data.postgres import PostgresData
        from app.db.pool import get_pool

        app.extensions["portal_data"] = PostgresData(
            get_pool(app), app.config["DATABASE_STATEMENT_TIMEOUT_MS"],
            app.config["DATABASE_LOCK_TIMEOUT_MS"])


def get_data(app) -> PortalData:
    """The adapter init_app attached."""
    try:
        return app.extensions["portal_data"]
    except KeyError:
        raise RuntimeError("No database configured: set DATABASE_URL, or SUPABASE_URL,"
                           " SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY.") from None
