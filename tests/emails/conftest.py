"""Invoices made the way the dashboard does (plain SQL as the owner), and the shared email
fixtures."""

import uuid

import psycopg
import pytest

from tests.mail_fixtures import drain, settings, smtp  # noqa: F401  (fixtures)


@pytest.fixture
def make_invoice(database_url):
    """An invoice with one item (draft unless told), for a client; returns its id."""

    def make(client_id, status="draft", archived=False, amount=90000):
        with psycopg.connect(database_url, autocommit=True) as conn:
            invoice_id = conn.execute(
                "insert into public.invoices (client_id, number, archived) values (%s, %s, %s)"
                " returning id::text", (client_id, f"INV-{uuid.uuid4().hex[:8]}", archived)).fetchone()[0]
            conn.execute("insert into public.invoice_items (invoice_id, description, quantity, unit_price)"
                         " values (%s, 'Garden design', 1, %s)", (invoice_id, amount))
            if status != "draft":
                conn.execute("update public.invoices set status = %s where id = %s", (status, invoice_id))
        return invoice_id

    return make
