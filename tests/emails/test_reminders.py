"""Invoice reminders (issue 13): on the business's offsets from the due date, scheduled by the
worker's queue_reminders, never twice per offset, none once paid, none when switched off for
the invoice, none for drafts; sent with List-Unsubscribe (not transactional)."""

from datetime import UTC, date, datetime, time, timedelta

import psycopg

from app.data import get_data


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def reminders(database_url, invoice_id):
    with psycopg.connect(database_url) as conn:
        return [r[0] for r in conn.execute(
            "select (context ->> 'offset_days')::int from public.outbox where kind = 'invoice_reminder'"
            " and context ->> 'invoice_id' = %s order by id", (invoice_id,))]


def due_in(database_url, invoice_id, days):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.invoices set due_date = current_date + %s where id = %s",
                     (days, invoice_id))


def test_reminders_go_out_once_per_offset_and_stop_once_paid(app, smtp, drain, make_client,
                                                             make_invoice, database_url, settings):
    settings(reminder_offsets=[-3, 0, 7], contact_email="hello@business.example")
    data, today = get_data(app), datetime.now(UTC).date()
    email, client_id = make_client("Ada Reminded")
    invoice_id = make_invoice(client_id, status="sent")
    due_in(database_url, invoice_id, 3)
    for _ in range(2):  # two rounds of the worker on the same day: one reminder
        data.call_as_service("queue_reminders", p_now=at_noon(today))
    assert reminders(database_url, invoice_id) == [-3]
    data.call_as_service("queue_reminders", p_now=at_noon(today + timedelta(days=1)))
    assert reminders(database_url, invoice_id) == [-3], "no offset falls on that day"
    data.call_as_service("queue_reminders", p_now=at_noon(today + timedelta(days=3)))
    assert reminders(database_url, invoice_id) == [-3, 0]
    drain()
    sent = [m for m in smtp.to(email) if "Reminder" in m["Subject"]]
    assert len(sent) == 2 and all(m["List-Unsubscribe"] for m in sent)
    with psycopg.connect(database_url, autocommit=True) as conn:  # paid in full
        conn.execute("insert into public.payments (invoice_id, amount, currency, method)"
                     " values (%s, 90000, 'USD', 'bank_transfer')", (invoice_id,))
    data.call_as_service("queue_reminders", p_now=at_noon(today + timedelta(days=10)))
    assert reminders(database_url, invoice_id) == [-3, 0], "no reminder after payment"


def test_no_reminder_for_drafts_or_when_switched_off(app, make_client, make_invoice, database_url,
                                                    settings):
    settings(reminder_offsets=[0])
    email, client_id = make_client("Ada Quiet")
    draft = make_invoice(client_id)
    off = make_invoice(client_id, status="sent")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.invoices set reminders_enabled = false where id = %s", (off,))
    for invoice_id in (draft, off):
        due_in(database_url, invoice_id, 0)
    get_data(app).call_as_service("queue_reminders", p_now=at_noon(datetime.now(UTC).date()))
    assert reminders(database_url, draft) == [] and reminders(database_url, off) == []
