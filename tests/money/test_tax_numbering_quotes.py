"""Tax identity, numbering and quote to invoice (issue 14): tax by rate and the reverse-charge
or exemption note on pages and PDFs; numbers from a per-series counter when left blank, per year
if configured, gapless and never reused; accepting a quote creates its invoice when the settings
say so, the two linked both ways."""

import re
import uuid

import psycopg
import pytest

from tests.pdf.pdftools import page_texts
from tests.signin import csrf_token, sign_in


@pytest.fixture
def owner(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def settings(owner):
    """Changes settings columns for one test, as an administrator would."""
    row = owner.execute("select * from public.settings")
    saved = dict(zip([column.name for column in row.description], row.fetchone(), strict=True))

    def change(**columns):
        owner.execute("update public.settings set " + ", ".join(f"{name} = %s" for name in columns),
                      list(columns.values()))

    yield change
    change(**{name: saved[name] for name in (
        "invoice_prefix", "invoice_next_number", "quote_prefix", "quote_next_number",
        "numbering_per_year", "numbering_year", "quote_acceptance_creates")})


@pytest.fixture
def client_account(app, owner):
    email = f"tax-{uuid.uuid4().hex[:8]}@example.test"
    client_id = owner.execute("insert into public.clients (name, email, portal_access)"
                              " values ('Tess Tax', %s, true) returning id", (email,)).fetchone()[0]
    browser = app.test_client()
    sign_in(app, browser, email)
    return browser, client_id


def new_invoice(owner, client_id, number=None, status="sent", **columns):
    columns = {"client_id": client_id, "number": number, "status": status, **columns}
    return owner.execute(
        f"insert into public.invoices ({', '.join(columns)}) values ({', '.join(['%s'] * len(columns))})"
        " returning id::text, number", list(columns.values())).fetchone()


def text_of(response) -> str:
    assert response.status_code == 200
    main = re.search(r"<main.*</main>", response.get_data(as_text=True), re.S).group()
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def pdf_text(response) -> str:
    assert response.status_code == 200
    return " ".join(" ".join(page_texts(response.data)).split())


def test_a_blank_number_comes_from_the_series_and_is_never_reused(owner, settings, client_account):
    settings(invoice_prefix="TX-", invoice_next_number=7, numbering_per_year=False)
    _, client_id = client_account
    assert new_invoice(owner, client_id)[1] == "TX-0007"
    assert new_invoice(owner, client_id, number="")[1] == "TX-0008"
    new_invoice(owner, client_id, number="TX-0009")  # typed by hand
    assert new_invoice(owner, client_id)[1] == "TX-0010"
    assert owner.execute("select invoice_next_number from public.settings").fetchone()[0] == 11


def test_a_rolled_back_document_gives_its_number_back(database_url, owner, settings, client_account):
    settings(quote_prefix="QX-", quote_next_number=3)
    _, client_id = client_account
    with psycopg.connect(database_url) as conn:
        drawn = conn.execute("insert into public.quotes (client_id, number) values (%s, null)"
                             " returning number", (client_id,)).fetchone()[0]
        conn.rollback()
    again = owner.execute("insert into public.quotes (client_id, number) values (%s, null)"
                          " returning number", (client_id,)).fetchone()[0]
    assert drawn == again == "QX-0003"


def test_numbers_per_year_start_again_each_year(owner, settings, client_account):
    settings(invoice_prefix="TY-", invoice_next_number=41, numbering_per_year=True, numbering_year=2001)
    _, client_id = client_account
    year = owner.execute("select extract(year from private.business_today())::int").fetchone()[0]
    assert new_invoice(owner, client_id)[1] == f"TY-{year}-0001"
    assert new_invoice(owner, client_id)[1] == f"TY-{year}-0002"


def test_several_tax_rates_are_broken_down_and_tax_ids_printed(owner, client_account):
    browser, client_id = client_account
    invoice_id, _ = new_invoice(owner, client_id, number=f"TB-{uuid.uuid4().hex[:6]}")
    owner.execute("insert into public.invoice_items (invoice_id, description, unit_price, tax_rate)"
                  " values (%s, 'Books', 10000, 5.5), (%s, 'Design', 20000, 20)", (invoice_id, invoice_id))
    for text in (text_of(browser.get(f"/invoices/{invoice_id}")),
                 pdf_text(browser.get(f"/invoices/{invoice_id}/pdf"))):
        assert re.search(r"Tax at 5\.5 % on \$100\.00 \$5\.50", text), text
        assert re.search(r"Tax at 20 % on \$200\.00 \$40\.00", text), text


@pytest.mark.parametrize(("reason", "note"), [
    ("reverse_charge", "Reverse charge: no tax is charged; the recipient accounts for it."),
    ("exempt", "Exempt from tax: no tax is charged.")])
def test_zero_tax_says_why(owner, client_account, reason, note):
    browser, client_id = client_account
    invoice_id, _ = new_invoice(owner, client_id, number=f"TZ-{uuid.uuid4().hex[:6]}", zero_tax_reason=reason)
    owner.execute("insert into public.invoice_items (invoice_id, description, unit_price)"
                  " values (%s, 'Consulting', 50000)", (invoice_id,))
    assert note in text_of(browser.get(f"/invoices/{invoice_id}"))
    assert note in pdf_text(browser.get(f"/invoices/{invoice_id}/pdf"))


def accept(browser, quote_id):
    form = browser.get(f"/quotes/{quote_id}/accept")
    response = browser.post(f"/quotes/{quote_id}/accept",
                            data={"signer_name": "Tess Tax", "csrf_token": csrf_token(form.data)})
    assert response.status_code == 303


def new_quote(owner, client_id):
    quote_id = owner.execute("insert into public.quotes (client_id, number, status) values (%s, %s, 'sent')"
                             " returning id::text", (client_id, f"QA-{uuid.uuid4().hex[:6]}")).fetchone()[0]
    owner.execute("insert into public.quote_items (quote_id, position, description, quantity, unit_price,"
                  " tax_rate) values (%s, 1, 'Logo', 1, 80000, 20), (%s, 2, 'Cards', 500, 40, 0)",
                  (quote_id, quote_id))
    return quote_id


def test_accepting_a_quote_creates_its_invoice_sent_and_linked(owner, settings, client_account):
    settings(quote_acceptance_creates="sent", invoice_prefix="QI-", numbering_per_year=False)
    browser, client_id = client_account
    quote_id = new_quote(owner, client_id)
    accept(browser, quote_id)
    invoice_id, number, status, total = owner.execute(
        "select id::text, number, status::text, total from public.invoices where quote_id = %s",
        (quote_id,)).fetchone()
    assert number.startswith("QI-") and status == "sent" and total == 80000 + 16000 + 20000
    quote_page = browser.get(f"/quotes/{quote_id}").get_data(as_text=True)
    assert f'href="/invoices/{invoice_id}">invoice {number}</a>' in quote_page
    invoice_page = browser.get(f"/invoices/{invoice_id}").get_data(as_text=True)
    assert f'href="/quotes/{quote_id}">quote QA-' in invoice_page and "Logo" in invoice_page


def test_accepting_a_quote_can_create_a_draft_the_client_does_not_see_yet(owner, settings, client_account):
    settings(quote_acceptance_creates="draft")
    browser, client_id = client_account
    quote_id = new_quote(owner, client_id)
    accept(browser, quote_id)
    assert owner.execute("select status::text from public.invoices where quote_id = %s",
                         (quote_id,)).fetchone()[0] == "draft"
    assert "Invoiced as" not in browser.get(f"/quotes/{quote_id}").get_data(as_text=True)


def test_by_default_accepting_a_quote_creates_nothing(owner, settings, client_account):
    settings(quote_acceptance_creates="nothing")
    browser, client_id = client_account
    quote_id = new_quote(owner, client_id)
    accept(browser, quote_id)
    assert owner.execute("select count(*) from public.invoices where quote_id = %s",
                         (quote_id,)).fetchone()[0] == 0
