"""Issued documents never change: the parties and terms are frozen on an invoice or a quote when
it is sent, so later edits to the client's address or the business settings leave its page and
PDF as they were (issue 14)."""

import re

import psycopg
import pytest

from tests.pdf.pdftools import flat_text
from tests.signin import csrf_token

MAIN_CONTENT = re.compile(r"<main.*</main>", re.S)


def main_content(response) -> str:
    assert response.status_code == 200
    return MAIN_CONTENT.search(response.get_data(as_text=True)).group()


def move_house(browser, **address):
    """The client edits its address through the profile form, as a person would."""
    page = browser.get("/profile")
    form = {"phone": "", "address_line1": "", "address_line2": "", "city": "", "region": "",
            "postal_code": "", "country": "", **address, "csrf_token": csrf_token(page.data)}
    assert browser.post("/profile", data=form).status_code == 303


def test_an_issued_invoice_page_and_pdf_are_unchanged_after_the_client_moves(
        new_client, add_invoice, demo_db, settings):
    demo_db.execute("update public.settings set tax_id = 'US-EIN 12-3456789'")
    browser, client_id = new_client("Frozen Client", address_line1="1 Old Road", city="Oldtown")
    demo_db.execute("update public.clients set tax_id = 'GB123456789' where id = %s", (client_id,))
    invoice_id = add_invoice(client_id, [("Work", 1, 1000, 0)], terms="Net 30")
    page_before = main_content(browser.get(f"/invoices/{invoice_id}"))
    pdf_before = flat_text(browser.get(f"/invoices/{invoice_id}/pdf").data)
    for text in ("1 Old Road", "Oldtown", "GB123456789", "US-EIN 12-3456789", "Net 30"):
        assert text in page_before and text in pdf_before, text

    move_house(browser, address_line1="99 New Street", city="Newtown")
    settings(business_name="Renamed Studio", address_line1="5 Other Quay", tax_id="US-EIN 99")

    assert "99 New Street" in browser.get("/profile").get_data(as_text=True)
    assert main_content(browser.get(f"/invoices/{invoice_id}")) == page_before
    assert flat_text(browser.get(f"/invoices/{invoice_id}/pdf").data) == pdf_before


def test_a_document_sent_after_the_move_carries_the_new_address(new_client, add_invoice):
    browser, client_id = new_client("Moving Client", address_line1="1 Old Road")
    move_house(browser, address_line1="99 New Street")
    invoice_id = add_invoice(client_id, [("Work", 1, 1000, 0)])
    text = flat_text(browser.get(f"/invoices/{invoice_id}/pdf").data)
    assert "99 New Street" in text and "1 Old Road" not in text


def test_a_draft_is_frozen_only_when_it_is_sent(new_client, add_invoice, demo_db):
    browser, client_id = new_client("Draft Client", address_line1="1 Old Road")
    invoice_id = add_invoice(client_id, [("Work", 1, 1000, 0)], status="draft")
    demo_db.execute("update public.clients set address_line1 = '2 Later Lane' where id = %s", (client_id,))
    demo_db.execute("update public.invoices set status = 'sent' where id = %s", (invoice_id,))
    page = main_content(browser.get(f"/invoices/{invoice_id}"))
    assert "2 Later Lane" in page and "1 Old Road" not in page


@pytest.mark.parametrize("change", ["terms = 'Net 90'", "issued_parties = '{}'"])
def test_an_issued_invoices_parties_and_terms_cannot_be_edited(new_client, add_invoice, demo_db, change):
    _, client_id = new_client("Locked Client")
    invoice_id = add_invoice(client_id, [("Work", 1, 1000, 0)], terms="Net 30")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="Void it and issue another"):
        demo_db.execute(f"update public.invoices set {change} where id = %s", (invoice_id,))


def test_a_void_invoice_stays_visible_as_void(new_client, add_invoice, demo_db):
    browser, client_id = new_client("Void Client")
    invoice_id = add_invoice(client_id, [("Work", 1, 1000, 0)])
    demo_db.execute("update public.invoices set status = 'void' where id = %s", (invoice_id,))
    page = main_content(browser.get(f"/invoices/{invoice_id}"))
    assert "Void" in page and "Pay Now" not in page
    assert "VOID" in flat_text(browser.get(f"/invoices/{invoice_id}/pdf").data)
    assert "Void" in browser.get("/invoices").get_data(as_text=True)
