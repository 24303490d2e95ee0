"""Paying an invoice in a real browser through the local Stripe double: Pay Now, review,
Proceed to Payment, the hosted checkout, back with an instant confirmation, the Paid badge, the
payment in the history, the email in the mailbox."""

import re
import uuid

import psycopg
import pytest

from app.outbox import deliver_outbox
from tests.browser.conftest import screenshot
from tests.browser.test_portal_in_browser import (
    serious_violations,
    sideways_overflow,
    sign_in_through_the_mailbox,
)


@pytest.fixture
def fresh_invoice(demo_database_url):
    """An unpaid invoice of Grace's, made for this test (the demo data stays as it is)."""
    invoice_id, number = uuid.uuid4(), f"INV-B{uuid.uuid4().hex[:5].upper()}"
    with psycopg.connect(demo_database_url, autocommit=True) as conn:
        conn.execute("insert into public.invoices (id, client_id, number, status, due_date, currency)"
                     " values (%s, '00000000-0000-4000-8000-00000000000b', %s, 'sent',"
                     " current_date + 5, 'USD')",
                     (invoice_id, number))
        conn.execute("insert into public.invoice_items (invoice_id, description, quantity, unit_price)"
                     " values (%s, 'Design review', 2, 32100)", (invoice_id,))
    return str(invoice_id), number


@pytest.mark.browser
def test_paying_an_invoice_end_to_end(page, demo_server, demo_database_url, fresh_invoice, viewport):
    invoice_id, number = fresh_invoice
    base, app = demo_server["url"], demo_server["app"]
    page.context.demo_database_url = demo_database_url
    sign_in_through_the_mailbox(page, base, "grace@example.com")
    page.goto(f"{base}/invoices/{invoice_id}")
    page.get_by_role("link", name="Pay Now").click()
    page.get_by_text("Amount to pay").wait_for()
    assert "$642.00" in page.inner_text("main")
    assert serious_violations(page) == [] and sideways_overflow(page) <= 0
    screenshot(page, "payment-review", viewport)
    page.get_by_role("button", name="Proceed to Payment").click()
    page.get_by_text("Local Stripe test double").wait_for()
    screenshot(page, "payment-checkout", viewport)
    page.get_by_role("button", name="Pay", exact=True).click()
    page.get_by_role("heading", name="Payment received").wait_for()
    confirmation = page.inner_text("main")
    assert "$642.00" in confirmation and "Visa ending in 4242" in confirmation
    assert re.search(r"R-\d{6}", confirmation) and "pi_" not in confirmation
    assert serious_violations(page) == [] and sideways_overflow(page) <= 0
    screenshot(page, "payment-received", viewport)
    page.get_by_role("link", name=f"View invoice {number}").click()
    assert page.locator(".badge-paid").first.is_visible()
    assert "Succeeded" in page.inner_text("main")
    with app.app_context():
        while deliver_outbox(app):  # what earlier tests queued too
            pass
    page.goto(f"{base}/dev/mailbox")
    page.get_by_role("link", name=f"Payment received for invoice {number}").click()
    assert "$642.00" in page.inner_text("main") and "USD 642.00" not in page.inner_text("main")


@pytest.mark.browser
def test_a_declined_payment_reads_as_a_failure_with_what_to_do_next(page, demo_server, demo_database_url,
                                                                    fresh_invoice, viewport):
    invoice_id, number = fresh_invoice
    base = demo_server["url"]
    page.context.demo_database_url = demo_database_url
    sign_in_through_the_mailbox(page, base, "grace@example.com")
    page.goto(f"{base}/invoices/{invoice_id}/pay")
    page.get_by_role("button", name="Proceed to Payment").click()
    page.get_by_role("button", name="Decline").click()
    page.get_by_role("heading", name="Payment failed").wait_for()
    text = page.inner_text("main")
    assert "Nothing was charged" in text and "$642.00" in text and "cancelled" not in text
    assert serious_violations(page) == [] and sideways_overflow(page) <= 0
    screenshot(page, "payment-failed", viewport)
    page.get_by_role("link", name=f"View invoice {number}").click()
    assert "failed: the bank declined it" in page.inner_text("main")
    assert page.get_by_role("link", name="Pay Now").is_visible()
