"""Shared fixtures: a real Postgres database, migrated, per test session; the app on it."""

import uuid

import psycopg
import pytest

from app import create_app
from app.db import cluster
from app.db.migrate import migrate


@pytest.fixture(scope="session")
def server_url():
    return cluster.resolve_server_url()


@pytest.fixture(scope="session")
def database_url(server_url):
    """A fresh database, migrated like production, dropped at the end of the session."""
    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    url = cluster.ensure_database(server_url, name)
    migrate(url)
    yield url
    cluster.drop_database(server_url, name)


@pytest.fixture
def db(database_url):
    """A connection as the owner; whatever a test does through it is rolled back."""
    with psycopg.connect(database_url) as conn:
        yield conn
        conn.rollback()


@pytest.fixture
def app(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                       "JWT_SECRET": "test-jwt-secret", "WTF_CSRF_ENABLED": True})


@pytest.fixture
def client(app):
    return app.test_client()
