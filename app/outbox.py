"""Delivering the outbox: emails written in the same transaction as what they announce (ready
text, or a kind and context rendered by app.emails), sent here with retries and backoff (the
database leases each one, so none is sent twice by two workers). Run by `portal worker`, or by
a thread of the development server."""

import logging
import threading

from app.data import DataError, get_data
from app.emails import render_email
from app.mail import send_email

log = logging.getLogger(__name__)


def deliver_outbox(app, limit: int = 20) -> int:
    """Sends what is due now; returns how many were sent."""
    data, sent = get_data(app), 0
    for email in data.call_as_service("claim_outbox", p_limit=limit):
        try:
            subject, text, html = email["subject"], email["body_text"], email["body_html"]
            if email.get("kind"):  # queued as a kind and a context: rendered here, from templates
                subject, text = render_email(app, email["kind"], email["context"])
                html = None
            send_email(app.config, email["to_email"], subject, text, html, email["attachments"])
        except Exception as error:  # any delivery failure is retried later, with backoff
            log.warning("outbox %s: delivery failed: %s", email["id"], error)
            reason = str(error) or type(error).__name__
            data.call_as_service("finish_outbox", p_id=email["id"], p_error=reason)
        else:
            data.call_as_service("finish_outbox", p_id=email["id"])
            sent += 1
    return sent


def run_forever(app, interval: float = 2.0, stop: threading.Event | None = None) -> None:
    """The worker's loop: sign-in links first (someone is waiting for them), then the outbox."""
    from app.auth.link_requests import deliver_sign_in_links

    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            deliver_sign_in_links(app)
            deliver_outbox(app)
        except DataError:
            log.exception("outbox: database unavailable, retrying")
        stop.wait(interval)


def start_background_worker(app, interval: float = 2.0) -> threading.Event:
    """The development server's own worker thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(app, interval, stop), daemon=True,
                     name="outbox-worker").start()
    return stop


