"""A refund is emailed to the client, and to the business when it wants it (issue 13): one of
each per refund, however often Stripe reports it."""

import psycopg

from app.dev.stripe_double import samples
from app.outbox import deliver_outbox
from tests.payments.conftest import checkout_session, deliver
from tests.signin import emails_to

COMPLETED = "checkout.session.completed"


def test_each_refund_is_emailed_once_to_the_client_and_the_business(app, client, invoice_factory,
                                                                   database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        before = conn.execute("select notification_email, notify_events from public.settings").fetchone()
        conn.execute("update public.settings set notification_email = 'books@business.example',"
                     " notify_events = '{refund}'")
    try:
        invoice = invoice_factory(amount=10000)
        deliver(client, app, COMPLETED, checkout_session(app, invoice, intent="pi_refund_mail"))
        with app.app_context():
            charge = {**samples()["charge"], "id": "ch_refund_mail", "payment_intent": "pi_refund_mail",
                      "amount": 10000, "amount_refunded": 4000, "refunded": False}
        deliver(client, app, "charge.refunded", charge)
        deliver(client, app, "charge.refunded", charge)  # reported again: nothing new
        while deliver_outbox(app):
            pass
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("update public.settings set notification_email = %s, notify_events = %s", before)
    [refund] = [body for body in emails_to(app, invoice["email"]) if "We refunded" in body]
    assert "We refunded $40.00 of your payment" in refund and "Due on the invoice now: $40.00" in refund
    [notice] = emails_to(app, "books@business.example")
    assert "A refund of $40.00 to Payer" in notice, "and no payment notice: not switched on"
