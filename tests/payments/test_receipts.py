"""Receipts (issue 14): every payment has one, as a page and a PDF, however it arrived (the
webhook, the success page, an administrator), linked from the invoice's payment history;
refunds have their own lines and documents."""

import mailbox
import re
from email import policy
from email.parser import BytesParser
from urllib.parse import urlsplit

import psycopg
import pytest

from app.dev.stripe_double import samples
from app.outbox import deliver_outbox
from app.pdf.receipts import receipt_pdf_for_payment
from tests.payments.conftest import checkout_session, deliver
from tests.payments.test_checkout import press_proceed
from tests.pdf.pdftools import page_texts
from tests.signin import csrf_token, sign_in

RECEIPT_LINK = re.compile(r'href="(/receipts/[0-9a-f-]{36})">(R-\d{6})</a>')


pytestmark = pytest.mark.usefixtures("sends_queued_email")

@pytest.fixture
def signed_in_payer(app, invoice_factory):
    def make(**invoice_args):
        invoice = invoice_factory(**invoice_args)
        client = app.test_client()
        sign_in(app, client, invoice["email"])
        return client, invoice

    return make


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with each printed row on one line, runs of spaces as one."""
    return " ".join(" ".join(page_texts(pdf)).split())


def receipts_on_the_invoice(client, invoice):
    """The receipt links of the invoice's payment history: [(path, receipt number)]."""
    page = client.get(f"/invoices/{invoice['invoice_id']}")
    assert page.status_code == 200
    return RECEIPT_LINK.findall(page.get_data(as_text=True))


def receipt_texts(client, path):
    """The receipt page's main text and its PDF's text."""
    page = client.get(path)
    assert page.status_code == 200
    pdf = client.get(f"{path}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    main = re.search(r"<main.*</main>", page.get_data(as_text=True), re.S).group()
    return " ".join(re.sub(r"<[^>]+>", " ", main).split()), pdf_text(pdf.data)


def test_a_payment_by_the_webhook_has_a_receipt_with_card_and_what_remains(
        app, signed_in_payer, database_url):
    client, invoice = signed_in_payer(amount=50000, paid=20000)
    deliver(client, app, "checkout.session.completed",
            checkout_session(app, invoice, amount=30000, intent="pi_receipt_hook"))
    with app.app_context():
        charge = {**samples()["charge"], "id": "ch_receipt_hook", "payment_intent": "pi_receipt_hook",
                  "amount": 30000}
    deliver(client, app, "charge.succeeded", charge)
    (transfer, _), (card, number) = receipts_on_the_invoice(client, invoice)
    page, pdf = receipt_texts(client, card)
    for text in (page, pdf):
        assert number in text and "$300.00" in text
        assert "Visa ending in 4242" in text
        assert f"PAY-{invoice['invoice_id'][:8]}" in text
        assert re.search(r"Remaining due after this payment \$0\.00", text), text
    page, pdf = receipt_texts(client, transfer)
    assert re.search(r"Remaining due after this payment \$300\.00", page)
    assert "Bank transfer" in page and "Bank transfer" in pdf


def test_a_payment_confirmed_on_the_success_page_links_to_its_receipt(app, live_server, signed_in_payer):
    client, invoice = signed_in_payer(amount=23400)
    app.config["PORTAL_BASE_URL"] = live_server
    _, response = press_proceed(client, invoice)
    hosted = urlsplit(response.headers["Location"]).path
    # The double's webhook goes to the live server, which may be slower than the page: the
    # success page records the payment itself if it is not there yet.
    paid = client.post(hosted, data={"action": "pay", "csrf_token": csrf_token(client.get(hosted).data)})
    back = urlsplit(paid.headers["Location"])
    success = client.get(f"{back.path}?{back.query}").get_data(as_text=True)
    path, number = RECEIPT_LINK.search(success).groups()
    assert [(path, number)] == receipts_on_the_invoice(client, invoice)
    page, pdf = receipt_texts(client, path)
    assert "$234.00" in page and "Visa ending in 4242" in pdf and number in pdf


def test_a_payment_entered_by_an_administrator_has_a_receipt(signed_in_payer, database_url):
    client, invoice = signed_in_payer(amount=10000)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("insert into public.payments (invoice_id, amount, currency, method)"
                     " values (%s, 4000, 'USD', 'cheque')", (invoice["invoice_id"],))
    ((path, number),) = receipts_on_the_invoice(client, invoice)
    page, pdf = receipt_texts(client, path)
    for text in (page, pdf):
        assert number in text and "$40.00" in text and "Cheque" in text
        assert re.search(r"Remaining due after this payment \$60\.00", text)


def test_a_refund_has_its_own_line_and_document(app, signed_in_payer):
    client, invoice = signed_in_payer(amount=10000)
    deliver(client, app, "checkout.session.completed", checkout_session(app, invoice, intent="pi_receipt_rf"))
    with app.app_context():
        charge = {**samples()["charge"], "id": "ch_receipt_rf", "payment_intent": "pi_receipt_rf",
                  "amount": 10000, "amount_refunded": 2500, "refunded": False}
    deliver(client, app, "charge.refunded", charge)
    deliver(client, app, "charge.refunded", {**charge, "amount_refunded": 4000})
    history = client.get(f"/invoices/{invoice['invoice_id']}").get_data(as_text=True)
    refunds = re.findall(r'href="(/receipts/[0-9a-f-]{36}/refunds/[0-9a-f-]{36})">(RF-\d{6})</a>', history)
    assert len(refunds) == 2 and "−$25.00" in history and "−$15.00" in history
    page, pdf = receipt_texts(client, refunds[1][0])
    for text in (page, pdf):
        assert refunds[1][1] in text and "$15.00" in text and "Visa ending in 4242" in text


def test_another_clients_receipt_is_not_found(app, signed_in_payer, database_url):
    client, _ = signed_in_payer()
    other_client, other = signed_in_payer(amount=10000, paid=1000)
    ((path, _),) = receipts_on_the_invoice(other_client, other)
    assert client.get(path).status_code == 404
    assert client.get(f"{path}/pdf").status_code == 404


def test_the_confirmation_email_can_attach_the_receipt_pdf(app, invoice_factory, database_url):
    invoice = invoice_factory(amount=10000, paid=2500)
    with psycopg.connect(database_url) as conn:
        payment_id, number = conn.execute("select id::text, receipt_number from public.payments"
                                          " where invoice_id = %s", (invoice["invoice_id"],)).fetchone()
    with app.app_context():
        text = pdf_text(receipt_pdf_for_payment(payment_id))
    assert number in text and "$25.00" in text and "Remaining due after this payment $75.00" in text


def test_what_remains_counts_only_this_invoices_share_of_an_earlier_combined_payment(
        signed_in_payer, database_url):
    client, invoice = signed_in_payer(amount=10000)
    with psycopg.connect(database_url, autocommit=True) as conn:
        other = conn.execute(
            "insert into public.invoices (client_id, number, status, currency) values (%s, %s, 'sent', 'USD')"
            " returning id", (invoice["client_id"], f"PAY-O{invoice['invoice_id'][:6]}")).fetchone()[0]
        conn.execute("insert into public.invoice_items (invoice_id, description, unit_price)"
                     " values (%s, 'Other work', 50000)", (other,))
        with conn.transaction():  # one payment of $400: $300 to the other invoice, $100 to this one
            shared = conn.execute(
                "insert into public.payments (invoice_id, amount, currency, method, paid_at)"
                " values (%s, 40000, 'USD', 'card', now() - interval '1 hour') returning id",
                (other,)).fetchone()[0]
            conn.execute("insert into public.payment_shares (payment_id, invoice_id, position, amount)"
                         " values (%s, %s, 1, 30000), (%s, %s, 2, 10000)",
                         (shared, other, shared, invoice["invoice_id"]))
        conn.execute("insert into public.payments (invoice_id, amount, currency, method)"
                     " values (%s, 5000, 'USD', 'cash')", (other,))
    _, (cash, _) = receipts_on_the_invoice(client, {"invoice_id": other})  # the share, then the cash
    page, pdf = receipt_texts(client, cash)
    for text in (page, pdf):
        assert re.search(r"Remaining due after this payment \$150\.00", text), text


def test_the_confirmation_email_carries_the_receipt_pdf(app, signed_in_payer, database_url):
    client, invoice = signed_in_payer(amount=18800)
    deliver(client, app, "checkout.session.completed",
            checkout_session(app, invoice, intent="pi_receipt_mail"))
    while deliver_outbox(app):
        pass
    with psycopg.connect(database_url) as conn:
        (number,) = conn.execute("select receipt_number from public.payments"
                                 " where stripe_payment_intent_id = 'pi_receipt_mail'").fetchone()
    box = mailbox.Maildir(app.config["MAILBOX_DIR"], create=True)
    receipts = []
    for key in box.keys():
        with box.get_file(key) as handle:
            message = BytesParser(policy=policy.default).parse(handle)
        if message["To"] == invoice["email"]:
            receipts += [part for part in message.iter_attachments()
                         if part.get_filename() == f"Receipt-{number}.pdf"]  # as the download names it
    assert len(receipts) == 1, "the confirmation email attaches its receipt, once"
    text = "\n".join(page_texts(receipts[0].get_content()))
    assert number in text and "$188.00" in text
