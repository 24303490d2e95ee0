"""The Stripe webhook: signed events only, each applied exactly once, checked against what was
asked; the database decides, and a failure is retried by Stripe without losing anything."""

import random
import threading
import time

import httpx
import psycopg
import pytest

from app import create_app
from app.dev.stripe_double import samples
from tests.payments.conftest import (
    checkout_session,
    deliver,
    events_about,
    open_session_row,
    post_event,
    rows,
    sign,
)

COMPLETED = "checkout.session.completed"


def paid(intent, amount):
    return [(intent, amount, "succeeded", None, 0)]


def test_a_paid_session_records_one_payment_and_one_email(app, client, invoice_factory, database_url):
    invoice = invoice_factory(amount=50000)
    response = deliver(client, app, COMPLETED, checkout_session(app, invoice, intent="pi_ok1"))
    assert response.status_code == 200 and response.get_json()["outcome"] == "recorded"
    assert rows(database_url, invoice["invoice_id"]) == {
        "payments": paid("pi_ok1", 50000), "amount_due": 0, "paid": True, "emails": 1}


@pytest.mark.parametrize("tamper", ["unsigned", "forged", "stale", "body changed"])
def test_unsigned_forged_and_stale_events_are_refused_and_write_nothing(app, client, invoice_factory,
                                                                         database_url, tamper):
    invoice = invoice_factory()
    session = checkout_session(app, invoice)
    payload, header = sign(app, COMPLETED, session, secret="whsec_not_ours" if tamper == "forged" else None,
                           timestamp=int(time.time()) - 301 if tamper == "stale" else None)
    if tamper == "body changed":
        payload = payload.replace(b'"amount_total": ', b'"amount_total": 1')
    headers = {} if tamper == "unsigned" else {"Stripe-Signature": header}
    assert client.post("/stripe/webhook", data=payload, headers=headers).status_code == 400
    assert rows(database_url, invoice["invoice_id"])["payments"] == []
    assert events_about(database_url, session["id"]) == 0


def test_the_same_event_ten_times_shuffled_with_others_is_applied_once(app, client, invoice_factory,
                                                                        database_url):
    first, second = invoice_factory(amount=30000), invoice_factory(amount=40000)
    one = sign(app, COMPLETED, checkout_session(app, first, intent="pi_dup1"))
    other = sign(app, COMPLETED, checkout_session(app, second, intent="pi_dup2"))
    noise = [sign(app, "customer.created", {"id": f"cus_{n}", "object": "customer"}) for n in range(5)]
    deliveries = [one] * 10 + [other] * 3 + noise
    random.Random(7).shuffle(deliveries)
    assert [post_event(client, signed).status_code for signed in deliveries] == [200] * len(deliveries)
    assert rows(database_url, first["invoice_id"]) == {
        "payments": paid("pi_dup1", 30000), "amount_due": 0, "paid": True, "emails": 1}
    assert rows(database_url, second["invoice_id"])["payments"] == paid("pi_dup2", 40000)


def test_concurrent_deliveries_of_one_event_apply_it_once(app, live_server, invoice_factory, database_url):
    invoice = invoice_factory(amount=25000)
    payload, header = sign(app, COMPLETED, checkout_session(app, invoice, intent="pi_conc"))
    start, results = threading.Barrier(8), []

    def send():
        start.wait()
        results.append(httpx.post(f"{live_server}/stripe/webhook", content=payload,
                                  headers={"Stripe-Signature": header}).status_code)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 8
    assert rows(database_url, invoice["invoice_id"]) == {
        "payments": paid("pi_conc", 25000), "amount_due": 0, "paid": True, "emails": 1}


def test_expired_after_completed_leaves_the_payment_and_the_session_complete(app, client, invoice_factory,
                                                                             database_url):
    invoice = invoice_factory(amount=12000)
    session = checkout_session(app, invoice, intent="pi_order")
    open_session_row(database_url, session, invoice, 12000)
    deliver(client, app, COMPLETED, session)
    expired = deliver(client, app, "checkout.session.expired", {**session, "status": "expired"})
    assert expired.status_code == 200
    with psycopg.connect(database_url) as conn:
        status = conn.execute("select status from public.checkout_sessions where id = %s",
                              (session["id"],)).fetchone()
    assert status == ("complete",)
    assert rows(database_url, invoice["invoice_id"])["paid"] is True


@pytest.mark.parametrize("change,flag", [({"amount": 9999}, "amount_mismatch"),
                                         ({"currency": "EUR"}, "currency_mismatch")])
def test_a_payment_that_does_not_match_is_recorded_and_flagged_not_marked_paid(app, client, invoice_factory,
                                                                               database_url, change, flag):
    invoice = invoice_factory(amount=20000)
    session = checkout_session(app, invoice, intent="pi_" + flag, **change)
    open_session_row(database_url, session, invoice, 20000)
    deliver(client, app, COMPLETED, session)
    result = rows(database_url, invoice["invoice_id"])
    assert [(p[0], p[3]) for p in result["payments"]] == [("pi_" + flag, flag)]
    assert (result["amount_due"], result["paid"]) == (20000, False)
    with psycopg.connect(database_url) as conn:
        flagged = conn.execute("select count(*) from public.activity where subject_id = %s"
                               " and kind = 'payment_flagged'", (invoice["invoice_id"],)).fetchone()[0]
    assert flagged == 1


def test_a_second_payment_is_kept_and_flagged_as_an_overpayment(app, client, invoice_factory, database_url):
    invoice = invoice_factory(amount=15000)
    deliver(client, app, COMPLETED, checkout_session(app, invoice, intent="pi_first"))
    deliver(client, app, COMPLETED, checkout_session(app, invoice, intent="pi_second"))
    result = rows(database_url, invoice["invoice_id"])
    assert [(p[0], p[3]) for p in result["payments"]] == [("pi_first", None), ("pi_second", "overpayment")]
    assert result["amount_due"] == 0


def test_an_unknown_invoice_is_acknowledged_and_its_event_kept(app, client, invoice_factory, database_url):
    invoice = invoice_factory()
    session = checkout_session(app, {**invoice, "invoice_id": "00000000-0000-4000-8000-00000000dead"})
    response = deliver(client, app, COMPLETED, session)
    assert response.status_code == 200 and response.get_json()["outcome"] == "unknown_invoice"
    assert events_about(database_url, session["id"]) == 1


def test_events_of_another_connect_account_or_mode_are_ignored(app, client, invoice_factory, database_url):
    invoice = invoice_factory()
    other_account = deliver(client, app, COMPLETED, checkout_session(app, invoice), account="acct_other1")
    assert other_account.get_json()["ignored"] == "account"
    live = post_event(client, sign(app, COMPLETED, checkout_session(app, invoice), livemode=True))
    assert live.get_json()["ignored"] == "mode"
    assert rows(database_url, invoice["invoice_id"])["payments"] == []


def test_connect_events_from_the_configured_account_are_applied(app, client, invoice_factory, database_url):
    invoice = invoice_factory(amount=7000)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.settings set stripe_account_id = 'acct_connected1'")
    try:
        connected = deliver(client, app, COMPLETED, checkout_session(app, invoice), account="acct_connected1")
        assert connected.get_json()["outcome"] == "recorded"
        platform = deliver(client, app, COMPLETED, checkout_session(app, invoice))
        assert platform.get_json()["ignored"] == "account"
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("update public.settings set stripe_account_id = null")


def test_database_unavailable_answers_5xx_then_the_retry_succeeds(app, client, invoice_factory, database_url):
    invoice = invoice_factory(amount=8000)
    signed = sign(app, COMPLETED, checkout_session(app, invoice, intent="pi_retry"))
    down = create_app({**app.config, "DATABASE_POOL_SIZE": 1, "DATABASE_POOL_TIMEOUT": 2,
                       "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none?connect_timeout=1"})
    assert post_event(down.test_client(), signed).status_code in (500, 503)
    down.extensions["portal_pool"].close()
    assert rows(database_url, invoice["invoice_id"])["payments"] == []
    assert post_event(client, signed).status_code == 200
    assert rows(database_url, invoice["invoice_id"])["payments"] == paid("pi_retry", 8000)


def test_a_refund_restores_the_amount_due_and_shows_in_activity(app, client, invoice_factory, database_url):
    invoice = invoice_factory(amount=10000)
    deliver(client, app, COMPLETED, checkout_session(app, invoice, intent="pi_refund"))
    with app.app_context():
        charge = {**samples()["charge"], "id": "ch_refund1", "payment_intent": "pi_refund", "amount": 10000,
                  "amount_refunded": 4000, "refunded": False}
    deliver(client, app, "charge.refunded", charge)
    result = rows(database_url, invoice["invoice_id"])
    assert result["payments"] == [("pi_refund", 10000, "partially_refunded", None, 4000)]
    assert (result["amount_due"], result["paid"]) == (4000, False)
    deliver(client, app, "charge.refunded", {**charge, "amount_refunded": 10000, "refunded": True})
    result = rows(database_url, invoice["invoice_id"])
    assert result["payments"][0][2:] == ("refunded", None, 10000) and result["amount_due"] == 10000
    with psycopg.connect(database_url) as conn:
        kinds = [r[0] for r in conn.execute("select kind::text from public.activity where subject_id = %s",
                                            (invoice["invoice_id"],))]
    assert kinds.count("payment_refunded") == 2
