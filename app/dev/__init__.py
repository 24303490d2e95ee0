"""Development helpers, registered only outside production: the local mailbox."""

from flask import Blueprint

bp = Blueprint("dev", __name__, url_prefix="/dev")

from app.dev import views  # noqa: E402,F401
