"""Data access: call a portal function as the signed-in client or as the trusted service.

Two adapters behind one interface: Postgres (psycopg, doing what PostgREST does) and Supabase
(PostgREST RPC through `postgrest`, the client `supabase` uses). Views never know which runs.
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
           "PermissionDenied", "PortalData", "Unavailable", "get_data"]


def get_data(app) -> PortalData:
    """The app's adapter, chosen by configuration: Supabase when its URL and keys are set."""
    data = app.extensions.get("portal_data")
    if data is None:
        if app.config.get("SUPABASE_URL"):
            from app.data.supabase import SupabaseData

            data = SupabaseData(app.config["SUPABASE_URL"], app.config["SUPABASE_ANON_KEY"],
                                app.config["SUPABASE_SERVICE_ROLE_KEY"])
        else:
            from app.data.postgres import PostgresData
            from app.db.pool import get_pool

            data = PostgresData(get_pool(app), app.config["DATABASE_STATEMENT_TIMEOUT_MS"],
                                app.config["DATABASE_LOCK_TIMEOUT_MS"])
        app.extensions["portal_data"] = data
    return data
