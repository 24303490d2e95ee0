"""Emails follow the recipient's account settings (issue 15): written in their language, with
the PDF in it too; the non-essential ones they turned off (invoice reminders, "quote sent",
booking reminders) do not go, and are kept in the outbox saying why; transactional ones always
go."""

from datetime import UTC, datetime, time

import psycopg

from app.data import get_data
from tests.pdf.pdftools import flat_text


def choose(database_url, email, client_id, **preferences):
    """What the settings page stores, written as the dashboard would."""
    columns = ["email", "client_id", *preferences]
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"insert into public.account_preferences ({', '.join(columns)})"
                     f" values ({', '.join(['%s'] * len(columns))})",
                     (email, client_id, *preferences.values()))


def outbox_row(database_url, email, kind):
    with psycopg.connect(database_url) as conn:
        return conn.execute("select status, last_error from public.outbox where to_email = %s and kind = %s",
                            (email, kind)).fetchone()


def due_today(app, database_url, invoice_id):
    """The invoice falls due today and the worker's scheduler runs: a reminder is queued."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.invoices set due_date = current_date where id = %s", (invoice_id,))
    get_data(app).call_as_service("queue_reminders",
                                  p_now=datetime.combine(datetime.now(UTC).date(), time(12), tzinfo=UTC))


def test_a_client_who_chose_french_gets_the_invoice_email_and_its_pdf_in_french(
        app, smtp, drain, make_client, make_invoice, database_url):
    email, client_id = make_client("Élodie Fournier")
    choose(database_url, email, client_id, language="fr")
    make_invoice(client_id, status="sent")
    drain()
    [message] = smtp.to(email)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    # The whole subject arrives, spaces included (Python's header folding used to drop the one
    # before "régler").
    assert message["Subject"].startswith("Facture INV-") and "900,00 $US à régler le" in message["Subject"]
    assert "Bonjour Élodie Fournier," in text and "vous a envoyé la facture" in text
    assert '<html lang="fr">' in html and "Voir et payer la facture" in html
    [pdf] = list(message.iter_attachments())
    assert pdf.get_filename().startswith("Facture-INV-")
    shown = flat_text(pdf.get_content())
    assert "FACTURE" in shown and "Montant dû" in shown and "Comment payer" in shown
    assert "Amount due" not in shown


def test_the_same_invoice_is_english_for_a_client_without_a_setting(app, smtp, drain, make_client,
                                                                    make_invoice):
    email, client_id = make_client("Ada Plain")
    make_invoice(client_id, status="sent")
    drain()
    [message] = smtp.to(email)
    assert message["Subject"].startswith("Invoice INV-")
    assert "Amount due" in flat_text(next(message.iter_attachments()).get_content())


def test_turning_reminders_off_stops_them_but_not_the_invoice(app, smtp, drain, make_client,
                                                              make_invoice, database_url, settings):
    settings(reminder_offsets=[0])
    email, client_id = make_client("Ada Quiet")
    choose(database_url, email, client_id, invoice_reminders=False)
    due_today(app, database_url, make_invoice(client_id, status="sent"))
    drain()
    subjects = [m["Subject"] for m in smtp.to(email)]
    assert len(subjects) == 1 and subjects[0].startswith("Invoice "), "the invoice itself always goes"
    status, reason = outbox_row(database_url, email, "invoice_reminder")
    assert status == "failed" and "turned these emails off" in reason


def test_the_reminder_goes_to_a_client_who_kept_it_on(app, smtp, drain, make_client, make_invoice,
                                                      database_url, settings):
    settings(reminder_offsets=[0])
    email, client_id = make_client("Ada Reminded")
    choose(database_url, email, client_id, invoice_reminders=True, quote_sent=False)
    due_today(app, database_url, make_invoice(client_id, status="sent"))
    drain()
    assert any("Reminder" in m["Subject"] for m in smtp.to(email))


def test_turning_quote_emails_off_stops_quote_sent(app, smtp, drain, make_client, database_url):
    email, client_id = make_client("Ada No Quotes")
    choose(database_url, email, client_id, quote_sent=False)
    with psycopg.connect(database_url, autocommit=True) as conn:
        quote_id = conn.execute("insert into public.quotes (client_id, number, valid_until)"
                                " values (%s, 'Q-PREF-1', current_date + 30) returning id",
                                (client_id,)).fetchone()[0]
        conn.execute("insert into public.quote_items (quote_id, description, quantity, unit_price)"
                     " values (%s, 'Plan', 1, 50000)", (quote_id,))
        conn.execute("update public.quotes set status = 'sent' where id = %s", (quote_id,))
    drain()
    assert smtp.to(email) == []
    assert outbox_row(database_url, email, "quote_sent")[0] == "failed"
