"""Company accounts through the pages (Postgres mode): the owner invites a bookkeeper, who signs
in with the emailed link, pays an invoice through Checkout and cannot accept a quote; a viewer
is refused; a removed contact is signed out at the next request."""

import re
import uuid
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.signin import csrf_token, latest_link, press_sign_in, sign_in


def accept_invitation(app, client, email):
    """The invited person follows the sign-in link the invitation queued (the worker sends it)."""
    path, _ = latest_link(app, email)
    assert press_sign_in(client, path).status_code == 303


@pytest.fixture
def company(invoice_factory, database_url):
    """A client with a sent invoice and a pending quote; its owner's email."""
    invoice = invoice_factory(amount=23400)
    quote_id = uuid.uuid4()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("insert into public.quotes (id, client_id, number, status, valid_until)"
                     " values (%s, %s, %s, 'sent', current_date + 30)",
                     (quote_id, invoice["client_id"], f"Q-{quote_id.hex[:8]}"))
        conn.execute("insert into public.quote_items (quote_id, description, unit_price)"
                     " values (%s, 'Plan', 1000)", (quote_id,))
    return {**invoice, "quote_id": str(quote_id)}


def invite(client, name, email, role):
    page = client.get("/profile/people")
    return client.post("/profile/people", data={"name": name, "email": email, "role": role,
                                                "csrf_token": csrf_token(page.data)})


def contacts(database_url, client_id):
    with psycopg.connect(database_url) as conn:
        return dict(conn.execute("select email, role from public.contacts where client_id = %s",
                                 (client_id,)).fetchall())


def quote_status(database_url, quote_id):
    with psycopg.connect(database_url) as conn:
        return conn.execute("select status::text from public.quotes where id = %s", (quote_id,)).fetchone()[0]


def signed_in_colleague(app, owner, company, role, email=None):
    email = email or f"{role}-{uuid.uuid4().hex[:6]}@example.test"
    assert invite(owner, role.title(), email, role).status_code == 303
    colleague = app.test_client()
    accept_invitation(app, colleague, email)
    return colleague, email


def test_an_owner_invites_a_bookkeeper_who_pays_and_cannot_accept_a_quote(app, live_server, company,
                                                                          database_url):
    owner = app.test_client()
    sign_in(app, owner, company["email"])
    response = invite(owner, "Bea Keeper", "Bea.Keeper@example.test", "billing")
    assert response.status_code == 303
    assert "Bea Keeper was invited" in owner.get("/profile/people").get_data(as_text=True)
    assert contacts(database_url, company["client_id"])["bea.keeper@example.test"] == "billing"

    bookkeeper = app.test_client()
    accept_invitation(app, bookkeeper, "bea.keeper@example.test")
    app.config["PORTAL_BASE_URL"] = live_server  # the Stripe double calls the live server back
    review = bookkeeper.get(f"/invoices/{company['invoice_id']}/pay")
    assert review.status_code == 200
    started = bookkeeper.post(f"/invoices/{company['invoice_id']}/pay",
                              data={"csrf_token": csrf_token(review.data)})
    hosted_path = urlsplit(started.headers["Location"]).path
    hosted = bookkeeper.get(hosted_path)
    paid = bookkeeper.post(hosted_path, data={"action": "pay", "csrf_token": csrf_token(hosted.data)})
    success = urlsplit(paid.headers["Location"])
    assert "Payment received" in bookkeeper.get(f"{success.path}?{success.query}").get_data(as_text=True)
    assert "badge-paid" in bookkeeper.get(f"/invoices/{company['invoice_id']}").get_data(as_text=True)

    refused = bookkeeper.get(f"/quotes/{company['quote_id']}/accept")
    assert refused.status_code == 303
    assert "cannot accept or reject quotes" in bookkeeper.get(refused.location).get_data(as_text=True)
    page = bookkeeper.get(f"/quotes/{company['quote_id']}/accept")
    forced = bookkeeper.post(f"/quotes/{company['quote_id']}/accept",
                             data={"signer_name": "Bea Keeper",
                                   "csrf_token": csrf_token(bookkeeper.get("/").data)})
    assert page.status_code == forced.status_code == 303
    assert quote_status(database_url, company["quote_id"]) == "sent"
    activity = bookkeeper.get("/activity").get_data(as_text=True)
    assert "Bea Keeper was invited as billing" in activity and "by Payer" in activity  # who did it


def test_a_viewer_can_read_but_not_pay_or_decide(app, company, database_url):
    owner = app.test_client()
    sign_in(app, owner, company["email"])
    viewer, _ = signed_in_colleague(app, owner, company, "viewer")
    assert viewer.get(f"/invoices/{company['invoice_id']}").status_code == 200
    refused = viewer.get(f"/invoices/{company['invoice_id']}/pay")
    assert refused.status_code == 303
    assert "cannot pay invoices" in viewer.get(refused.location).get_data(as_text=True)
    assert viewer.get(f"/quotes/{company['quote_id']}/reject").status_code == 303
    assert quote_status(database_url, company["quote_id"]) == "sent"
    assert invite(viewer, "Mallory", "mallory@example.test", "owner").status_code == 303
    assert "mallory@example.test" not in contacts(database_url, company["client_id"])


def checkout_sessions(database_url, invoice_id):
    with psycopg.connect(database_url) as conn:
        return conn.execute("select count(*) from public.checkout_sessions where invoice_id = %s",
                            (invoice_id,)).fetchone()[0]


@pytest.mark.parametrize("role", ["viewer", "approver"])
def test_pay_your_way_is_refused_to_a_role_that_cannot_pay(app, company, database_url, role):
    """/pay (whole, partial, combined payments and deposits all go through it) refuses the page
    and the form, and opens no Checkout."""
    owner = app.test_client()
    sign_in(app, owner, company["email"])
    colleague, _ = signed_in_colleague(app, owner, company, role)
    refused = colleague.get(f"/pay?invoice={company['invoice_id']}")
    assert refused.status_code == 303
    assert "cannot pay invoices" in colleague.get(refused.location).get_data(as_text=True)
    forced = colleague.post("/pay", data={"invoice": company["invoice_id"], "amount": "",
                                          "csrf_token": csrf_token(colleague.get("/").data)})
    assert forced.status_code == 303
    assert checkout_sessions(database_url, company["invoice_id"]) == 0


def test_an_approver_accepts_a_quote_but_cannot_pay(app, company, database_url):
    owner = app.test_client()
    sign_in(app, owner, company["email"])
    approver, _ = signed_in_colleague(app, owner, company, "approver")
    assert approver.get(f"/invoices/{company['invoice_id']}/pay").status_code == 303
    page = approver.get(f"/quotes/{company['quote_id']}/accept")
    assert page.status_code == 200
    approver.post(f"/quotes/{company['quote_id']}/accept",
                  data={"signer_name": "Ann Prover", "csrf_token": csrf_token(page.data)})
    assert quote_status(database_url, company["quote_id"]) == "accepted"


def test_an_approver_accepting_a_quote_with_a_deposit_is_not_sent_to_pay_it(app, company, database_url):
    """The deposit's pay page is for those who may pay: an approver stays on the quote."""
    settings = ("update public.settings set quote_acceptance_creates = %s, quote_deposit_percent = %s")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(settings, ("sent", 30))
    try:
        owner = app.test_client()
        sign_in(app, owner, company["email"])
        approver, _ = signed_in_colleague(app, owner, company, "approver")
        page = approver.get(f"/quotes/{company['quote_id']}/accept")
        accepted = approver.post(f"/quotes/{company['quote_id']}/accept",
                                 data={"signer_name": "Ann Prover", "csrf_token": csrf_token(page.data)})
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(settings, ("nothing", 0))
    assert quote_status(database_url, company["quote_id"]) == "accepted"
    assert accepted.status_code == 303 and accepted.location == f"/quotes/{company['quote_id']}"


def test_a_removed_contact_is_signed_out_at_the_next_request(app, company, database_url):
    owner = app.test_client()
    sign_in(app, owner, company["email"])
    colleague, email = signed_in_colleague(app, owner, company, "billing")
    assert colleague.get("/").status_code == 200
    page = owner.get("/profile/people").get_data(as_text=True)
    contact_id = re.search(r'/profile/people/([0-9a-f-]{36})/remove', page).group(1)
    removed = owner.post(f"/profile/people/{contact_id}/remove", data={"csrf_token": csrf_token(page)})
    assert removed.status_code == 303
    assert colleague.get("/").status_code == 302
    assert email not in contacts(database_url, company["client_id"])


def test_an_owner_changes_a_role_and_bad_invitations_change_nothing(app, company, database_url):
    owner = app.test_client()
    sign_in(app, owner, company["email"])
    colleague, email = signed_in_colleague(app, owner, company, "viewer")
    page = owner.get("/profile/people").get_data(as_text=True)
    contact_id = re.search(r'/profile/people/([0-9a-f-]{36})/role', page).group(1)
    owner.post(f"/profile/people/{contact_id}/role",
               data={"role": "approver", "csrf_token": csrf_token(page)})
    assert contacts(database_url, company["client_id"])[email] == "approver"
    before = contacts(database_url, company["client_id"])
    for name, address, role in [("X", "not-an-email", "viewer"), ("", "x@example.test", "viewer"),
                                ("X", "x@example.test", "admin"), ("X", company["email"], "viewer")]:
        assert invite(owner, name, address, role).status_code == 400
    assert contacts(database_url, company["client_id"]) == before
