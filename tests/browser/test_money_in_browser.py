"""Money in a real browser (issue 14), at 1280 and 375 px with axe: a partial payment, a
combined payment of two invoices, and a statement downloaded as CSV and PDF."""

import csv
import io
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_portal_in_browser import (
    serious_violations,
    sideways_overflow,
    sign_in_through_the_mailbox,
)


@pytest.fixture
def payer(page, demo_database_url):
    """A client of its own (portal access) with two unpaid USD invoices, $300 then $200."""
    page.context.demo_database_url = demo_database_url
    email = f"money-{uuid.uuid4().hex[:8]}@example.com"
    numbers = []
    with psycopg.connect(demo_database_url, autocommit=True) as conn:
        client_id = conn.execute("insert into public.clients (name, email, portal_access)"
                                 " values ('Morgan Money', %s, true) returning id", (email,)).fetchone()[0]
        for age, amount in ((20, 30000), (10, 20000)):
            number = f"INV-M{uuid.uuid4().hex[:5].upper()}"
            invoice_id = conn.execute(
                "insert into public.invoices (client_id, number, status, issue_date, due_date, currency)"
                " values (%s, %s, 'sent', current_date - %s, current_date + 20, 'USD') returning id",
                (client_id, number, age)).fetchone()[0]
            conn.execute("insert into public.invoice_items (invoice_id, description, unit_price)"
                         " values (%s, 'Studio work', %s)", (invoice_id, amount))
            numbers.append(number)
    return email, numbers


@pytest.fixture
def partial_payments(demo_database_url):
    """The demo's rules (supabase/seed.sql), whatever an earlier test left."""
    with psycopg.connect(demo_database_url, autocommit=True) as conn:
        conn.execute("update public.settings set partial_payments = true, partial_payment_minimum = 5000")


def checked(page):
    assert serious_violations(page) == [] and sideways_overflow(page) <= 0


def pay_on_the_double(page):
    page.get_by_role("button", name="Proceed to Payment").click()
    page.get_by_text("Local Stripe test double").wait_for()
    page.get_by_role("button", name="Pay", exact=True).click()
    page.get_by_role("heading", name="Payment received").wait_for()


@pytest.mark.browser
def test_a_partial_payment(page, demo_server, payer, partial_payments, viewport):
    base = demo_server["url"]
    email, (older, _) = payer
    sign_in_through_the_mailbox(page, base, email)
    page.goto(f"{base}/invoices")
    page.get_by_role("link", name=f"Pay invoice {older}").click()
    page.get_by_label("Amount to pay").fill("120.50")
    checked(page)
    screenshot(page, "money-partial-choose", viewport)
    pay_on_the_double(page)
    assert "$120.50" in page.inner_text("main")
    checked(page)
    page.get_by_role("link", name=f"View invoice {older}").click()
    text = page.inner_text("main")
    assert "$179.50" in text and "Pay Now" in text
    screenshot(page, "money-partial-paid", viewport)


@pytest.mark.browser
def test_a_combined_payment(page, demo_server, payer, viewport):
    base = demo_server["url"]
    email, (older, newer) = payer
    sign_in_through_the_mailbox(page, base, email)
    page.get_by_role("link", name="Pay $500.00").click()
    for number in (older, newer):
        assert page.get_by_role("checkbox", name=number, exact=True).is_checked()
    checked(page)
    screenshot(page, "money-combined-choose", viewport)
    pay_on_the_double(page)
    assert "$500.00" in page.inner_text("main")
    page.goto(f"{base}/invoices")
    for number in (older, newer):
        page.get_by_role("link", name=number, exact=True).click()
        history = page.inner_text("main").split("Payment history")[1]
        assert "share of a $500.00 payment" in history
        assert page.locator(".badge-paid").first.is_visible()
        page.go_back()
    page.get_by_role("link", name=newer, exact=True).click()
    page.locator("td[data-label=Reference] a").first.click()
    page.get_by_role("heading", name="Invoices paid").wait_for()
    checked(page)
    screenshot(page, "money-combined-receipt", viewport)


@pytest.mark.browser
def test_a_statement_download(page, demo_server, payer, viewport):
    base = demo_server["url"]
    email, (older, newer) = payer
    sign_in_through_the_mailbox(page, base, email)
    page.get_by_role("link", name="Statement of account").click()
    page.get_by_role("heading", name="Statement of account").wait_for()
    text = page.inner_text("main")
    assert older in text and newer in text and "$500.00" in text
    checked(page)
    screenshot(page, "money-statement", viewport)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [row["type"] for row in rows] == ["Opening balance", "Invoice", "Invoice", "Closing balance"]
    assert rows[-1]["balance"] == "500.00"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.startswith("Statement-")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
