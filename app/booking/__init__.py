"""Booking links, available time slots and appointments."""

from flask import Blueprint

bp = Blueprint("booking", __name__)

from app.booking import views  # noqa: E402,F401
