"""Fixtures for email tests, shared by tests/emails and tests/booking: a real SMTP server
(aiosmtpd) that keeps whole messages, the worker run until nothing is due, business settings."""

import socket
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
        # Twice more after a round that sent nothing: a parked email may queue a notice.
        idle = 0
        while idle < 2:
            idle = 0 if outbox.deliver_outbox(app, limit=50) else idle + 1

    return run


@pytest.fixture
def settings(database_url):
    """Sets business settings for one test, and puts them back after it."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        before = conn.execute("select notification_email, notify_events, contact_email,"
                              " reminder_offsets from public.settings").fetchone()

    def update(**values):
        with psycopg.connect(database_url, autocommit=True) as conn:
            for column, value in values.items():
                conn.execute(f"update public.settings set {column} = %s", (value,))

    yield update
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.settings set notification_email = %s, notify_events = %s,"
                     " contact_email = %s, reminder_offsets = %s", before)


