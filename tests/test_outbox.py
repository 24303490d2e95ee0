"""The outbox: each queued email is sent once, failures are retried with backoff and then
parked (kept, the business told), two workers never send the same email."""

import socket
import threading
import uuid

import psycopg
import pytest

from app import outbox
from tests.signin import emails_to


@pytest.fixture
def queued(database_url):
    """Queues emails (as the payment and booking functions do) and returns their addresses."""

    def queue(count=1):
        addresses = [f"out-{uuid.uuid4().hex[:8]}@example.test" for _ in range(count)]
        with psycopg.connect(database_url, autocommit=True) as conn:
            for address in addresses:
                conn.execute("insert into public.outbox (dedupe_key, to_email, subject, body_text)"
                             " values (%s, %s, 'Hello', 'Body')", (f"test:{address}", address))
        return addresses

    yield queue
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("delete from public.outbox where dedupe_key like 'test:%'")


def state(database_url, address):
    with psycopg.connect(database_url) as conn:
        return conn.execute("select status::text, attempts, last_error is not null,"
                            " extract(epoch from next_attempt_at - now())::int"
                            " from public.outbox where to_email = %s", (address,)).fetchone()


def test_a_queued_email_is_sent_once(app, queued, database_url):
    while outbox.deliver_outbox(app):  # first what earlier tests left queued (more than one round)
        pass
    (address,) = queued()
    assert outbox.deliver_outbox(app) == 1
    assert outbox.deliver_outbox(app) == 0
    assert len(emails_to(app, address)) == 1
    assert state(database_url, address)[:2] == ("sent", 1)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_failure_is_retried_later_with_backoff(app, queued, database_url):
    (address,) = queued()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port())  # a mail server that is down
    outbox.deliver_outbox(app)
    status, attempts, has_error, wait = state(database_url, address)
    assert (status, attempts, has_error) == ("pending", 1, True)
    assert 50 <= wait <= 60  # 1 minute
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.outbox set next_attempt_at = now() where to_email = %s", (address,))
    outbox.deliver_outbox(app)
    assert 110 <= state(database_url, address)[3] <= 120  # then 2 minutes
    app.config["SMTP_HOST"] = None  # the server is back (here: the local mailbox)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.outbox set next_attempt_at = now() where to_email = %s", (address,))
    outbox.deliver_outbox(app)
    assert state(database_url, address)[:2] == ("sent", 3)
    assert len(emails_to(app, address)) == 1


def test_three_workers_never_send_the_same_email(app, queued):
    addresses = queued(30)
    start = threading.Barrier(3)

    def work():
        start.wait()
        while outbox.deliver_outbox(app, limit=5):
            pass

    workers = [threading.Thread(target=work) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [len(emails_to(app, address)) for address in addresses] == [1] * 30


def test_calendar_attachments_arrive_byte_for_byte():
    from email import policy
    from email.parser import BytesParser

    from app.mail import build_message

    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Rendez-vous café\r\nEND:VCALENDAR\r\n"
    message = build_message("portal@example.test", "client@example.test", "Booked", "See attached.", None,
                            [{"filename": "booking.ics", "content_type": "text/calendar", "content": ics}])
    attachment = next(BytesParser(policy=policy.default).parsebytes(message.as_bytes()).iter_attachments())
    assert (attachment.get_content_type(), attachment.get_filename()) == ("text/calendar", "booking.ics")
    assert attachment.get_payload(decode=True) == ics.encode()  # CRLF and UTF-8 untouched


def test_an_email_failing_every_try_is_parked_kept_and_the_business_told(app, queued, database_url,
                                                                         settings):
    settings(notification_email="office@business.test",
             notify_events=["delivery_failed"])
    (address,) = queued()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port())  # down for good
    for attempt in range(1, 9):
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("update public.outbox set next_attempt_at = now() where to_email = %s",
                         (address,))
        outbox.deliver_outbox(app)
        expected = "failed" if attempt == 8 else "pending"
        assert state(database_url, address)[:3] == (expected, attempt, True), f"try {attempt}"
    # Parked: never tried again, never deleted, and the business hears of it once.
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update public.outbox set next_attempt_at = now() where to_email = %s", (address,))
        outbox.deliver_outbox(app)
        assert state(database_url, address)[:2] == ("failed", 8)
        notices = conn.execute(
            "select count(*) from public.outbox where kind = 'business_delivery_failed'"
            " and to_email = 'office@business.test' and context ->> 'to_email' = %s",
            (address,)).fetchone()[0]
    assert notices == 1
