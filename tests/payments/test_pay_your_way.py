"""Pay your way (issue 14): the whole amount due or, when the business allows it, another amount
at or above its minimum; several invoices of one currency in one Checkout, split oldest first or
as the client chooses, each invoice's history showing its share; two tabs paying overlapping
sets never overpay beyond what is recorded and flagged."""

import re
import threading
import uuid
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest

from tests.payments.conftest import sign
from tests.payments.test_checkout import session_of
from tests.signin import csrf_token, sign_in

pytestmark = pytest.mark.usefixtures("sends_queued_email")

@pytest.fixture
def partial_payments(database_url):
    """Sets the business's partial-payment rules for one test."""
    def allow(on=True, minimum=0):
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("update public.settings set partial_payments = %s, partial_payment_minimum = %s",
                         (on, minimum))

    yield allow
    allow(False, 0)


@pytest.fixture
def account(app, live_server, database_url):
    """A signed-in client with unpaid invoices of the given amounts, oldest first, and the app
    pointed at its live server (the double calls it back)."""

    def make(*amounts, currency="USD"):
        email = f"payway-{uuid.uuid4().hex[:8]}@example.test"
        ids = []
        with psycopg.connect(database_url, autocommit=True) as conn:
            client_id = conn.execute(
                "insert into public.clients (name, email, portal_access)"
                " values ('Pat Payer', %s, true) returning id", (email,)).fetchone()[0]
            for age, amount in enumerate(amounts):
                cur = currency[age] if isinstance(currency, tuple) else currency
                invoice_id = conn.execute(
                    "insert into public.invoices (client_id, number, status, issue_date, due_date, currency)"
                    " values (%s, %s, 'sent', current_date - %s, current_date + 30 - %s, %s)"
                    " returning id::text",
                    (client_id, f"W-{uuid.uuid4().hex[:6].upper()}", 40 - age, 40 - age, cur)).fetchone()[0]
                conn.execute("insert into public.invoice_items (invoice_id, description, unit_price)"
                             " values (%s, 'Work', %s)", (invoice_id, amount))
                ids.append(invoice_id)
        client = app.test_client()
        sign_in(app, client, email)
        app.config["PORTAL_BASE_URL"] = live_server
        return client, ids

    return make


def submit(client, invoice_ids, amount="", split="oldest", amounts=None):
    page = client.get("/pay")
    assert page.status_code == 200
    form = {"csrf_token": csrf_token(page.data), "invoice": invoice_ids, "amount": amount, "split": split}
    for invoice_id, value in (amounts or {}).items():
        form[f"amount_{invoice_id}"] = value
    return client.post("/pay", data=form)


def pay_on_stripe(client, response):
    """Press Pay on the (double's) hosted page and come back to the success page."""
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    hosted = urlsplit(response.headers["Location"]).path
    paid = client.post(hosted, data={"action": "pay", "csrf_token": csrf_token(client.get(hosted).data)})
    back = urlsplit(paid.headers["Location"])
    return client.get(f"{back.path}?{back.query}").get_data(as_text=True)


def due(database_url, invoice_ids):
    with psycopg.connect(database_url) as conn:
        return [conn.execute("select amount_due from public.invoices where id = %s", (i,)).fetchone()[0]
                for i in invoice_ids]


def sessions_opened(database_url, invoice_ids) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute("select count(*) from public.checkout_sessions"
                            " where invoice_id = any(%s::uuid[])", (invoice_ids,)).fetchone()[0]


def test_a_smaller_amount_is_refused_when_partial_payments_are_off(account, database_url):
    client, ids = account(50000)
    response = submit(client, ids, amount="100.00")
    assert response.status_code == 400
    assert "partial payments are not accepted" in response.get_data(as_text=True)
    assert sessions_opened(database_url, ids) == 0 and due(database_url, ids) == [50000]


@pytest.mark.parametrize(("amount", "message"), [
    ("50.00", "Pay at least the minimum"), ("600", "more than is due"), ("12.345", "Amounts are numbers"),
    ("ten", "Amounts are numbers"), ("-5", "Amounts are numbers")])
def test_bad_amounts_are_refused_and_change_nothing(account, partial_payments, database_url, amount, message):
    partial_payments(minimum=10000)
    client, ids = account(50000)
    response = submit(client, ids, amount=amount)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert sessions_opened(database_url, ids) == 0


def test_a_partial_payment_at_or_above_the_minimum(app, account, partial_payments, database_url):
    partial_payments(minimum=10000)
    client, ids = account(50000)
    response = submit(client, ids, amount="100.00")
    assert session_of(app, response.headers["Location"])["amount_total"] == 10000
    success = pay_on_stripe(client, response)
    assert "Payment received" in success and "$100.00" in success
    assert due(database_url, ids) == [40000]
    page = client.get(f"/invoices/{ids[0]}").get_data(as_text=True)
    assert "$400.00" in page and "Pay Now" in page


def test_several_invoices_in_one_checkout_oldest_first(app, account, database_url):
    client, ids = account(30000, 20000, 10000)
    response = submit(client, ids[:2])
    session = session_of(app, response.headers["Location"])
    assert session["amount_total"] == 50000
    pay_on_stripe(client, response)
    assert due(database_url, ids) == [0, 0, 10000]
    for invoice_id, share in zip(ids[:2], ("$300.00", "$200.00"), strict=True):
        history = client.get(f"/invoices/{invoice_id}").get_data(as_text=True).split("Payment history")[1]
        assert share in history and "share of a $500.00 payment" in history


def test_a_partial_amount_over_several_invoices_pays_the_oldest_first(app, account, partial_payments,
                                                                     database_url):
    partial_payments(minimum=100)
    client, ids = account(30000, 20000)
    pay_on_stripe(client, submit(client, ids, amount="400"))
    assert due(database_url, ids) == [0, 10000]


def test_the_client_chooses_the_split(app, account, partial_payments, database_url):
    partial_payments(minimum=100)
    client, ids = account(30000, 20000)
    response = submit(client, ids, split="chosen", amounts={ids[0]: "50", ids[1]: "200.00"})
    pay_on_stripe(client, response)
    assert due(database_url, ids) == [25000, 0]
    with psycopg.connect(database_url) as conn:
        shares = conn.execute(
            "select s.amount, p.amount from public.payment_shares s join public.payments p"
            " on p.id = s.payment_id where s.invoice_id = any(%s::uuid[]) order by s.position",
            (ids,)).fetchall()
    assert shares == [(5000, 25000), (20000, 25000)]


def test_invoices_in_different_currencies_are_paid_separately(account, database_url):
    client, ids = account(30000, 20000, currency=("USD", "EUR"))
    response = submit(client, ids)
    assert response.status_code == 400
    assert "different currencies are paid separately" in response.get_data(as_text=True)
    assert sessions_opened(database_url, ids) == 0


def test_pay_actions_on_unpaid_rows_and_the_dashboard(account):
    client, ids = account(30000)
    listing = client.get("/invoices").get_data(as_text=True)
    assert f'href="/pay?invoice={ids[0]}"' in listing
    dashboard = client.get("/").get_data(as_text=True)
    assert 'href="/pay?currency=USD">Pay $300.00</a>' in dashboard
    page = client.get("/pay?currency=USD").get_data(as_text=True)
    assert re.search(rf'value="{ids[0]}" id="invoice-{ids[0]}"\s+checked', page)


def test_two_tabs_paying_overlapping_sets_never_overpay_unrecorded(app, account, database_url):
    client, ids = account(30000, 20000, 10000)
    first = submit(client, ids[:2])    # tab one: the two oldest
    second = submit(client, ids[1:])   # tab two, meanwhile: the two newest
    assert first.headers["Location"] != second.headers["Location"]
    pay_on_stripe(client, first)
    pay_on_stripe(client, second)
    assert due(database_url, ids) == [0, 0, 0]
    with psycopg.connect(database_url) as conn:
        payments = conn.execute(
            "select p.amount, p.flag from public.payments p where p.id in (select s.payment_id from"
            " public.payment_shares s where s.invoice_id = any(%s::uuid[])) order by p.created_at",
            (ids,)).fetchall()
        paid = conn.execute("select sum(amount_paid), sum(total) from public.invoices"
                            " where id = any(%s::uuid[])", (ids,)).fetchone()
    # Every cent Stripe took is recorded; the invoice paid twice is over by exactly the second
    # tab's share, and that payment is flagged for the business.
    assert payments == [(50000, None), (30000, "overpayment")]
    assert paid == (80000, 60000)


@pytest.fixture
def deposits(database_url):
    """Accepting a quote creates its invoice, sent, and asks a 30 % deposit (partial payments off)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.settings"
                     " set quote_acceptance_creates = 'sent', quote_deposit_percent = 30")
    yield
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.settings"
                     " set quote_acceptance_creates = 'nothing', quote_deposit_percent = 0")


def test_a_deposit_is_paid_through_checkout_right_after_accepting(app, account, deposits, database_url):
    client, _ = account()
    with psycopg.connect(database_url, autocommit=True) as conn:
        quote_id = conn.execute(
            "insert into public.quotes (client_id, number, status) select c.id, %s, 'sent'"
            " from public.clients c where c.name = 'Pat Payer' order by c.created_at desc limit 1"
            " returning id::text", (f"QD-{uuid.uuid4().hex[:6]}",)).fetchone()[0]
        conn.execute("insert into public.quote_items (quote_id, description, unit_price)"
                     " values (%s, 'Garden design', 123456)", (quote_id,))
    form = client.get(f"/quotes/{quote_id}/accept")
    accepted = client.post(f"/quotes/{quote_id}/accept",
                           data={"signer_name": "Pat Payer", "csrf_token": csrf_token(form.data)})
    assert accepted.status_code == 303 and accepted.location.startswith("/pay?invoice=")
    assert "amount=370.37" in accepted.location  # 30 % of $1,234.56, rounded up to the cent
    page = client.get(accepted.location).get_data(as_text=True)
    assert 'value="370.37"' in page
    invoice_id = re.search(r"invoice=([0-9a-f-]{36})", accepted.location).group(1)
    response = submit(client, [invoice_id], amount="370.37")
    assert session_of(app, response.headers["Location"])["amount_total"] == 37037
    pay_on_stripe(client, response)
    assert due(database_url, [invoice_id]) == [123456 - 37037]
    # The deposit is the only smaller amount allowed while partial payments are off.
    assert submit(client, [invoice_id], amount="100").status_code == 400


def test_overlapping_payments_arriving_at_once_are_all_recorded_and_the_excess_flagged(
        app, account, live_server, database_url):
    client, (x, y, z) = account(30000, 20000, 10000)
    tabs = [submit(client, pair) for pair in ([x, y], [y, z], [x, z])]
    deliveries = []
    for tab in tabs:
        session = session_of(app, tab.headers["Location"])
        session.update(status="complete", payment_status="paid")
        deliveries.append(sign(app, "checkout.session.completed", session))
    start, answers = threading.Barrier(len(deliveries)), []

    def deliver_now(signed):
        payload, header = signed
        start.wait()
        answers.append(httpx.post(f"{live_server}/stripe/webhook", content=payload,
                                  headers={"Stripe-Signature": header}).status_code)

    threads = [threading.Thread(target=deliver_now, args=(signed,)) for signed in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200, 200, 200]  # no deadlock, nothing for Stripe to retry
    with psycopg.connect(database_url) as conn:
        flags = sorted((flag or "") for (flag,) in conn.execute(
            "select p.flag from public.payments p where p.invoice_id = any(%s::uuid[])", ([x, y, z],)))
        paid, total, recorded = conn.execute(
            "select sum(i.amount_paid), sum(i.total), (select sum(p.amount) from public.payments p"
            " where p.invoice_id = any(%s::uuid[])) from public.invoices i where i.id = any(%s::uuid[])",
            ([x, y, z], [x, y, z])).fetchone()
    assert due(database_url, [x, y, z]) == [0, 0, 0]
    # Every payment is recorded and counted; what went beyond the invoices is flagged.
    assert recorded == 50000 + 30000 + 40000 and paid == recorded and total == 60000
    assert flags[0] == "" and set(flags[1:]) == {"overpayment"}
