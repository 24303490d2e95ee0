from flask import current_app

from app.health import bp, postgres, supabase


@bp.get("/health")
def health():
    """Reports whether the app and what its mode stores data in answer, and if not, what is wrong."""
    if current_app.config["PORTAL_MODE"] == "supabase":
        return supabase.check(current_app.config)
    return postgres.check(current_app)
