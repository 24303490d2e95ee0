"""The signed-in client's pages."""

from flask import Blueprint

bp = Blueprint("portal", __name__)

from app.portal import devices, people, views  # noqa: E402,F401
