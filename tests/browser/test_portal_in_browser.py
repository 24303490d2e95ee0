"""The portal in a real browser (Debian's chromium through Playwright), desktop and 375 px:
sign-in through the local mailbox, every page, axe-core accessibility checks, no sideways
scrolling on a phone, keyboard use, screenshots."""

import re

import psycopg
import pytest

from app.config import PROJECT_ROOT
from tests.browser.conftest import APPS_BY_URL, screenshot
from tests.signin import run_worker

AXE = (PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
PAGES = [
    ("dashboard", "/", "Welcome, Ada Lovelace"),
    ("invoices", "/invoices", "Invoices"),
    ("invoices-overdue", "/invoices?status=overdue", "INV-0003"),
    ("invoice", "/invoices/00000000-0000-4000-8001-000000000002", "Invoice INV-0002"),
    ("quotes", "/quotes", "Quotes"),
    ("quote", "/quotes/00000000-0000-4000-8002-000000000001", "Quote Q-0001"),
    ("quote-accept", "/quotes/00000000-0000-4000-8002-000000000001/accept", "Accept quote Q-0001"),
    ("quote-reject", "/quotes/00000000-0000-4000-8002-000000000001/reject", "Reject quote Q-0001"),
    ("profile", "/profile", "Contact details"),
    ("activity", "/activity", "Account activity"),
    ("bookings", "/bookings", "Introductory call"),
    ("not-found", "/invoices/00000000-0000-4000-8001-000000000010", "Not found"),
]


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings. Evaluated through the DevTools protocol, which
    the page's Content-Security-Policy does not govern."""
    page.evaluate(AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def sign_in_through_the_mailbox(page, base, email="ada@example.com"):
    with psycopg.connect(page.context.demo_database_url, autocommit=True) as conn:
        # The browser always comes from 127.0.0.1: the demo database forgets earlier requests
        # so the per-address and per-IP limits only ever see this one.
        conn.execute("delete from private.login_requests")
    page.goto(f"{base}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send Magic Link").click()
    page.get_by_text("a sign-in link is on its way").wait_for()
    run_worker(APPS_BY_URL[base])  # as the development server's worker thread would
    page.goto(f"{base}/dev/mailbox")
    page.get_by_role("link", name=re.compile("Your sign-in link")).first.click()
    link = page.locator("a[href*='/auth/confirm']").first.get_attribute("href")
    page.goto(link)
    page.get_by_role("button", name=re.compile("Sign in to")).click()
    page.get_by_text(re.compile("Welcome, ")).wait_for()


@pytest.fixture
def portal_page(page, demo_server, demo_database_url):
    page.context.demo_database_url = demo_database_url
    return page


@pytest.mark.browser
def test_signed_out_pages_are_accessible(portal_page, demo_server, viewport):
    for name, path in (("login", "/login"), ("login-sent", "/login/sent"),
                       ("link-refused", "/auth/confirm?token_hash=nope&type=email")):
        portal_page.goto(demo_server["url"] + path)
        assert serious_violations(portal_page) == [], name
        assert sideways_overflow(portal_page) <= 0, name
        screenshot(portal_page, name, viewport)


@pytest.mark.browser
def test_every_page_in_the_browser(portal_page, demo_server, viewport):
    base = demo_server["url"]
    # Anything a page loads besides itself (styles, scripts, the icon) must exist.
    missing = []
    portal_page.on("response", lambda r: r.status >= 400 and r.request.resource_type != "document"
                   and missing.append(r.url))
    sign_in_through_the_mailbox(portal_page, base)
    for name, path, heading in PAGES:
        portal_page.goto(base + path)
        portal_page.get_by_text(heading).first.wait_for()
        assert serious_violations(portal_page) == [], name
        assert sideways_overflow(portal_page) <= 0, f"{name} scrolls sideways"
        screenshot(portal_page, name, viewport)
    assert missing == []


@pytest.mark.browser
def test_keyboard_only_profile_update(portal_page, demo_server, demo_database_url, viewport):
    base = demo_server["url"]
    sign_in_through_the_mailbox(portal_page, base, "elodie@example.com")
    portal_page.goto(base + "/profile")
    portal_page.get_by_label("Phone number").focus()
    portal_page.keyboard.press("Control+A")
    portal_page.keyboard.type("+33 1 98 76 54 32")
    portal_page.keyboard.press("Tab")
    portal_page.keyboard.press("Control+A")
    portal_page.keyboard.type("5 avenue Foch")
    portal_page.keyboard.press("Enter")
    portal_page.get_by_text("Your contact details were saved.").wait_for()
    with psycopg.connect(demo_database_url) as conn:
        saved = conn.execute("select phone, address_line1 from public.clients"
                             " where email = 'elodie@example.com'").fetchone()
    assert saved == ("+33 1 98 76 54 32", "5 avenue Foch")


@pytest.mark.browser
def test_signing_out_and_reusing_the_link(portal_page, demo_server, viewport):
    base = demo_server["url"]
    sign_in_through_the_mailbox(portal_page, base, "grace@example.com")
    portal_page.get_by_role("button", name="Sign out").click()
    portal_page.get_by_text("You have been signed out.").wait_for()
    portal_page.goto(f"{base}/dev/mailbox")
    portal_page.get_by_role("link", name=re.compile("Your sign-in link")).first.click()
    portal_page.goto(portal_page.locator("a[href*='/auth/confirm']").first.get_attribute("href"))
    portal_page.get_by_role("button", name=re.compile("Sign in to")).click()
    portal_page.get_by_text("already been used").wait_for()
    screenshot(portal_page, "link-used", viewport)
