"""Issue 14's receipts and pay page meet issue 15's languages: the receipt page and PDF, the
receipt the confirmation email attaches (in the recipient's language) and the pay page."""

import mailbox
import re
from email import policy
from email.parser import BytesParser

import psycopg
import pytest

from app.outbox import deliver_outbox
from tests.payments.conftest import checkout_session, deliver
from tests.payments.test_receipts import pdf_text, receipts_on_the_invoice, signed_in_payer  # noqa: F401
from tests.signin import csrf_token

pytestmark = pytest.mark.usefixtures("sends_queued_email")

FRENCH = {"Accept-Language": "fr"}
GERMAN = {"Accept-Language": "de"}


def main_text(response) -> str:
    assert response.status_code in (200, 400), response.status_code
    main = re.search(r"<main.*</main>", response.get_data(as_text=True), re.S).group()
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_a_receipt_page_and_pdf_are_german(app, signed_in_payer, database_url):  # noqa: F811
    client, invoice = signed_in_payer(amount=18800)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("insert into public.payments (invoice_id, amount, currency, method)"
                     " values (%s, 5000, 'USD', 'bank_transfer')", (invoice["invoice_id"],))
    ((path, number),) = receipts_on_the_invoice(client, invoice)
    page = main_text(client.get(path, headers=GERMAN))
    assert f"Beleg {number}" in page and "Bezahlt mit Überweisung" in page
    assert re.search(r"Nach dieser Zahlung noch offen 138,00\s\$", page), page
    pdf = client.get(f"{path}/pdf", headers=GERMAN)
    assert f'filename="Beleg-{number}.pdf"' in pdf.headers["Content-Disposition"]
    text = pdf_text(pdf.data)
    assert "BELEG" in text and "ERHALTEN VON" in text and "Remaining due" not in text


def test_the_receipt_the_email_attaches_is_in_the_recipients_language(app, signed_in_payer,  # noqa: F811
                                                                      database_url):
    client, invoice = signed_in_payer(amount=18800)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("insert into public.account_preferences (email, client_id, language)"
                     " values (%s, %s, 'fr')", (invoice["email"], invoice["client_id"]))
    deliver(client, app, "checkout.session.completed",
            checkout_session(app, invoice, intent="pi_receipt_in_french"))
    while deliver_outbox(app):
        pass
    with psycopg.connect(database_url) as conn:
        (number,) = conn.execute("select receipt_number from public.payments"
                                 " where stripe_payment_intent_id = 'pi_receipt_in_french'").fetchone()
    box = mailbox.Maildir(app.config["MAILBOX_DIR"], create=True)
    attached = []
    for key in box.keys():
        with box.get_file(key) as handle:
            message = BytesParser(policy=policy.default).parse(handle)
        if message["To"] == invoice["email"]:
            attached += [part for part in message.iter_attachments()
                         if part.get_filename() == f"Recu-{number}.pdf"]
    assert len(attached) == 1, "the French email attaches its receipt, named in French"
    text = pdf_text(attached[0].get_content())
    assert "REÇU" in text and "Montant payé" in text and "188,00" in text


def test_the_pay_page_and_its_refusals_are_french(app, signed_in_payer):  # noqa: F811
    client, invoice = signed_in_payer(amount=18800)
    form_page = client.get("/pay", headers=FRENCH)
    page = main_text(form_page)
    assert "Payer des factures" in page and "Les plus anciennes d’abord" in page
    assert "188,00" in page
    refused = client.post("/pay", headers=FRENCH, data={
        "csrf_token": csrf_token(form_page.data), "split": "oldest", "amount": ""})
    assert refused.status_code == 400
    assert "Choisissez au moins une facture à payer." in main_text(refused)
