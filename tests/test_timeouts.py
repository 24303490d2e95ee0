"""Nothing waits for ever: a lock held elsewhere, a runaway statement or an exhausted pool end
the request within seconds with a clear page, and /health says what is wrong."""

import contextlib
import time

import psycopg
import pytest

from app import create_app
from app.data import Unavailable, get_data
from tests.conftest import close_pool
from tests.signin import sign_in

LOCK_TIMEOUT_MS = 500
POOL_TIMEOUT = 1.0


@pytest.fixture
def strict_app(demo_app):
    """The demo app with short timeouts and a pool of one connection, so tests stay short."""
    app = create_app({**demo_app.config, "DATABASE_LOCK_TIMEOUT_MS": LOCK_TIMEOUT_MS,
                      "DATABASE_STATEMENT_TIMEOUT_MS": 2000, "DATABASE_POOL_SIZE": 1,
                      "DATABASE_POOL_TIMEOUT": POOL_TIMEOUT})
    yield app
    close_pool(app)


@pytest.fixture
def ada(strict_app):
    with psycopg.connect(strict_app.config["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("delete from private.login_requests where email = 'ada@example.com'")
    client = strict_app.test_client()
    sign_in(strict_app, client, "ada@example.com")
    return client


@contextlib.contextmanager
def clients_locked(database_url):
    """A real second connection holding `lock table clients`. The server ends it after 6 s
    (idle_in_transaction_session_timeout), so a request that waits on the lock (the bug) makes
    the test slow and failing, never stuck."""
    with psycopg.connect(database_url) as conn:
        conn.execute("set idle_in_transaction_session_timeout = '6s'")
        conn.execute("lock table public.clients in access exclusive mode")
        try:
            yield
        finally:
            with contextlib.suppress(psycopg.Error):
                conn.rollback()


def timed(action):
    started = time.monotonic()
    result = action()
    return result, time.monotonic() - started


def test_a_page_answers_503_quickly_while_clients_is_locked(strict_app, ada):
    with clients_locked(strict_app.config["DATABASE_URL"]):
        response, seconds = timed(lambda: ada.get("/"))
    assert response.status_code == 503
    assert "briefly unavailable" in response.get_data(as_text=True)
    assert seconds < 2.5, f"the page waited {seconds:.1f} s on the lock"


def test_health_says_clients_is_locked_within_its_own_timeout(strict_app):
    client = strict_app.test_client()
    assert client.get("/health").get_json()["database"] == "ok"
    with clients_locked(strict_app.config["DATABASE_URL"]):
        response, seconds = timed(lambda: client.get("/health"))
    assert seconds < 2, f"/health waited {seconds:.1f} s on the lock"
    assert response.status_code == 503
    report = response.get_json()
    assert (report["status"], report["database"]) == ("degraded", "locked")
    assert "clients table is locked" in report["problem"]


def test_with_the_pool_exhausted_the_busy_page_is_immediate(strict_app, ada):
    with get_data(strict_app).pool.connection():  # the pool's only connection, held
        response, seconds = timed(lambda: ada.get("/invoices"))
        health, health_seconds = timed(lambda: strict_app.test_client().get("/health"))
    assert response.status_code == 503
    assert "briefly unavailable" in response.get_data(as_text=True)
    # One bounded wait for the pool, then the page: the error page itself reads nothing.
    assert seconds < POOL_TIMEOUT + 0.5, f"the 503 page took {seconds:.1f} s"
    assert health.status_code == 503 and health.get_json()["database"] == "busy"
    assert health_seconds < 1.5


def test_the_busy_page_shows_the_business_last_read_without_reading_it(strict_app, ada):
    assert ada.get("/").status_code == 200  # reads the business profile
    business = strict_app.extensions["portal_last_business"]["name"]
    assert business != "Client Portal"
    with get_data(strict_app).pool.connection():
        page = ada.get("/invoices").get_data(as_text=True)
    assert f"· {business}</title>" in page


@pytest.fixture
def sleeper(database_url):
    """A function that sleeps, callable by the service: a stand-in for a runaway query."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("create function public.wt_ui_sleep(p_seconds float) returns void"
                     " language sql as 'select pg_sleep(p_seconds)'")
        conn.execute("grant execute on function public.wt_ui_sleep(float) to service_role")
    yield
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("drop function public.wt_ui_sleep(float)")


def test_a_runaway_statement_is_cancelled_by_the_statement_timeout(app, sleeper):
    # Settings are read once, when the app is made and its adapter attached.
    data = get_data(create_app({**app.config, "DATABASE_STATEMENT_TIMEOUT_MS": 300}))
    started = time.monotonic()
    with pytest.raises(Unavailable):
        data.call_as_service("wt_ui_sleep", p_seconds=3)
    assert time.monotonic() - started < 1.5
