"""What the client and the business are told about a payment: a receipt only for money that
counts, a review notice (and word to the business) for a flagged one, a failure shown as a
failure with what to do next, and details people can read (card, receipt number, one money
format on pages and in emails)."""

import psycopg
import pytest

from app.outbox import deliver_outbox
from tests.payments.conftest import checkout_session, deliver, open_session_row
from tests.payments.test_webhook_order_and_truth import charge
from tests.signin import emails_to, sign_in

COMPLETED = "checkout.session.completed"
BUSINESS = "owner@business.test"


@pytest.fixture
def business_contact(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.settings set contact_email = %s", (BUSINESS,))
    yield BUSINESS
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.settings set contact_email = null")


def kinds_for(database_url, invoice_id):
    with psycopg.connect(database_url) as conn:
        return sorted(conn.execute("select kind, to_email from public.outbox"
                                   " where context ->> 'invoice_id' = %s", (invoice_id,)).fetchall())


# Item 11 --------------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [{"amount": 9999}, {"currency": "EUR"}])
def test_a_flagged_payment_sends_no_receipt_but_tells_the_client_and_the_business(
        app, client, invoice_factory, database_url, business_contact, change):
    invoice = invoice_factory(amount=20000)
    session = checkout_session(app, invoice, **change)
    open_session_row(database_url, session, invoice, 20000)
    deliver(client, app, COMPLETED, session)
    assert kinds_for(database_url, invoice["invoice_id"]) == [
        ("payment_flagged", BUSINESS), ("payment_under_review", invoice["email"])]
    while deliver_outbox(app):  # what earlier tests queued too
        pass
    # The invoice itself was emailed when it was sent (issue 13); this is about the payment.
    (to_client,) = [body for body in emails_to(app, invoice["email"]) if "sent you invoice" not in body]
    assert "is being reviewed" not in to_client  # the subject says it; the body explains
    assert "has not been applied to the invoice yet" in to_client and "do not pay again" in to_client
    assert "Thank you: we received" not in to_client
    (to_business,) = emails_to(app, BUSINESS)
    assert "It was NOT counted towards the invoice" in to_business and invoice["email"] in to_business


def test_an_overpayment_gets_its_receipt_and_the_business_is_told(app, client, invoice_factory, database_url,
                                                                 business_contact):
    invoice = invoice_factory(amount=5000)
    deliver(client, app, COMPLETED, checkout_session(app, invoice, intent="pi_over_a"))
    deliver(client, app, COMPLETED, checkout_session(app, invoice, intent="pi_over_b"))
    assert kinds_for(database_url, invoice["invoice_id"]) == [
        ("business_payment_received", BUSINESS), ("payment_flagged", BUSINESS),
        ("payment_receipt", invoice["email"]), ("payment_receipt", invoice["email"])]


def test_without_a_business_contact_email_the_client_is_still_told(app, client, invoice_factory,
                                                                   database_url):
    invoice = invoice_factory(amount=20000)
    session = checkout_session(app, invoice, amount=100)
    open_session_row(database_url, session, invoice, 20000)
    deliver(client, app, COMPLETED, session)
    assert kinds_for(database_url, invoice["invoice_id"]) == [("payment_under_review", invoice["email"])]


# Item 17 --------------------------------------------------------------------------------------

def test_an_async_payment_failure_shows_as_a_failure_with_what_to_do_next(app, invoice_factory, database_url):
    invoice = invoice_factory(amount=7500)
    client = app.test_client()
    sign_in(app, client, invoice["email"])
    session = checkout_session(app, invoice, paid=False)
    open_session_row(database_url, session, invoice, 7500)
    deliver(client, app, COMPLETED, session)
    page = client.get(f"/invoices/{invoice['invoice_id']}").get_data(as_text=True)
    assert "failed: the bank declined it" not in page  # still processing: no failure yet
    deliver(client, app, "checkout.session.async_payment_failed", session)
    page = " ".join(client.get(f"/invoices/{invoice['invoice_id']}").get_data(as_text=True).split())
    assert "Your last online payment of $75.00" in page and "failed: the bank declined it" in page
    assert "Press Pay Now to try again" in page and "Payment cancelled" not in page


# Item 18 --------------------------------------------------------------------------------------

def test_the_invoice_page_shows_the_card_and_a_receipt_number_not_the_stripe_id(app, invoice_factory,
                                                                                database_url):
    invoice = invoice_factory(amount=12300)
    client = app.test_client()
    sign_in(app, client, invoice["email"])
    deliver(client, app, "charge.succeeded", charge(app, "pi_readable", 12300, brand="amex", last4="0005"))
    deliver(client, app, COMPLETED, checkout_session(app, invoice, intent="pi_readable"))
    page = client.get(f"/invoices/{invoice['invoice_id']}").get_data(as_text=True)
    with psycopg.connect(database_url) as conn:
        (receipt,) = conn.execute("select receipt_number from public.payments"
                                  " where stripe_payment_intent_id = 'pi_readable'").fetchone()
    assert "American Express ending in 0005" in page and receipt in page
    assert "pi_readable" not in page


@pytest.mark.parametrize("amount,currency,written", [(90000, "USD", "$900.00"), (1235, "JPY", "¥1,235"),
                                                      (123456, "EUR", "€1,234.56")])
def test_emails_write_money_as_the_pages_do(app, amount, currency, written):
    from app.emails import render_email

    context = {"amount": amount, "currency": currency, "invoice_currency": currency, "amount_due": 0,
               "invoice_number": "INV-9", "invoice_id": "x", "client_name": "Ada",
               "receipt_number": "R-000001",
               "card_brand": None, "card_last4": None, "business_name": "Biz"}
    email = render_email(app, "payment_receipt", context)
    subject, text = email.subject, email.text
    with app.app_context():
        assert written == app.jinja_env.filters["money"](amount, currency)
    assert f"we received your payment of {written} for invoice INV-9" in text
    assert currency + " " not in text and subject == "Payment received for invoice INV-9"
    assert "Paid with: Card" in text  # before Stripe has said which card
    assert f"<strong>{written}</strong>" in email.html  # the HTML part, from the same filters


def test_emails_queued_with_their_text_are_still_delivered(app, database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("insert into public.outbox (dedupe_key, to_email, subject, body_text)"
                     " values ('legacy:1', 'legacy@example.test', 'Old style', 'Written in SQL')")
    while deliver_outbox(app):  # what earlier tests queued too
        pass
    assert emails_to(app, "legacy@example.test") == ["Written in SQL\n"]
