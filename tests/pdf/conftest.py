"""Fixtures for the PDF tests: a cache directory per test, a count of renders, and clients and
documents of their own in the demo database (removed afterwards)."""

import uuid

import psycopg
import pytest

from app.pdf import views
from tests.pdf.pdftools import Listener
from tests.signin import sign_in


@pytest.fixture
def demo_app(demo_app, tmp_path):
    """The demo app, with its PDF cache in the test's own directory."""
    demo_app.config["PDF_CACHE_DIR"] = str(tmp_path / "pdf-cache")
    return demo_app


@pytest.fixture
def renders(monkeypatch):
    """The HTML of every PDF actually rendered (not served from the cache) during the test."""
    seen, render_pdf = [], views.render_pdf

    def counting(html):
        seen.append(html)
        return render_pdf(html)

    monkeypatch.setattr(views, "render_pdf", counting)
    return seen


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


@pytest.fixture
def demo_db(demo_database_url):
    with psycopg.connect(demo_database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def settings(demo_db):
    """Changes columns of the settings row (as an administrator would) for one test."""
    row = demo_db.execute("select * from public.settings")
    saved = dict(zip([column.name for column in row.description], row.fetchone(), strict=True))

    def change(**columns):
        assignments = ", ".join(f"{name} = %s" for name in columns)
        demo_db.execute(f"update public.settings set {assignments}", list(columns.values()))

    yield change
    change(**saved)


@pytest.fixture
def new_client(demo_db, demo_app):
    """Creates a client with portal access and returns (signed-in test client, client id);
    its documents and the client itself are deleted afterwards."""
    made = []

    def make(name="Test Client", **address):
        email = f"pdf-{uuid.uuid4().hex[:10]}@example.test"
        columns = ["name", "email", "portal_access", *address]
        client_id = demo_db.execute(
            f"insert into public.clients ({', '.join(columns)}) values"
            f" ({', '.join(['%s'] * len(columns))}) returning id::text",
            [name, email, True, *address.values()]).fetchone()[0]
        made.append(client_id)
        browser = demo_app.test_client()
        sign_in(demo_app, browser, email)
        return browser, client_id

    yield make
    for client_id in made:
        demo_db.execute("delete from public.invoices where client_id = %s", (client_id,))
        demo_db.execute("delete from public.quotes where client_id = %s", (client_id,))
        demo_db.execute("delete from public.clients where id = %s", (client_id,))


@pytest.fixture
def add_invoice(demo_db):
    """Adds a sent invoice with the given items, (description, quantity, unit price, tax rate);
    returns its id. Deleted with its client (see new_client)."""

    def add(client_id, items, number=None, **fields):
        columns = {"client_id": client_id, "status": "sent", "currency": "USD",
                   "number": number or f"T-{uuid.uuid4().hex[:8].upper()}", **fields}
        invoice_id = demo_db.execute(
            f"insert into public.invoices ({', '.join(columns)}) values"
            f" ({', '.join(['%s'] * len(columns))}) returning id::text",
            list(columns.values())).fetchone()[0]
        with demo_db.cursor() as cursor:
            cursor.executemany(
                "insert into public.invoice_items (invoice_id, position, description, quantity,"
                " unit_price, tax_rate) values (%s, %s, %s, %s, %s, %s)",
                [(invoice_id, position, *item) for position, item in enumerate(items, 1)])
        return invoice_id

    return add
