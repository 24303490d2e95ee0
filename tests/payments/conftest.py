"""Fixtures for payments: a client with an unpaid invoice, and Stripe events signed as Stripe
signs them, built on Stripe's own sample objects."""

import copy
import secrets
import uuid

import psycopg
import pytest

from app.dev.stripe_double import samples, signed_event
from app.payments import gateway


@pytest.fixture
def invoice_factory(database_url):
    """Creates a client (portal access on) with a sent invoice of `amount` minor units."""

    def make(amount=50000, currency="USD", paid=0):
        client_id, invoice_id = uuid.uuid4(), uuid.uuid4()
        email = f"payer-{client_id.hex[:8]}@example.test"
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("insert into public.clients (id, name, email, portal_access)"
                         " values (%s, 'Payer', %s, true)", (client_id, email))
            conn.execute("insert into public.invoices (id, client_id, number, status, due_date, currency)"
                         " values (%s, %s, %s, 'sent', current_date + 10, %s)",
                         (invoice_id, client_id, f"PAY-{invoice_id.hex[:8]}", currency))
            conn.execute("insert into public.invoice_items (invoice_id, description, unit_price)"
                         " values (%s, 'Work', %s)", (invoice_id, amount))
            if paid:
                conn.execute("insert into public.payments (invoice_id, amount, currency, method)"
                             " values (%s, %s, %s, 'bank_transfer')", (invoice_id, paid, currency))
        return {"client_id": str(client_id), "invoice_id": str(invoice_id), "email": email,
                "currency": currency, "amount": amount - paid}

    return make


def checkout_session(app, invoice, amount=None, currency=None, session_id=None, intent=None, paid=True):
    """A Checkout Session object as Stripe sends it (the sample, with our fields overlaid)."""
    with app.app_context():
        session = copy.deepcopy(samples()["checkout.session"])
    session.update({
        "id": session_id or "cs_test_" + secrets.token_hex(12),
        "amount_total": invoice["amount"] if amount is None else amount,
        "currency": (currency or invoice["currency"]).lower(),
        "payment_intent": intent or "pi_" + secrets.token_hex(12),
        "payment_status": "paid" if paid else "unpaid", "status": "complete" if paid else "open",
        "metadata": {"invoice_id": invoice["invoice_id"], "client_id": invoice["client_id"]},
        "client_reference_id": invoice["invoice_id"],
    })
    return session


def sign(app, event_type, obj, account=None, secret=None, **options):
    """An event's body and Stripe-Signature header, signed with the app's webhook secret."""
    with app.app_context():
        return signed_event(event_type, obj, account, secret or gateway.webhook_secret(app.config), **options)


def post_event(client, signed):
    payload, header = signed
    return client.post("/stripe/webhook", data=payload, headers={"Stripe-Signature": header,
                                                                 "Content-Type": "application/json"})


def deliver(client, app, event_type, obj, account=None):
    return post_event(client, sign(app, event_type, obj, account))


def events_about(database_url, object_id) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute("select count(*) from public.stripe_events"
                            " where payload -> 'data' -> 'object' ->> 'id' = %s", (object_id,)).fetchone()[0]


def open_session_row(database_url, session, invoice, amount):
    """The checkout_sessions row the portal writes when it opens a session."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("insert into public.checkout_sessions (id, invoice_id, client_id, amount, currency, url,"
                     " expires_at) values (%s, %s, %s, %s, 'USD', 'https://x', now() + interval '1 hour')",
                     (session["id"], invoice["invoice_id"], invoice["client_id"], amount))


def rows(database_url, invoice_id):
    """What the database holds for an invoice: payments, status, and confirmation emails."""
    with psycopg.connect(database_url) as conn:
        payments = conn.execute(
            "select stripe_payment_intent_id, amount, status::text, flag, amount_refunded"
            " from public.payments where invoice_id = %s order by created_at", (invoice_id,)).fetchall()
        amount_due, paid = conn.execute("select amount_due, paid_at is not null from public.invoices"
                                        " where id = %s", (invoice_id,)).fetchone()
        emails = conn.execute("select count(*) from public.outbox o join public.payments p"
                              " on o.dedupe_key = 'payment_receipt:' || p.id where p.invoice_id = %s",
                              (invoice_id,)).fetchone()[0]
    return {"payments": payments, "amount_due": amount_due, "paid": paid, "emails": emails}


@pytest.fixture
def sends_queued_email(app):
    """Delivers (to the test's mailbox) the emails a test queued, so tests that make many
    payments leave no backlog for a later test's single round of the worker."""
    yield
    from app.outbox import deliver_outbox

    with app.app_context():
        while deliver_outbox(app, limit=100):
            pass
