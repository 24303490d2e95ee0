"""Invoice and quote PDFs."""

from flask import Blueprint

bp = Blueprint("pdf", __name__)

from app.pdf import views  # noqa: E402,F401
