"""The statement of account (issue 14): a page, a PDF and a CSV for a chosen period, reached
from the dashboard; a bad period is a clear 400 that changes nothing."""

import csv
import io
import re
import uuid

import psycopg
import pytest

from tests.pdf.pdftools import page_texts
from tests.signin import sign_in


@pytest.fixture
def account(app, database_url):
    """A signed-in client with a USD history: an old paid invoice, an invoice partly paid and
    partly refunded in the period, and a EUR invoice overdue."""
    email = f"statement-{uuid.uuid4().hex[:8]}@example.test"
    with psycopg.connect(database_url, autocommit=True) as conn:
        client_id = conn.execute(
            "insert into public.clients (name, email, portal_access)"
            " values ('Stella Statement', %s, true) returning id", (email,)).fetchone()[0]
        tag = uuid.uuid4().hex[:6].upper()
        for number, issued, due, currency, amount in (
                (f"S-{tag}-1", "2026-01-10", "2026-02-09", "USD", 10000),
                (f"S-{tag}-2", "2026-03-05", "2026-04-04", "USD", 20000),
                (f"S-{tag}-3", "2026-03-20", "2026-04-19", "EUR", 7000)):
            invoice_id = conn.execute(
                "insert into public.invoices (client_id, number, status, issue_date, due_date, currency)"
                " values (%s, %s, 'sent', %s, %s, %s) returning id",
                (client_id, number, issued, due, currency)).fetchone()[0]
            conn.execute("insert into public.invoice_items (invoice_id, description, unit_price)"
                         " values (%s, 'Work', %s)", (invoice_id, amount))
            if number.endswith("-1"):
                conn.execute("insert into public.payments (invoice_id, amount, currency, method, paid_at)"
                             " values (%s, 10000, 'USD', 'cheque', '2026-02-01 12:00Z')", (invoice_id,))
            if number.endswith("-2"):
                payment = conn.execute(
                    "insert into public.payments (invoice_id, amount, currency, method, paid_at)"
                    " values (%s, 8000, 'USD', 'bank_transfer', '2026-03-15 12:00Z') returning id",
                    (invoice_id,)).fetchone()[0]
                conn.execute("update public.payments set amount_refunded = 3000,"
                             " status = 'partially_refunded' where id = %s", (payment,))
    client = app.test_client()
    sign_in(app, client, email)
    return client, tag


PERIOD = "from=2026-03-01&to=2026-12-31"


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    main = re.search(r"<main.*</main>", response.get_data(as_text=True), re.S).group()
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_the_dashboard_leads_to_the_statement(account):
    client, _ = account
    assert 'href="/statement">Statement of account' in client.get("/").get_data(as_text=True)
    assert "Statement of account" in text_of(client.get("/statement"))


def test_the_page_has_opening_lines_closing_and_aging_per_currency(account):
    client, tag = account
    text = text_of(client.get(f"/statement?{PERIOD}"))
    usd = text.split(" USD ", 1)[1]  # EUR comes first
    assert re.search(r"Opening balance \$0\.00", usd)  # the January invoice was paid in February
    assert f"Invoice S-{tag}-2" in usd and "$200.00" in usd
    assert re.search(r"Payment R-\d{6} S-" + tag + r"-2 -\$80\.00 \$120\.00", usd), usd
    assert re.search(r"Refund RF-\d{6} S-" + tag + r"-2 \$30\.00 \$150\.00", usd), usd
    assert re.search(r"Closing balance \$150\.00", usd)
    assert re.search(r"Closing balance €70\.00", text)
    assert "1–30 days" in text and "Over 90 days" in text


def test_the_csv_adds_up(account):
    client, tag = account
    response = client.get(f"/statement.csv?{PERIOD}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert (response.headers["Content-Disposition"]
            == 'attachment; filename="Statement-2026-03-01-2026-12-31.csv"')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    usd = [row for row in rows if row["currency"] == "USD"]
    assert [row["type"] for row in usd] == ["Opening balance", "Invoice", "Payment", "Refund",
                                            "Closing balance"]
    assert [row["amount"] for row in usd[1:-1]] == ["200.00", "-80.00", "30.00"]
    assert usd[0]["balance"] == "0.00" and usd[-1]["balance"] == "150.00"
    assert usd[2]["invoice"] == f"S-{tag}-2"
    assert [row["balance"] for row in rows if row["currency"] == "EUR"][-1] == "70.00"


def test_the_pdf_has_the_same_lines(account):
    client, tag = account
    response = client.get(f"/statement/pdf?{PERIOD}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(" ".join(page_texts(response.data)).split())
    assert "STATEMENT OF ACCOUNT" in text and "Stella Statement" in text
    assert re.search(r"Refund RF-\d{6} S-" + tag + r"-2 \$30\.00 \$150\.00", text), text
    assert re.search(r"Closing balance \$150\.00", text) and "€70.00" in text


@pytest.mark.parametrize(("query", "message"), [
    ("from=2026-13-01&to=2026-12-31", "Dates are written like 2026-01-31"),
    ("from=yesterday", "Dates are written like 2026-01-31"),
    ("from=2026-12-31&to=2026-01-01", "Choose a start date on or before the end date."),
    ("from=1990-01-01&to=2026-01-01", "A statement covers at most ten years."),
])
@pytest.mark.parametrize("path", ["/statement", "/statement/pdf", "/statement.csv"])
def test_a_bad_period_is_a_clear_400(account, path, query, message):
    client, _ = account
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert message in response.get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for path in ("/statement", "/statement/pdf", "/statement.csv"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/login?next=")
