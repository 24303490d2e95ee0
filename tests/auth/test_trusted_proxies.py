"""Behind a load balancer (issue 11, item 10): with TRUSTED_PROXIES=1 the per-IP sign-in limit
counts the client's address from X-Forwarded-For; with the default 0 it ignores the header,
which any client could forge."""

import psycopg
import pytest

from app import create_app
from tests.conftest import close_pool
from tests.signin import csrf_token


@pytest.fixture
def app_behind(database_url, tmp_path):
    apps = []

    def make(proxies):
        app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                          "MAILBOX_DIR": str(tmp_path / "mailbox"), "TRUSTED_PROXIES": proxies})
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_pool(app)


def ask(app, balancer, forwarded_for, email):
    client = app.test_client()
    page = client.get("/login")
    return client.post("/login", data={"email": email, "csrf_token": csrf_token(page.data)},
                       environ_base={"REMOTE_ADDR": balancer},
                       headers={"X-Forwarded-For": forwarded_for})


@pytest.mark.parametrize("proxies", [0, 1])
def test_the_per_ip_limit_sees_the_client_only_behind_a_trusted_proxy(app_behind, database_url, proxies):
    app, balancer = app_behind(proxies), f"10.50.{proxies}.1"
    # Client A asks 30 times through the balancer (a forged left-most entry changes nothing).
    first_a = [ask(app, balancer, f"6.6.6.{n}, 203.0.{proxies}.7", f"a{n}-{proxies}@example.test").status_code
               for n in range(30)]
    assert first_a == [303] * 30
    client_b = ask(app, balancer, f"198.51.{proxies}.9", f"b-{proxies}@example.test")
    client_a_again = ask(app, balancer, f"203.0.{proxies}.7", f"a30-{proxies}@example.test")
    with psycopg.connect(database_url) as conn:
        recorded = conn.execute("select distinct host(ip) from private.login_requests"
                                " where email like %s", (f"a%-{proxies}@example.test",)).fetchall()
    if proxies == 1:
        assert recorded == [(f"203.0.{proxies}.7",)]
        assert (client_b.status_code, client_a_again.status_code) == (303, 429)
    else:
        assert recorded == [(balancer,)]
        assert (client_b.status_code, client_a_again.status_code) == (429, 429)
