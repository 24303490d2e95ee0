"""Bad input answers 4xx with a clear page and changes nothing; a signed event that can never
apply is kept as rejected and answered 2xx, so that Stripe stops resending it (Stripe resends
anything but a 2xx, a 4xx included, for days)."""

import json

import psycopg
import pytest

from tests.payments.conftest import checkout_session, deliver, events_about, post_event, rows, sign
from tests.signin import csrf_token, sign_in

COMPLETED = "checkout.session.completed"


def stored_event(database_url, object_id):
    with psycopg.connect(database_url) as conn:
        return conn.execute("select status, outcome ->> 'reason' from public.stripe_events"
                            " where payload -> 'data' -> 'object' ->> 'id' = %s", (object_id,)).fetchall()


def test_a_signed_event_with_a_nul_character_is_kept_as_rejected_and_not_retried(app, client, invoice_factory,
                                                                                 database_url):
    invoice = invoice_factory(amount=5000)
    session = checkout_session(app, invoice, intent="pi_nul")
    session["customer_details"] = {"name": "Mallory\u0000"}
    signed = sign(app, COMPLETED, session)
    assert b"\\u0000" in signed[0]
    for _ in range(2):  # a redelivery is answered the same way
        response = post_event(client, signed)
        assert response.status_code == 200 and response.get_json()["outcome"] == "rejected"
    assert [status for status, _ in stored_event(database_url, session["id"])] == ["rejected"]
    assert "NUL" in stored_event(database_url, session["id"])[0][1]
    assert rows(database_url, invoice["invoice_id"])["payments"] == []


def test_a_signed_event_with_a_malformed_invoice_id_is_kept_as_rejected(app, client, invoice_factory,
                                                                         database_url):
    invoice = invoice_factory()
    session = checkout_session(app, {**invoice, "invoice_id": "not-a-uuid"})
    response = deliver(client, app, COMPLETED, session)
    assert response.status_code == 200 and response.get_json()["outcome"] == "rejected"
    assert events_about(database_url, session["id"]) == 1
    assert [status for status, _ in stored_event(database_url, session["id"])] == ["rejected"]


@pytest.fixture
def signed_in_payer(app, invoice_factory):
    invoice = invoice_factory(amount=5000)
    client = app.test_client()
    sign_in(app, client, invoice["email"])
    return client, invoice


@pytest.mark.parametrize("path", ["/bookings/%00", "/invoices/%00", "/invoices?page=%00",
                                  "/payments/cancelled?invoice_id=%00", "/payments/success?session_id=cs_%00",
                                  "/login?next=/%00"])
def test_nul_bytes_in_the_path_or_query_answer_400_with_a_clear_page(signed_in_payer, path):
    client, _ = signed_in_payer
    response = client.get(path)
    assert response.status_code == 400
    assert "not allowed (a NUL byte)" in response.get_data(as_text=True)


def test_a_nul_byte_in_a_form_answers_400_and_changes_nothing(app, database_url, make_client):
    email, _ = make_client()
    client = app.test_client()
    page = client.get("/login")
    response = client.post("/login", data={"email": email + "\x00", "csrf_token": csrf_token(page.data)})
    assert response.status_code == 400 and "NUL byte" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["", "?invoice_id=", "?invoice_id=42", "?invoice_id=not-a-uuid"])
def test_the_cancelled_page_without_a_valid_invoice_id_answers_400(signed_in_payer, query):
    client, _ = signed_in_payer
    response = client.get("/payments/cancelled" + query)
    assert response.status_code == 400
    assert "does not say which invoice" in response.get_data(as_text=True)


def test_the_cancelled_page_for_another_clients_invoice_answers_404(signed_in_payer, invoice_factory):
    client, _ = signed_in_payer
    other = invoice_factory()
    assert client.get(f"/payments/cancelled?invoice_id={other['invoice_id']}").status_code == 404


@pytest.mark.parametrize("session_id", ["", "nope", "cs_test_unknown0123456789", "cs_" + "a" * 300])
def test_the_success_page_with_an_unknown_session_answers_404_with_a_clear_page(signed_in_payer, session_id):
    client, _ = signed_in_payer
    response = client.get(f"/payments/success?session_id={session_id}")
    assert response.status_code == 404
    assert "could not find that payment" in response.get_data(as_text=True)


def test_the_success_page_of_another_clients_session_answers_404(app, signed_in_payer, invoice_factory,
                                                                  database_url):
    client, _ = signed_in_payer
    other = invoice_factory()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("insert into public.checkout_sessions (id, invoice_id, client_id, amount, currency, url,"
                     " expires_at) values ('cs_test_someone_elses', %s, %s, 100, 'USD', 'https://x',"
                     " now() + interval '1 hour')", (other["invoice_id"], other["client_id"]))
    response = client.get("/payments/success?session_id=cs_test_someone_elses")
    assert response.status_code == 404


def test_json_clients_get_the_message_as_json(signed_in_payer):
    client, _ = signed_in_payer
    response = client.get("/payments/cancelled", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "does not say which invoice" in json.loads(response.data)["error"]
