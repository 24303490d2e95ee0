"""A real SMTP server (aiosmtpd) that keeps whole messages, and helpers to queue document events
the way the dashboard does (plain SQL as the owner)."""

import socket
import uuid
from email import message_from_bytes, policy

import psycopg
import pytest
from aiosmtpd.controller import Controller

from app import outbox


class Inbox:
    """Keeps every accepted message; refuses recipients in `unknown` with 550 5.1.1."""

    def __init__(self):
        self.messages, self.unknown = [], set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.unknown:
            return "550 5.1.1 The email account that you tried to reach does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(app):
    """The app sends through a real SMTP server on loopback for this test."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False)
    yield inbox
    controller.stop()


@pytest.fixture
def drain(app):
    """Runs the worker until nothing more is due."""

    def run():
        while outbox.deliver_outbox(app, limit=50):
            pass

    return run


@pytest.fixture
def settings(database_url):
    """Sets business settings for one test, and puts them back after it."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        before = conn.execute("select notification_email, notify_events, contact_email"
                              " from public.settings").fetchone()

    def update(**values):
        with psycopg.connect(database_url, autocommit=True) as conn:
            for column, value in values.items():
                conn.execute(f"update public.settings set {column} = %s", (value,))

    yield update
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.settings set notification_email = %s, notify_events = %s,"
                     " contact_email = %s", before)


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
