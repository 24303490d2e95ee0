"""Fixtures of the Supabase-mode tests: the app against an HTTP double of Supabase (GoTrue and
PostgREST, tests/auth/supabase_double.py)."""

import pytest

from app import create_app
from tests.auth.supabase_double import SERVICE_KEY, FakeSupabase
from tests.doubles.http import HttpDouble


@pytest.fixture
def supabase():
    fake = FakeSupabase()
    with HttpDouble(fake.answer) as double:
        double.fake = fake
        yield double


@pytest.fixture
def supabase_app(supabase, tmp_path):
    return create_app({"TESTING": True, "SUPABASE_URL": supabase.url, "SUPABASE_ANON_KEY": "anon-key",
                       "SUPABASE_SERVICE_ROLE_KEY": SERVICE_KEY, "SECRET_KEY": "s" * 32,
                       "PORTAL_BASE_URL": "http://localhost", "MAILBOX_DIR": str(tmp_path)})
