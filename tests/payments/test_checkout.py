"""Pay now → review → Proceed to Payment → Stripe Checkout (the local double), and back."""

import re
import sys
from urllib.parse import urlsplit

import psycopg
import pytest
from stripe.params.checkout import SessionCreateParams
from typeguard import CollectionCheckStrategy, TypeCheckConfiguration, TypeCheckMemo, check_type_internal

from app.payments.checkout import checkout_params
from tests.round_trips import counted_round_trips
from tests.signin import csrf_token, sign_in


@pytest.fixture
def payer(app, live_server, invoice_factory):
    """A signed-in client, and the app pointed at its live server (the double calls it back)."""

    def make(**invoice_args):
        invoice = invoice_factory(**invoice_args)
        client = app.test_client()
        sign_in(app, client, invoice["email"])
        app.config["PORTAL_BASE_URL"] = live_server
        return client, invoice

    return make


def press_proceed(client, invoice):
    review = client.get(f"/invoices/{invoice['invoice_id']}/pay")
    assert review.status_code == 200
    return review, client.post(f"/invoices/{invoice['invoice_id']}/pay",
                               data={"csrf_token": csrf_token(review.data)})


def session_of(app, url):
    from app.dev.stripe_double import load_session

    session_id = re.search(r"/_stripe/pay/(cs_test_\w+)", url).group(1)
    with app.app_context():
        return load_session(session_id)


def test_a_partly_paid_invoice_pays_only_the_remainder(app, payer):
    client, invoice = payer(amount=50000, paid=20000)
    review, response = press_proceed(client, invoice)
    text = review.get_data(as_text=True)
    assert "$300.00" in text and "Proceed to Payment" in text
    assert response.status_code == 303
    session = session_of(app, response.headers["Location"])
    assert (session["amount_total"], session["currency"]) == (30000, "usd")
    assert session["metadata"] == {"invoice_id": invoice["invoice_id"], "client_id": invoice["client_id"]}
    assert session["client_reference_id"] == invoice["invoice_id"]
    assert session["customer_email"] == invoice["email"]
    assert "{CHECKOUT_SESSION_ID}" in session["success_url"]


def test_two_tabs_share_one_session_and_a_changed_amount_replaces_it(app, payer, database_url):
    client, invoice = payer(amount=40000)
    _, first = press_proceed(client, invoice)
    _, second = press_proceed(client, invoice)
    assert first.headers["Location"] == second.headers["Location"]
    with psycopg.connect(database_url, autocommit=True) as conn:  # a bank transfer arrives meanwhile
        conn.execute("insert into public.payments (invoice_id, amount, currency, method)"
                     " values (%s, 10000, 'USD', 'bank_transfer')", (invoice["invoice_id"],))
    _, third = press_proceed(client, invoice)
    assert third.headers["Location"] != first.headers["Location"]
    assert session_of(app, first.headers["Location"])["status"] == "expired"
    assert session_of(app, third.headers["Location"])["amount_total"] == 30000


def test_a_paid_invoice_cannot_be_paid_again(app, payer):
    client, invoice = payer(amount=10000, paid=10000)
    response = client.get(f"/invoices/{invoice['invoice_id']}/pay")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "has nothing to pay" in page and "Pay Now" not in page


def test_another_clients_invoice_cannot_be_paid(app, payer, invoice_factory):
    client, _ = payer()
    other = invoice_factory()
    assert client.get(f"/invoices/{other['invoice_id']}/pay").status_code == 404


def test_the_whole_flow_records_the_payment_and_sends_the_email(app, payer, database_url):
    from app.outbox import deliver_outbox
    from tests.signin import emails_to

    client, invoice = payer(amount=23400)
    _, response = press_proceed(client, invoice)
    hosted_path = urlsplit(response.headers["Location"]).path
    hosted = client.get(hosted_path)
    assert "Pay" in hosted.get_data(as_text=True)
    paid = client.post(hosted_path, data={"action": "pay", "csrf_token": csrf_token(hosted.data)})
    assert paid.status_code == 303
    success = urlsplit(paid.headers["Location"])  # the live server's address: ask the test client
    confirmation = client.get(f"{success.path}?{success.query}").get_data(as_text=True)
    assert "Payment received" in confirmation and "$234.00" in confirmation
    assert "Visa ending in 4242" in confirmation and re.search(r"R-\d{6}", confirmation)
    page = client.get(f"/invoices/{invoice['invoice_id']}").get_data(as_text=True)
    assert "badge-paid" in page and "Payment history" in page and "$234.00" in page
    with app.app_context():
        while deliver_outbox(app):  # what earlier tests queued too
            pass
    (receipt,) = [body for body in emails_to(app, invoice["email"]) if "Receipt number" in body]
    assert "we received your payment of $234.00" in receipt and "Visa ending in 4242" in receipt
    assert "USD 234.00" not in receipt  # one money format: pages, PDFs and emails alike
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select count(*) from public.payments where invoice_id = %s",
                            (invoice["invoice_id"],)).fetchone()[0] == 1


def test_a_declined_payment_shows_a_failure_with_what_to_do_next(app, payer, database_url):
    client, invoice = payer(amount=5000)
    _, response = press_proceed(client, invoice)
    hosted_path = urlsplit(response.headers["Location"]).path
    hosted = client.get(hosted_path)
    back = urlsplit(client.post(hosted_path, data={"action": "decline", "csrf_token": csrf_token(hosted.data)}
                                ).headers["Location"])
    page = client.get(f"{back.path}?{back.query}").get_data(as_text=True)
    assert "Payment failed" in page and "Nothing was charged" in page and "Try again" in page
    assert "Payment cancelled" not in page and "Payment received" not in page
    invoice_page = client.get(f"/invoices/{invoice['invoice_id']}").get_data(as_text=True)
    assert "failed: the bank declined it" in invoice_page and "Pay Now" in invoice_page
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select count(*) from public.payments where invoice_id = %s",
                            (invoice["invoice_id"],)).fetchone()[0] == 0


def test_the_success_page_takes_at_most_two_database_round_trips(app, payer):
    """Issue 12: the session check with the stored session and its invoice, then (paid) the
    recording and the client's re-read together; the Stripe call comes between."""
    client, invoice = payer(amount=7700)
    _, response = press_proceed(client, invoice)
    hosted_path = urlsplit(response.headers["Location"]).path
    success = f"/payments/success?session_id={session_of(app, response.headers['Location'])['id']}"
    with counted_round_trips(app) as round_trips:
        waiting = client.get(success).get_data(as_text=True)
        assert "Payment processing" in waiting
        assert round_trips() == 1  # not paid yet: nothing to record
    hosted = client.get(hosted_path)
    client.post(hosted_path, data={"action": "pay", "csrf_token": csrf_token(hosted.data)})
    with counted_round_trips(app) as round_trips:
        confirmation = client.get(success).get_data(as_text=True)
        assert round_trips() == 2
    assert "Payment received" in confirmation and "$77.00" in confirmation
    assert "Paid" in confirmation and "Still due" in confirmation


def test_cancelling_on_stripe_returns_to_the_invoice_with_nothing_charged(app, payer):
    client, invoice = payer(amount=5000)
    page = client.get(f"/payments/cancelled?invoice_id={invoice['invoice_id']}", follow_redirects=True)
    assert "Payment cancelled: nothing was charged" in page.get_data(as_text=True)


@pytest.mark.parametrize("connect", [False, True])
def test_the_parameters_sent_to_stripe_have_stripes_published_types(app, connect):
    prepared = {"invoice_id": "00000000-0000-4000-8000-000000000001",
                "client_id": "00000000-0000-4000-8000-0000000000c1", "number": "INV-1",
                "email": "a@example.test", "amount_due": 12345, "currency": "EUR",
                "stripe_account": "acct_123" if connect else None}
    app.config["STRIPE_APPLICATION_FEE_PERCENT"] = "2.5"
    with app.test_request_context():
        params = checkout_params(prepared, app.config)
    # Stripe's TypedDicts refer to each other by name, resolved in the module that declares them.
    memo = TypeCheckMemo(vars(sys.modules[SessionCreateParams.__module__]), {},
                         config=TypeCheckConfiguration(collection_check_strategy=CollectionCheckStrategy.ALL_ITEMS))
    check_type_internal(params, SessionCreateParams, memo)  # raises on an unknown key or a wrong type
    assert ("application_fee_amount" in params["payment_intent_data"]) is connect


def test_checkout_opens_in_the_clients_language(app, payer):
    """Stripe Checkout gets the portal's language as `locale` (the double accepts what Stripe
    accepts), and the line item is named in it."""
    client, invoice = payer(amount=25000)
    review = client.get(f"/invoices/{invoice['invoice_id']}/pay", headers={"Accept-Language": "fr"})
    assert "Passer au paiement" in review.get_data(as_text=True)
    response = client.post(f"/invoices/{invoice['invoice_id']}/pay", headers={"Accept-Language": "fr"},
                           data={"csrf_token": csrf_token(review.data)})
    session = session_of(app, response.headers["Location"])
    assert session["locale"] == "fr"


def test_the_double_refuses_a_locale_stripe_does_not_know(app):
    response = app.test_client().post(
        "/_stripe/v1/checkout/sessions", data={"locale": "xx", "mode": "payment"},
        headers={"Authorization": "Bearer sk_test_double"})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"].startswith("Invalid locale: must be one of auto, bg")
