"""Invoice and quote PDFs downloaded through the real sign-in, read back with poppler."""

import re
import uuid
from pathlib import Path

import pytest

from tests.pdf.pdftools import flat_text, page_count, page_texts, pdf_info, save_png

ADA_PARTLY_PAID = "00000000-0000-4000-8001-000000000002"
ADA_DRAFT = "00000000-0000-4000-8001-000000000005"
ADA_PENDING_QUOTE = "00000000-0000-4000-8002-000000000001"
GRACE_INVOICE = "00000000-0000-4000-8001-000000000010"
GRACE_QUOTE = "00000000-0000-4000-8002-000000000010"
ELODIE_INVOICE = "00000000-0000-4000-8001-000000000020"
ITEMS_HEADER = re.compile(r"Description\s+Quantity\s+Unit price\s+Tax\s+Amount")


def download(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return response.data


def lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


def header(page: str) -> str:
    """The top of the first page: the business, the title, the number and the status mark."""
    return re.split(r"BILL TO|PREPARED FOR", page)[0]


def test_a_download_is_an_attachment_named_after_the_document(signed_in):
    client = signed_in()
    invoice = client.get(f"/invoices/{ADA_PARTLY_PAID}/pdf")
    quote = client.get(f"/quotes/{ADA_PENDING_QUOTE}/pdf")
    assert invoice.status_code == quote.status_code == 200
    assert invoice.headers["Content-Type"] == quote.headers["Content-Type"] == "application/pdf"
    assert invoice.headers["Content-Disposition"] == 'attachment; filename="Invoice-INV-0002.pdf"'
    assert quote.headers["Content-Disposition"] == 'attachment; filename="Quote-Q-0001.pdf"'
    assert invoice.data.startswith(b"%PDF-")
    assert int(invoice.headers["Content-Length"]) == len(invoice.data)
    assert invoice.headers["Cache-Control"] == "no-store"


def test_a_download_is_named_in_the_readers_language_each_time(signed_in):
    """The title in the file name is translated once per process and language
    (app/pdf/views.py:document_title): each reader still gets their own."""
    client = signed_in()
    named = {}
    for language in ("fr", "de", "en", "fr"):
        with client.session_transaction() as session:
            session["language"] = language
        response = client.get(f"/quotes/{ADA_PENDING_QUOTE}/pdf")
        named.setdefault(language, set()).add(response.headers["Content-Disposition"])
    assert named == {"fr": {'attachment; filename="Devis-Q-0001.pdf"'},
                     "de": {'attachment; filename="Angebot-Q-0001.pdf"'},
                     "en": {'attachment; filename="Quote-Q-0001.pdf"'}}


def test_a_number_with_odd_characters_makes_a_plain_filename(new_client, add_invoice):
    browser, client_id = new_client("Filename Client")
    invoice_id = add_invoice(client_id, [("Work", 1, 100, 0)], number='FAC/2026 "é";\r\nx')
    disposition = browser.get(f"/invoices/{invoice_id}/pdf").headers["Content-Disposition"]
    # Accents are dropped rather than dashed (so a translated "Reçu" names "Recu-..." files).
    assert disposition == 'attachment; filename="Invoice-FAC-2026-e-x.pdf"'


def test_the_invoice_page_offers_the_download(signed_in):
    page = signed_in().get(f"/invoices/{ADA_PARTLY_PAID}").get_data(as_text=True)
    assert f'href="/invoices/{ADA_PARTLY_PAID}/pdf">Download PDF</a>' in page


def test_a_one_page_invoice_has_everything_in_its_place(signed_in):
    pdf = download(signed_in(), f"/invoices/{ADA_PARTLY_PAID}/pdf")
    save_png(pdf, "pdf-invoice-1-page")
    assert page_count(pdf) == 1
    (page,) = page_texts(pdf)
    top = header(page)
    for text in ("Northwind Studio", "12 Harbour Street", "hello@northwind.example", "INVOICE",
                 "INV-0002", "PARTLY PAID"):
        assert text in top, text
    client = page.split("BILL TO")[1].split("Description")[0]
    for text in ("Ada Lovelace", "1 Analytical Way", "London N1 7AA", "United Kingdom",
                 "ada@example.com"):
        assert text in client, text
    rows = [r"Website design\s+1\s+\$3,000\.00\s+10\s?%\s+\$3,000\.00",
            r"Content migration \(hours\)\s+12\s+\$85\.00\s+10\s?%\s+\$1,020\.00",
            r"Subtotal\s+\$4,020\.00", r"Tax\s+\$402\.00", r"Total\s+\$4,422\.00",
            r"Amount paid\s+\$1,000\.00", r"Amount due\s+\$3,422\.00", r"How to pay",
            r"Please pay \$3,422\.00 by", r"Page 1 of 1"]
    positions = [re.search(row, page) for row in rows]
    assert all(positions), [row for row, found in zip(rows, positions, strict=True) if not found]
    assert [p.start() for p in positions] == sorted(p.start() for p in positions), "out of order"
    assert lines(page)[-1].endswith("Page 1 of 1")
    assert re.search(r"^Author:\s+Northwind Studio$", pdf_info(pdf), re.M)
    assert f"http://localhost/invoices/{ADA_PARTLY_PAID}" in flat_text(pdf)


@pytest.mark.parametrize("path,mark,instructions", [
    ("/invoices/00000000-0000-4000-8001-000000000001/pdf", "PAID", None),
    ("/invoices/00000000-0000-4000-8001-000000000003/pdf", "OVERDUE", "How to pay"),
    ("/invoices/00000000-0000-4000-8001-000000000006/pdf", "VOID", None),
    ("/quotes/00000000-0000-4000-8002-000000000002/pdf", "ACCEPTED", "Accepted by Ada Lovelace on"),
    ("/quotes/00000000-0000-4000-8002-000000000003/pdf", "REJECTED",
     "Reason: Out of budget this quarter."),
    ("/quotes/00000000-0000-4000-8002-000000000001/pdf", "PENDING", "How to accept"),
])
def test_the_status_is_marked_at_the_top_and_says_what_to_do(signed_in, path, mark, instructions):
    pdf = download(signed_in(), path)
    page = page_texts(pdf)[0]
    # The mark ends its line in the right-hand column, with nothing else in its column.
    assert re.search(rf"(^|\s\s){mark}$", header(page), re.M), header(page)
    assert ("How to pay" in page) == (instructions == "How to pay")
    if instructions:
        assert instructions in flat_text(pdf)


def test_a_quote_shows_its_validity_and_total(signed_in):
    pdf = download(signed_in(), f"/quotes/{ADA_PENDING_QUOTE}/pdf")
    (page,) = page_texts(pdf)
    save_png(pdf, "pdf-quote-1-page")
    assert "QUOTE" in header(page) and "Q-0001" in header(page)
    for row in (r"VALID UNTIL\s+\w{3} \d+, \d{4}",
                r"E-commerce module\s+1\s+\$4,500\.00\s+10\s?%\s+\$4,500\.00",
                r"Training session\s+2\s+\$300\.00\s+10\s?%\s+\$600\.00",
                r"Subtotal\s+\$5,100\.00", r"Tax\s+\$510\.00", r"Total\s+\$5,610\.00"):
        assert re.search(row, page), row
    assert "Amount due" not in page and "Phase two of the website." in page


def test_a_200_item_invoice_continues_over_pages_with_its_header_repeated(new_client, add_invoice):
    browser, client_id = new_client("Long Document Ltd")
    items = [(f"Service line {n:03d}", 1, n * 100, 0) for n in range(1, 201)]
    invoice_id = add_invoice(client_id, items, number="INV-LONG-200",
                             notes="End of the long invoice.")
    pdf = download(browser, f"/invoices/{invoice_id}/pdf")
    save_png(pdf, "pdf-invoice-200-items-page-1")
    save_png(pdf, "pdf-invoice-200-items-page-2", page=2)

    pages = page_texts(pdf)
    count = page_count(pdf)
    assert count == len(pages) >= 5
    save_png(pdf, "pdf-invoice-200-items-last-page", page=count)
    for number, page in enumerate(pages, 1):
        assert lines(page)[-1].endswith(f"Page {number} of {count}"), (number, lines(page)[-1])
        assert ITEMS_HEADER.search(page), f"no items header on page {number}"
        if number > 1:
            assert ITEMS_HEADER.match(lines(page)[0]), f"page {number} starts without the header"
    per_page = [re.findall(r"Service line (\d{3})\s+1\s+\$[\d,]+\.00\s+0\s?%\s+\$[\d,]+\.00", page)
                for page in pages]
    assert [int(n) for found in per_page for n in found] == list(range(1, 201))
    # Every page but the last is full: no page was wasted.
    assert min(len(found) for found in per_page[1:-1]) >= 30
    assert "INV-LONG-200" in header(pages[0]) and "UNPAID" in header(pages[0])
    last = pages[-1]
    assert re.search(r"Service line 200.*Subtotal\s+\$20,100\.00.*Total\s+\$20,100\.00"
                     r".*Amount due\s+\$20,100\.00.*End of the long invoice\.", last, re.S)


def test_non_latin_text_prints_and_missing_glyphs_show(new_client, add_invoice):
    browser, client_id = new_client("Σωκράτης Παπαδόπουλος", address_line1="ул. Тверская, 7",
                                    city="Москва", country="Россия")
    invoice_id = add_invoice(client_id, [("Μετάφραση — Перевод — Traduction été", 1, 5000, 20),
                                         ("漢字 item", 1, 100, 0)], currency="EUR")
    pdf = download(browser, f"/invoices/{invoice_id}/pdf")
    save_png(pdf, "pdf-invoice-non-latin")
    text = flat_text(pdf)
    for expected in ("Σωκράτης Παπαδόπουλος", "ул. Тверская, 7", "Москва", "Россия",
                     "Μετάφραση — Перевод — Traduction été", "€50.00"):
        assert expected in text, expected
    # DejaVu has no CJK: the two characters print as replacement marks, not as nothing.
    assert "\ufffd\ufffd item" in text


def test_the_french_demo_invoice_prints_its_accents(signed_in):
    text = flat_text(download(signed_in("elodie@example.com"), f"/invoices/{ELODIE_INVOICE}/pdf"))
    for expected in ("Élodie Durand", "Identité visuelle", "Cartes de visite (×500)", "€1,800.00",
                     "Merci !"):
        assert expected in text, expected


def test_entered_text_is_printed_literally_and_nothing_is_fetched(new_client, add_invoice,
                                                                   settings, listener):
    image = '<img src="file:///etc/passwd">'
    link = '<a href="http://127.0.0.1:9/">'
    remote = f'<img src="http://127.0.0.1:{listener.port}/pixel.png">'
    # The database now refuses < and > in a client's address (clients_address_plain_text), so
    # the markup goes where an administrator can still type it: the business's address.
    settings(address_line1=image, address_line2=link, city="{{ 7*7 }}", region="</td>")
    browser, client_id = new_client(f"Mallory {remote}", city="{{ 7*7 }}", region="{% raw %}")
    item = f"Item {remote} <b>bold</b> {{{{ config }}}}"
    invoice_id = add_invoice(client_id, [(item, 1, 100, 0)],
                             notes=f'<link rel="stylesheet" href="http://127.0.0.1:{listener.port}/x.css">',
                             terms=f"<style>@import url(http://127.0.0.1:{listener.port}/y.css);</style>")
    pdf = download(browser, f"/invoices/{invoice_id}/pdf")
    save_png(pdf, "pdf-invoice-hostile-text")
    text = flat_text(pdf)
    for literal in (image, link, "{{ 7*7 }} </td>", "{{ 7*7 }} {% raw %}", f"Mallory {remote}",
                    item, "@import url(http://127.0.0.1:"):
        assert literal in text, literal
    assert "root:" not in text and " 49 " not in f" {text} "
    assert listener.connections == 0


@pytest.mark.parametrize("path", [f"/invoices/{GRACE_INVOICE}/pdf", f"/quotes/{GRACE_QUOTE}/pdf",
                                  f"/invoices/{ADA_DRAFT}/pdf", f"/invoices/{uuid.uuid4()}/pdf"])
def test_another_clients_or_a_hidden_document_is_a_404_and_nothing_is_rendered(
        signed_in, demo_app, renders, path):
    response = signed_in().get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "We could not find that page" in response.get_data(as_text=True)
    assert renders == []
    assert not list(Path(demo_app.config["PDF_CACHE_DIR"]).glob("*.pdf"))


@pytest.mark.parametrize("path", [f"/invoices/{ADA_PARTLY_PAID}/pdf",
                                  f"/quotes/{ADA_PENDING_QUOTE}/pdf"])
def test_signed_out_visitors_are_sent_to_sign_in(demo_app, renders, path):
    response = demo_app.test_client().get(path)
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    assert renders == []


def test_a_second_download_comes_from_the_cache_and_an_edit_makes_a_new_pdf(
        new_client, add_invoice, demo_db, renders):
    browser, client_id = new_client("Cache Client")
    invoice_id = add_invoice(client_id, [("Original work", 2, 1000, 0)])
    path = f"/invoices/{invoice_id}/pdf"
    first = download(browser, path)
    again = download(browser, path)
    assert len(renders) == 1 and again == first

    demo_db.execute("update public.invoice_items set description = 'Revised work'"
                    " where invoice_id = %s", (invoice_id,))
    edited = download(browser, path)
    assert len(renders) == 2
    assert "Revised work" in flat_text(edited) and "Original work" not in flat_text(edited)
    assert download(browser, path) == edited and len(renders) == 2


def test_a_branding_change_makes_a_new_pdf(new_client, add_invoice, settings, renders):
    """The parties are frozen on an issued invoice (tests/pdf/test_frozen_documents.py); the
    branding is not, and a new colour is a new PDF."""
    browser, client_id = new_client("Settings Client")
    path = f"/invoices/{add_invoice(client_id, [('Work', 1, 1000, 0)])}/pdf"
    first = download(browser, path)
    settings(brand_primary="#aa0000")
    recoloured = download(browser, path)
    assert len(renders) == 2 and recoloured != first and "#aa0000" in renders[1]
