"""Shared fixtures: a real Postgres database, migrated, per test session; the app on it."""

import os
import uuid

import psycopg
import pytest

from app import create_app
from app.config import PROJECT_ROOT
from app.db import cluster
from app.db.migrate import migrate
from tests.supabase_like import database as supabase_like

# The mail server and settings fixtures, for any test that needs them.
pytest_plugins = ["tests.mail_fixtures"]


@pytest.fixture(scope="session")
def server_url():
    return cluster.resolve_server_url()


@pytest.fixture(scope="session")
def database_url(server_url):
    """A fresh Supabase-like database (a new project's: strict default privileges, `postgres`
    no superuser), migrated like production and used as its `postgres`; dropped at the end.
    PORTAL_TEST_DEFAULTS=old gives it an older project's default privileges instead."""
    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    url = supabase_like.create(server_url, name, os.environ.get("PORTAL_TEST_DEFAULTS", "new"))
    migrate(url)
    yield url
    cluster.drop_database(server_url, name)


@pytest.fixture
def db(database_url):
    """A connection as the owner; whatever a test does through it is rolled back."""
    with psycopg.connect(database_url) as conn:
        yield conn
        conn.rollback()


def close_pool(app):
    """Each test builds an app, and each app's pool holds connections: give them back."""
    pool = app.extensions.get("portal_pool")
    if pool is not None:
        pool.close()


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "JWT_SECRET": "test-jwt-secret-of-at-least-32-bytes",
                      "WTF_CSRF_ENABLED": True, "MAILBOX_DIR": str(tmp_path / "mailbox"),
                      "STRIPE_DOUBLE_DIR": str(tmp_path / "stripe_double"),
                      "PORTAL_BASE_URL": "http://localhost"})
    yield app
    close_pool(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_client(database_url):
    """Creates a client (committed, with a unique email) and returns its email and id."""

    def make(name="Test Client", portal_access=True, archived=False):
        email = f"{uuid.uuid4().hex[:10]}@example.test"
        with psycopg.connect(database_url, autocommit=True) as conn:
            client_id = conn.execute(
                "insert into public.clients (name, email, portal_access, archived)"
                " values (%s, %s, %s, %s) returning id::text",
                (name, email, portal_access, archived)).fetchone()[0]
        return email, client_id

    return make


@pytest.fixture
def live_server(app):
    """The app on a real threaded HTTP server on loopback, for browsers and concurrent clients."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def demo_database_url(server_url):
    """A database with the demo seed, as `make run` has it."""
    name = f"portal_demo_{uuid.uuid4().hex[:12]}"
    url = cluster.ensure_database(server_url, name)
    migrate(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute((PROJECT_ROOT / "supabase" / "seed.sql").read_text())
    yield url
    cluster.drop_database(server_url, name)


@pytest.fixture
def demo_app(demo_database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": demo_database_url,
                      "SECRET_KEY": "demo-secret",
                      "JWT_SECRET": "demo-jwt-secret-of-at-least-32-bytes",
                      "WTF_CSRF_ENABLED": True, "MAILBOX_DIR": str(tmp_path / "mailbox"),
                      "STRIPE_DOUBLE_DIR": str(tmp_path / "stripe_double"),
                      "PORTAL_BASE_URL": "http://localhost"})
    yield app
    close_pool(app)


@pytest.fixture
def signed_in(demo_app):
    """A test client signed in as a demo client, through the real link flow. The per-address
    limit is reset first: tests sign the same demo clients in many times a minute."""
    from tests.signin import sign_in

    def as_client(email="ada@example.com"):
        with psycopg.connect(demo_app.config["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("delete from private.login_requests where email = %s", (email,))
        client = demo_app.test_client()
        sign_in(demo_app, client, email)
        return client

    return as_client
