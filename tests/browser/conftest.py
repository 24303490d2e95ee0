"""Browser tests: Debian's chromium driven by Playwright, against the app on a real server with
the demo data. Screenshots land in tests/artifacts/ (kept by CI as test artifacts)."""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app import create_app
from app.config import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
# The app behind each demo server's address, for helpers that run a worker round on it.
APPS_BY_URL = {}
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 740}


@pytest.fixture(scope="session")
def demo_server(demo_database_url, tmp_path_factory):
    mailbox = tmp_path_factory.mktemp("mailbox")
    holder = {}
    server = make_server("127.0.0.1", 0, None, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app = create_app({"DATABASE_URL": demo_database_url, "SECRET_KEY": "browser-secret-" + "x" * 20,
                      "JWT_SECRET": "browser-jwt-secret-of-at-least-32-bytes", "MAILBOX_DIR": str(mailbox),
                      "STRIPE_DOUBLE_DIR": str(tmp_path_factory.mktemp("stripe_double")),
                      "PORTAL_BASE_URL": base})
    server.app = app
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    holder.update(url=base, app=app)
    APPS_BY_URL[base] = app
    yield holder
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=["desktop", "mobile"])
def viewport(request):
    return request.param


@pytest.fixture
def page(browser, viewport):
    context = browser.new_context(viewport=DESKTOP if viewport == "desktop" else MOBILE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def screenshot(page, name: str, viewport: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}-{viewport}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
