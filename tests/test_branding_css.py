"""/branding.css: the business's colours as CSS variables, a fallback when they cannot be read
or are not colours, and the headers of a stylesheet that may be cached briefly."""

import psycopg
import pytest

from app import create_app
from tests.auth.supabase_double import SERVICE_KEY, FakeSupabase
from tests.doubles.http import HttpDouble

FALLBACK_CSS = ":root { --brand: #1f4b99; --accent: #f2a900; }\n"


@pytest.fixture
def business_colours(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        before = conn.execute("select brand_primary, brand_accent from public.settings").fetchone()
        conn.execute("update public.settings set brand_primary = '#AA0011', brand_accent = '#00bb22'")
        yield
        conn.execute("update public.settings set brand_primary = %s, brand_accent = %s", before)


def test_the_stylesheet_has_the_business_colours_and_stylesheet_headers(business_colours, client):
    response = client.get("/branding.css")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == ":root { --brand: #AA0011; --accent: #00bb22; }\n"
    assert response.mimetype == "text/css"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unreachable_database_gives_the_fallback_colours(app):
    nowhere = create_app({**app.config, "DATABASE_POOL_TIMEOUT": 0.5,
                          "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=1"})
    response = nowhere.test_client().get("/branding.css")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == FALLBACK_CSS


@pytest.mark.parametrize("primary,accent", [
    ("red; } body { display: none", "#00bb22"),  # text that would become CSS
    ("#12345", "#00bb22"),
    (None, None),
])
def test_what_is_not_a_colour_falls_back(tmp_path, primary, accent):
    """Supabase mode, where the stylesheet cannot lean on this repository's check constraint."""
    fake = FakeSupabase()
    fake.business = {"name": "Supa Studio", "brand_primary": primary, "brand_accent": accent,
                     "updated_at": None}
    with HttpDouble(fake.answer) as supabase:
        app = create_app({"TESTING": True, "SUPABASE_URL": supabase.url, "SUPABASE_ANON_KEY": "anon-key",
                          "SUPABASE_SERVICE_ROLE_KEY": SERVICE_KEY, "SECRET_KEY": "s" * 32,
                          "MAILBOX_DIR": str(tmp_path)})
        css = app.test_client().get("/branding.css").get_data(as_text=True)
    assert "--brand: #1f4b99;" in css
    assert ("--accent: #00bb22;" if accent else "--accent: #f2a900;") in css
    assert "display" not in css
