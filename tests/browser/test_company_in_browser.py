"""Company accounts in a real browser (chromium, axe, 1280 and 375 px): Grace, an owner, invites
a bookkeeper (billing) and a viewer from the People page; the bookkeeper signs in with the
emailed link and pays an invoice through Checkout, and cannot accept a quote; the viewer is
refused payment."""

import re
import uuid

import psycopg
import pytest

from tests.browser.conftest import APPS_BY_URL, screenshot
from tests.browser.test_portal_in_browser import serious_violations, sideways_overflow
from tests.signin import run_worker

GRACE = "00000000-0000-4000-8000-00000000000b"


@pytest.fixture
def grace_documents(demo_database_url):
    """An unpaid invoice and a pending quote of Grace's, made for this test."""
    invoice_id, quote_id, tag = uuid.uuid4(), uuid.uuid4(), uuid.uuid4().hex[:5].upper()
    with psycopg.connect(demo_database_url, autocommit=True) as conn:
        conn.execute("insert into public.invoices (id, client_id, number, status, due_date, currency)"
                     " values (%s, %s, %s, 'sent', current_date + 5, 'USD')",
                     (invoice_id, GRACE, f"INV-C{tag}"))
        conn.execute("insert into public.invoice_items (invoice_id, description, quantity, unit_price)"
                     " values (%s, 'Bookkeeping', 1, 12300)", (invoice_id,))
        conn.execute("insert into public.quotes (id, client_id, number, status, valid_until)"
                     " values (%s, %s, %s, 'sent', current_date + 30)", (quote_id, GRACE, f"Q-C{tag}"))
        conn.execute("insert into public.quote_items (quote_id, description, unit_price)"
                     " values (%s, 'Plan', 5000)", (quote_id,))
    return str(invoice_id), str(quote_id)


def sign_in_as(page, base, email):
    with psycopg.connect(page.context.demo_database_url, autocommit=True) as conn:
        conn.execute("delete from private.login_requests")  # the browser always comes from 127.0.0.1
    page.goto(f"{base}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send Magic Link").click()
    page.get_by_text("a sign-in link is on its way").wait_for()
    open_newest_link(page, base, email)


def open_newest_link(page, base, email):
    run_worker(APPS_BY_URL[base])
    page.goto(f"{base}/dev/mailbox")
    message = page.locator("li", has_text=f"to {email}").get_by_role("link", name=re.compile("sign-in link"))
    message.first.click()
    page.goto(page.locator("a[href*='/auth/confirm']").first.get_attribute("href"))
    page.get_by_role("button", name=re.compile("Sign in to")).click()
    page.get_by_text(re.compile("Welcome, ")).wait_for()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have been signed out.").wait_for()


def checked(page, name, viewport):
    assert serious_violations(page) == [], name
    assert sideways_overflow(page) <= 0, name
    screenshot(page, name, viewport)


@pytest.mark.browser
def test_an_owner_invites_a_bookkeeper_who_pays_and_a_viewer_who_is_refused(
        page, demo_server, demo_database_url, grace_documents, viewport):
    invoice_id, quote_id = grace_documents
    base = demo_server["url"]
    page.context.demo_database_url = demo_database_url
    bookkeeper, viewer = (f"{role}-{uuid.uuid4().hex[:6]}@example.com" for role in ("books", "viewer"))

    sign_in_as(page, base, "grace@example.com")
    page.goto(f"{base}/profile")
    page.get_by_role("link", name="People").click()
    for name, email, role in (("Bea Keeper", bookkeeper, "billing"), ("Vic Viewer", viewer, "viewer")):
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Role", exact=True).select_option(role)
        page.get_by_role("button", name="Send invitation").click()
        page.get_by_text(f"{name} was invited").wait_for()
    checked(page, "company-people", viewport)
    sign_out(page)

    # The bookkeeper's link came through the sign-in queue.
    open_newest_link(page, base, bookkeeper)
    page.goto(f"{base}/invoices/{invoice_id}")
    page.get_by_role("link", name="Pay Now").click()
    page.get_by_role("button", name="Proceed to Payment").click()
    page.get_by_role("button", name="Pay", exact=True).click()
    page.get_by_role("heading", name="Payment received").wait_for()
    checked(page, "company-bookkeeper-paid", viewport)
    page.goto(f"{base}/quotes/{quote_id}/accept")
    page.get_by_text("cannot accept or reject quotes").wait_for()
    checked(page, "company-bookkeeper-no-quotes", viewport)
    sign_out(page)

    open_newest_link(page, base, viewer)
    page.goto(f"{base}/invoices/{invoice_id}/pay")
    page.get_by_text("cannot pay invoices").wait_for()
    checked(page, "company-viewer-refused", viewport)
    with psycopg.connect(demo_database_url) as conn:
        status = conn.execute("select status::text from public.quotes where id = %s",
                              (quote_id,)).fetchone()[0]
    assert status == "sent"
