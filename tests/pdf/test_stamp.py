"""Issue 12: a cached PDF download reads only the document's stamp (public.pdf_stamp: number,
state today, PDF version), in the round trip that checks the session, and a stamp read before
is kept by the process under the client's page version, like a page (app/page_cache.py), so
that round trip then checks the session only; the stamp changes with whatever the PDF shows,
and RLS still decides who may download (the stamp lookup authorises)."""

from datetime import date, timedelta

import pytest

from app.data import get_data
from app.pdf.prerender import render_queued_pdfs
from tests.business_day import days_later
from tests.pdf.pdftools import flat_text
from tests.pdf.test_downloads import ADA_PARTLY_PAID, ADA_PENDING_QUOTE, download
from tests.round_trips import counted_round_trips


class Calls(list):
    """The database functions the app calls, by name, in order; `answers` holds what each
    session-checking round trip's calls returned."""

    def __init__(self):
        super().__init__()
        self.answers = []

    def clear(self):
        super().clear()
        self.answers.clear()


@pytest.fixture
def calls(demo_app, monkeypatch):
    """The database functions the app calls, by name, in order (the session check's calls and
    any later ones)."""
    data, seen = get_data(demo_app), Calls()
    checking, as_client = data.call_checking_session, data.call_as_client

    def checking_recorded(identity, idle_seconds, now, page_calls, **page):
        seen.extend(function for function, _ in page_calls)
        state, results = checking(identity, idle_seconds, now, page_calls, **page)
        seen.answers.append(results)
        return state, results

    def as_client_recorded(identity, function, /, **args):
        seen.append(function)
        return as_client(identity, function, **args)

    monkeypatch.setattr(data, "call_checking_session", checking_recorded)
    monkeypatch.setattr(data, "call_as_client", as_client_recorded)
    return seen


@pytest.mark.parametrize("path", [f"/invoices/{ADA_PARTLY_PAID}/pdf", f"/quotes/{ADA_PENDING_QUOTE}/pdf"])
def test_a_cached_download_reads_only_the_stamp_in_one_round_trip(signed_in, demo_app, renders,
                                                                  calls, path):
    client = signed_in()
    first = download(client, path)  # rendered and cached; the process now holds the profile
    assert len(renders) == 1
    calls.clear()
    with counted_round_trips(demo_app) as round_trips:
        again = download(client, path)
        assert round_trips() == 1
    assert again == first and len(renders) == 1
    assert calls == ["pdf_stamp"]  # not the document, its lines or the client's profile


@pytest.mark.parametrize("path", [f"/invoices/{ADA_PARTLY_PAID}/pdf", f"/quotes/{ADA_PENDING_QUOTE}/pdf"])
def test_a_stamp_read_before_is_kept_and_the_round_trip_only_checks_the_session(
        signed_in, demo_app, renders, calls, path):
    client = signed_in()
    first = download(client, path)
    calls.clear()
    with counted_round_trips(demo_app) as round_trips:
        again = download(client, path)
        assert round_trips() == 1
    # The page version came back unmoved, and no stamp with it: pdf_stamp did not run.
    [[(version, stamp)]] = calls.answers
    assert version and stamp is None
    assert again == first and len(renders) == 1


def test_a_kept_stamp_never_serves_a_revoked_session(signed_in, demo_app, demo_db, renders):
    client = signed_in()
    path = f"/invoices/{ADA_PARTLY_PAID}/pdf"
    download(client, path)
    download(client, path)  # kept now
    demo_db.execute("update private.sessions set revoked_at = now() where revoked_at is null"
                    " and client_id = (select id from public.clients where email = 'ada@example.com')")
    refused = client.get(path)
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert not refused.data.startswith(b"%PDF")


def test_a_miss_renders_the_document_read_as_the_client_and_files_it_under_the_stamp(
        signed_in, calls, renders):
    client = signed_in()
    calls.clear()  # signing in read the person's preferences
    pdf = download(client, f"/invoices/{ADA_PARTLY_PAID}/pdf")
    assert calls == ["pdf_stamp", "portal_invoice", "portal_profile"] and len(renders) == 1
    assert "INV-0002" in flat_text(pdf)


def test_another_clients_document_is_a_404_even_when_its_pdf_is_cached(signed_in, renders):
    ada, grace = signed_in(), signed_in("grace@example.com")
    for path in (f"/invoices/{ADA_PARTLY_PAID}/pdf", f"/quotes/{ADA_PENDING_QUOTE}/pdf"):
        download(ada, path)
        refused = grace.get(path)
        assert refused.status_code == 404 and refused.mimetype == "text/html"
        assert not refused.data.startswith(b"%PDF")
    assert len(renders) == 2  # only Ada's own downloads rendered


def stamp_of(demo_db, kind, document_id):
    """The stamp the worker and the emails get with the document (as the service)."""
    with demo_db.transaction():
        demo_db.execute("select set_config('request.jwt.claims', '{\"role\": \"service_role\"}', true)")
        return demo_db.execute("select private.email_document(%s, %s) -> 'stamp'",
                               (kind, document_id)).fetchone()[0]


@pytest.mark.parametrize("change", ["item", "payment", "document", "settings"])
def test_a_change_to_what_the_pdf_shows_makes_a_new_pdf(new_client, add_invoice, demo_db,
                                                        settings, renders, change):
    browser, client_id = new_client("Stamp Client")
    invoice_id = add_invoice(client_id, [("Stamped work", 2, 1000, 0)])
    path = f"/invoices/{invoice_id}/pdf"
    before = stamp_of(demo_db, "invoice", invoice_id)
    first = download(browser, path)
    assert download(browser, path) == first and len(renders) == 1
    try:
        if change == "item":
            demo_db.execute("update public.invoice_items set quantity = 3 where invoice_id = %s",
                            (invoice_id,))
            shown = "30.00"
        elif change == "payment":
            demo_db.execute("insert into public.payments (invoice_id, amount, currency, method)"
                            " values (%s, 500, 'USD', 'bank_transfer')", (invoice_id,))
            shown = "15.00"  # what is still due
        elif change == "document":
            demo_db.execute("update public.invoices set notes = 'Thank you, truly' where id = %s",
                            (invoice_id,))
            shown = "Thank you, truly"
        else:
            # The business's party is frozen on the invoice; its branding is not.
            settings(brand_primary="#00aa55")
            shown = None
        after = stamp_of(demo_db, "invoice", invoice_id)
        if change == "settings":  # the settings' own version is in the key, not the document's
            assert after == before
        else:
            assert after["version"] > before["version"]
        changed = download(browser, path)
        assert len(renders) == 2 and changed != first
        assert shown in flat_text(changed) if shown else "#00aa55" in renders[1]
        assert download(browser, path) == changed and len(renders) == 2
    finally:
        demo_db.execute("delete from public.payments where invoice_id = %s", (invoice_id,))


def test_a_client_change_restamps_only_documents_that_print_the_client_live(
        new_client, add_invoice, demo_db):
    _, client_id = new_client("Live Client")
    issued = add_invoice(client_id, [("Work", 1, 100, 0)])
    draft = add_invoice(client_id, [("Work", 1, 100, 0)], status="draft")
    version = "select version from private.pdf_versions where kind = 'invoice' and document_id = %s"
    before = {i: demo_db.execute(version, (i,)).fetchone()[0] for i in (issued, draft)}
    demo_db.execute("update public.clients set name = 'Live Client Renamed' where id = %s", (client_id,))
    # The issued invoice prints the parties frozen when it was sent; the draft prints the client.
    assert demo_db.execute(version, (issued,)).fetchone()[0] == before[issued]
    assert demo_db.execute(version, (draft,)).fetchone()[0] == before[draft] + 1


def test_an_invoice_overdue_by_the_calendar_alone_gets_a_new_pdf(new_client, add_invoice, demo_db,
                                                                 renders):
    browser, client_id = new_client("Calendar Client")
    invoice_id = add_invoice(client_id, [("Work", 1, 1000, 0)], due_date=date.today() + timedelta(days=30))
    path = f"/invoices/{invoice_id}/pdf"
    before = stamp_of(demo_db, "invoice", invoice_id)
    assert "overdue" not in flat_text(download(browser, path))
    assert "overdue" not in flat_text(download(browser, path))  # its stamp kept now
    with days_later(demo_db, 31):
        after = stamp_of(demo_db, "invoice", invoice_id)
        assert after["version"] == before["version"] and (before["state"], after["state"]) == (
            "unpaid", "overdue")
        overdue = download(browser, path)
    assert len(renders) == 2 and "this invoice is overdue" in flat_text(overdue)


def test_the_worker_files_each_pdf_under_the_stamp_the_download_reads(new_client, add_invoice,
                                                                      demo_db, demo_app, renders):
    demo_db.execute("delete from private.pdf_renders")  # what other tests queued
    browser, client_id = new_client("Worker Client")
    invoice_id = add_invoice(client_id, [("Queued work", 1, 1000, 0)])
    demo_db.execute("update public.invoice_items set description = 'Queued work, revised'"
                    " where invoice_id = %s", (invoice_id,))
    while render_queued_pdfs(demo_app, limit=50):
        pass
    assert len(renders) == 1
    assert "Queued work, revised" in flat_text(download(browser, f"/invoices/{invoice_id}/pdf"))
    assert len(renders) == 1  # a hit


def test_a_pdf_version_is_told_only_to_the_documents_client_or_the_service(demo_db):
    asked = "select private.pdf_version('invoice', %s)"
    assert demo_db.execute(asked, (ADA_PARTLY_PAID,)).fetchone()[0] is None  # nobody signed in
    with demo_db.transaction():
        demo_db.execute("select set_config('request.jwt.claims', '{\"role\": \"service_role\"}', true)")
        assert demo_db.execute(asked, (ADA_PARTLY_PAID,)).fetchone()[0] >= 1


def test_the_email_attaches_the_pdf_the_download_serves(new_client, add_invoice, demo_db, demo_app,
                                                        renders):
    """The email of a sent invoice files its PDF under the stamp read with the document: the
    client's download then finds that very file."""
    import mailbox

    from app.outbox import deliver_outbox

    browser, client_id = new_client("Mailed Client")
    email = demo_db.execute("select email from public.clients where id = %s", (client_id,)).fetchone()[0]
    invoice_id = add_invoice(client_id, [("Mailed work", 1, 1000, 0)], status="draft")
    demo_db.execute("update public.invoices set status = 'sent' where id = %s", (invoice_id,))
    while deliver_outbox(demo_app, limit=50):
        pass
    # The client's sign-in link went there too: the one with a PDF is the invoice's.
    [attached] = [part.get_payload(decode=True)
                  for message in mailbox.Maildir(demo_app.config["MAILBOX_DIR"]) if message["To"] == email
                  for part in message.walk() if part.get_content_type() == "application/pdf"]
    rendered = len(renders)
    assert download(browser, f"/invoices/{invoice_id}/pdf") == attached
    assert len(renders) == rendered  # a hit
