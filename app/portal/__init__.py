"""The signed-in client's pages."""

from flask import Blueprint

bp = Blueprint("portal", __name__)

from app.portal import views  # noqa: E402,F401
