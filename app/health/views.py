from flask import current_app, jsonify

from app.db.pool import get_pool
from app.health import bp


@bp.get("/health")
def health():
    """Reports whether the app and its database answer."""
    try:
        with get_pool(current_app).connection(timeout=2) as conn:
            conn.execute("select 1")
        return jsonify(status="ok", database="ok")
    except Exception:  # any failure to reach the database means "unavailable", nothing more
        current_app.logger.exception("health check: database unavailable")
        return jsonify(status="degraded", database="unavailable"), 503
