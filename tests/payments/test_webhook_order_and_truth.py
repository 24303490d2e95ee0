"""Events in any order, and the stored Checkout Session as the truth: a charge event that comes
before its payment waits for it; an event naming another invoice than the stored session is
flagged, never applied there; a session saved after its events takes the state they gave."""

import copy

import psycopg
import pytest

from app.data import get_data
from app.dev.stripe_double import samples
from tests.payments.conftest import checkout_session, deliver, open_session_row, rows

COMPLETED = "checkout.session.completed"


def charge(app, intent, amount, refunded=0, brand="visa", last4="4242"):
    """A charge as Stripe sends it (the sample), for a PaymentIntent."""
    with app.app_context():
        sample = copy.deepcopy(samples()["charge"])
    sample.update({"id": "ch_" + intent[3:], "payment_intent": intent, "amount": amount,
                   "amount_refunded": refunded, "refunded": refunded >= amount and refunded > 0})
    sample["payment_method_details"]["card"].update(brand=brand, last4=last4)
    return sample


def event_rows(database_url, object_id):
    with psycopg.connect(database_url) as conn:
        return conn.execute("select type, status, waiting_for, processed_at is not null"
                            " from public.stripe_events where object_id = %s order by received_at",
                            (object_id,)).fetchall()


def card(database_url, intent):
    with psycopg.connect(database_url) as conn:
        return conn.execute("select card_brand, card_last4, receipt_number ~ '^R-[0-9]{6}$'"
                            " from public.payments where stripe_payment_intent_id = %s", (intent,)).fetchone()


def session_status(database_url, session_id):
    with psycopg.connect(database_url) as conn:
        return conn.execute("select status from public.checkout_sessions where id = %s",
                            (session_id,)).fetchone()[0]


# Item 4 ---------------------------------------------------------------------------------------

def test_a_refund_before_its_payment_waits_and_applies_when_the_payment_is_recorded(
        app, client, invoice_factory, database_url):
    invoice = invoice_factory(amount=10000)
    refund = charge(app, "pi_early_refund", 10000, refunded=10000)
    response = deliver(client, app, "charge.refunded", refund)
    assert response.status_code == 200 and response.get_json()["outcome"] == "waiting"
    assert event_rows(database_url, refund["id"]) == [
        ("charge.refunded", "waiting", "pi_early_refund", False)]

    deliver(client, app, COMPLETED, checkout_session(app, invoice, intent="pi_early_refund"))
    result = rows(database_url, invoice["invoice_id"])
    assert result["payments"] == [("pi_early_refund", 10000, "refunded", None, 10000)]
    assert (result["amount_due"], result["paid"]) == (10000, False)  # the money went back: not paid
    assert event_rows(database_url, refund["id"]) == [("charge.refunded", "applied", None, True)]


def test_a_refund_before_a_payment_recorded_by_the_success_page_applies_too(app, invoice_factory,
                                                                            database_url):
    invoice = invoice_factory(amount=6100)
    client = app.test_client()
    deliver(client, app, "charge.refunded", charge(app, "pi_early_page", 6100, refunded=2000))
    with app.app_context():
        get_data(app).call_as_service("record_checkout_payment",
                                      p_session=checkout_session(app, invoice, intent="pi_early_page"))
    assert rows(database_url, invoice["invoice_id"])["payments"] == [
        ("pi_early_page", 6100, "partially_refunded", None, 2000)]


# Item 18: the card, from the charge -----------------------------------------------------------

@pytest.mark.parametrize("charge_first", [True, False])
def test_the_card_brand_and_last_four_come_from_the_charge_in_either_order(app, client, invoice_factory,
                                                                          database_url, charge_first):
    invoice = invoice_factory(amount=4000)
    intent = f"pi_card_{'first' if charge_first else 'second'}"
    succeeded = charge(app, intent, 4000, brand="mastercard", last4="4444")
    session = checkout_session(app, invoice, intent=intent)
    for event_type, obj in ([("charge.succeeded", succeeded), (COMPLETED, session)] if charge_first
                            else [(COMPLETED, session), ("charge.succeeded", succeeded)]):
        assert deliver(client, app, event_type, obj).status_code == 200
    assert card(database_url, intent) == ("mastercard", "4444", True)
    with psycopg.connect(database_url) as conn:
        context = conn.execute("select context from public.outbox where kind = 'payment_receipt'"
                               " and context ->> 'payment_intent' = %s", (intent,)).fetchone()[0]
    assert (context["card_brand"], context["card_last4"]) == ("mastercard", "4444")


# Item 5 ---------------------------------------------------------------------------------------

def test_an_event_naming_another_invoice_than_the_stored_session_is_flagged_not_applied(app, client,
                                                                                      invoice_factory,
                                                                                      database_url):
    mine, theirs = invoice_factory(amount=30000), invoice_factory(amount=30000)
    session = checkout_session(app, mine, intent="pi_tampered")
    open_session_row(database_url, session, mine, 30000)
    tampered = {**session, "client_reference_id": theirs["invoice_id"],
                "metadata": {"invoice_id": theirs["invoice_id"], "client_id": theirs["client_id"]}}
    assert deliver(client, app, COMPLETED, tampered).get_json()["outcome"] == "recorded"
    assert rows(database_url, theirs["invoice_id"])["payments"] == []
    assert rows(database_url, theirs["invoice_id"])["amount_due"] == 30000
    result = rows(database_url, mine["invoice_id"])
    assert [(p[0], p[3]) for p in result["payments"]] == [("pi_tampered", "invoice_mismatch")]
    assert (result["amount_due"], result["paid"], result["emails"]) == (30000, False, 0)


def test_a_payment_recorded_before_its_session_was_saved_is_flagged_when_the_session_disagrees(
        app, client, invoice_factory, database_url):
    mine, theirs = invoice_factory(amount=20000), invoice_factory(amount=20000)
    session = checkout_session(app, mine, intent="pi_early_tamper")
    tampered = {**session, "client_reference_id": theirs["invoice_id"],
                "metadata": {"invoice_id": theirs["invoice_id"], "client_id": theirs["client_id"]}}
    deliver(client, app, COMPLETED, tampered)  # no stored session yet: the metadata is all there is
    with app.app_context():
        get_data(app).call_as_service("save_checkout_session", p_session={**session, "url": "https://x",
                                                                          "expires_at": 2000000000})
    assert [(p[0], p[3]) for p in rows(database_url, theirs["invoice_id"])["payments"]] == [
        ("pi_early_tamper", "invoice_mismatch")]
    assert rows(database_url, theirs["invoice_id"])["amount_due"] == 20000  # no longer counted there


# Item 6 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("event_type,paid,status", [
    (COMPLETED, True, "complete"),
    (COMPLETED, False, "processing"),
    ("checkout.session.async_payment_failed", False, "failed"),
    ("checkout.session.expired", False, "expired"),
])
def test_a_session_saved_after_its_webhook_takes_the_state_the_webhook_gave(app, client, invoice_factory,
                                                                            database_url, event_type, paid,
                                                                            status):
    invoice = invoice_factory(amount=9100)
    session = checkout_session(app, invoice, paid=paid)
    assert deliver(client, app, event_type, session).status_code == 200
    with app.app_context():
        saved = get_data(app).call_as_service("save_checkout_session", p_session={
            **session, "status": "open", "payment_status": "unpaid", "url": "https://x",
            "expires_at": 2000000000})
    assert saved["status"] == status
    assert session_status(database_url, session["id"]) == status


def test_a_malformed_invoice_id_in_the_metadata_of_a_stored_session_is_flagged_not_lost(app, client,
                                                                                        invoice_factory,
                                                                                        database_url):
    invoice = invoice_factory(amount=3300)
    session = checkout_session(app, invoice, intent="pi_garbled")
    open_session_row(database_url, session, invoice, 3300)
    garbled = {**session, "client_reference_id": "garbled", "metadata": {"invoice_id": "garbled"}}
    assert deliver(client, app, COMPLETED, garbled).get_json()["outcome"] == "recorded"
    assert [(p[0], p[3]) for p in rows(database_url, invoice["invoice_id"])["payments"]] == [
        ("pi_garbled", "invoice_mismatch")]
