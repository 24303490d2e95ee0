"""Issue 12: the worker renders a document's PDF when it is issued or changed (triggers queue it
in private.pdf_renders), through the download's own path, so the client's download is a cache
hit; RLS still decides who may download it."""

from app.pdf.prerender import render_queued_pdfs
from tests.pdf.pdftools import flat_text
from tests.pdf.test_downloads import download


def run_worker(app) -> int:
    rendered = 0
    while batch := render_queued_pdfs(app, limit=50):
        rendered += batch
    return rendered


def test_an_issued_or_changed_invoice_is_rendered_ahead_and_downloads_hit_the_cache(
        new_client, add_invoice, demo_db, demo_app, renders):
    demo_db.execute("delete from private.pdf_renders")  # what other tests queued
    browser, client_id = new_client("Ahead Client")
    invoice_id = add_invoice(client_id, [("Prepared work", 1, 5000, 0)])
    assert run_worker(demo_app) == 1 and len(renders) == 1
    path = f"/invoices/{invoice_id}/pdf"
    first = download(browser, path)
    assert len(renders) == 1 and "Prepared work" in flat_text(first)  # a hit: nothing rendered

    demo_db.execute("update public.invoice_items set description = 'Changed work'"
                    " where invoice_id = %s", (invoice_id,))
    assert run_worker(demo_app) == 1 and len(renders) == 2
    changed = download(browser, path)
    assert len(renders) == 2 and "Changed work" in flat_text(changed)

    other, _ = new_client("Someone Else")
    assert other.get(path).status_code == 404  # cached, and still only for its client


def test_a_quote_is_rendered_ahead_drafts_are_not_and_a_client_change_leaves_it_as_issued(
        new_client, demo_db, demo_app, renders):
    demo_db.execute("delete from private.pdf_renders")
    browser, client_id = new_client("Quote Client")
    quote_id = demo_db.execute(
        "insert into public.quotes (client_id, number, status, valid_until)"
        " values (%s, 'AHEAD-Q-1', 'sent', current_date + 30) returning id::text",
        (client_id,)).fetchone()[0]
    demo_db.execute("insert into public.quotes (client_id, number, status, valid_until)"
                    " values (%s, 'AHEAD-Q-DRAFT', 'draft', current_date + 30)", (client_id,))
    assert run_worker(demo_app) == 1
    download(browser, f"/quotes/{quote_id}/pdf")
    assert len(renders) == 1
    demo_db.execute("update public.clients set name = 'Quote Client Renamed' where id = %s", (client_id,))
    run_worker(demo_app)
    again = flat_text(download(browser, f"/quotes/{quote_id}/pdf"))
    # An issued quote prints the parties frozen when it was sent (issue 14): the same PDF, from
    # the cache, whatever the client is called now.
    assert len(renders) == 1 and "Quote Client" in again and "Renamed" not in again


def test_the_worker_renders_each_language_the_clients_people_chose_so_theirs_is_a_hit(
        new_client, add_invoice, demo_db, demo_app, renders):
    demo_db.execute("delete from private.pdf_renders")
    browser, client_id = new_client("Client Lecteur")
    demo_db.execute("insert into public.account_preferences (email, client_id, language)"
                    " select lower(email), id, 'fr' from public.clients where id = %s", (client_id,))
    try:
        invoice_id = add_invoice(client_id, [("Travail prévu", 1, 5000, 0)])
        assert run_worker(demo_app) == 2 and len(renders) == 2  # English and French
        with browser.session_transaction() as session:
            session["language"] = "fr"
        french = flat_text(download(browser, f"/invoices/{invoice_id}/pdf"))
        assert len(renders) == 2 and "Facture" in french  # a hit, in the reader's language
    finally:
        demo_db.execute("delete from public.account_preferences where client_id = %s", (client_id,))
