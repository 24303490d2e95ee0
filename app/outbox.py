"""Delivering the outbox: emails written in the same transaction as what they announce (ready
text, or a kind and context rendered by app.emails), sent here with retries and backoff (the
database leases each one, so none is sent twice by two workers). After the last retry, or when a
mail server refuses the address for good, an email is parked as failed (kept, never deleted:
private.email_deliveries shows it). Run by `portal worker`, or by a thread of the development
server."""

import logging
import smtplib
import threading
import time

from app.data import DataError, get_data
from app.emails import render_email, turned_off
from app.mail import send_email

log = logging.getLogger(__name__)


class NoLongerTrue(Exception):
    """What the email announces changed before it left (e.g. the invoice was made void)."""


def permanent_refusal(error: Exception) -> bool:
    """The server refused the recipient for good with a bad-mailbox status (RFC 3463 5.1.x, e.g.
    "550 5.1.1 user unknown"): the address will never work. Other refusals (relaying denied,
    a full mailbox) may pass later, so they are retried."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused):
        return False
    answers = error.recipients.values()
    return bool(answers) and all(
        code >= 500 and as_text(answer).startswith("5.1.") for code, answer in answers)


def as_text(answer: bytes | str) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else answer


def compose(app, data, email: dict, business: dict) -> tuple[str, str, str | None, list, dict]:
    """(subject, text, html, attachments, headers) of a claimed email."""
    if not email.get("kind"):  # ready text, as older rows were queued
        return email["subject"], email["body_text"], email["body_html"], email["attachments"], {}
    context = email["context"]
    if context.get("document_id"):  # an invoice or quote: read as it is now, when it leaves
        found = data.call_as_service("email_document", p_kind=context["document_kind"],
                                     p_id=context["document_id"])
        if found is None:
            raise NoLongerTrue(f"not sent: the {context['document_kind']} is no longer sent")
        context = {**context, **found}
    recipient = email.get("recipient") or {}
    rendered = render_email(app, email["kind"], context, business, language=recipient.get("language"))
    return (rendered.subject, rendered.text, rendered.html,
            list(email["attachments"]) + rendered.attachments, rendered.headers)


def deliver_outbox(app, limit: int = 20) -> int:
    """Sends what is due now; returns how many were sent."""
    data, sent = get_data(app), 0
    claimed = data.call_as_service("claim_outbox", p_limit=limit)
    business = data.call_as_service("business_profile") if claimed else {}
    for email in claimed:
        if turned_off(email.get("kind"), email.get("recipient")):
            data.call_as_service("park_outbox", p_id=email["id"], p_skipped=True,
                                 p_reason="not sent: the recipient turned these emails off")
            continue
        try:
            subject, text, html, attachments, headers = compose(app, data, email, business)
            send_email(app.config, email["to_email"], subject, text, html, attachments, headers)
        except NoLongerTrue as reason:
            data.call_as_service("park_outbox", p_id=email["id"], p_reason=str(reason), p_skipped=True)
        except Exception as error:  # any delivery failure is retried later, with backoff
            log.warning("outbox %s: delivery failed: %s", email["id"], error)
            reason = str(error) or type(error).__name__
            if permanent_refusal(error):
                data.call_as_service("park_outbox", p_id=email["id"], p_reason=reason, p_bounced=True)
                continue
            result = data.call_as_service("finish_outbox", p_id=email["id"], p_error=reason)
            if result["status"] == "failed":  # the last retry: parked, and the business told
                data.call_as_service("park_outbox", p_id=email["id"], p_reason=reason)
        else:
            data.call_as_service("finish_outbox", p_id=email["id"])
            sent += 1
    return sent


def run_forever(app, interval: float = 2.0, stop: threading.Event | None = None,
                reminder_interval: float = 60.0) -> None:
    """The worker's loop: sign-in links first (someone is waiting for them), then the reminders
    that fell due (once a minute: their days change slowly), then the outbox, then the PDFs of
    documents that changed."""
    from app.auth.link_requests import deliver_sign_in_links
    from app.pdf.prerender import render_queued_pdfs

    stop, reminders_checked = stop or threading.Event(), float("-inf")
    while not stop.is_set():
        try:
            deliver_sign_in_links(app)
            if time.monotonic() - reminders_checked >= reminder_interval:
                get_data(app).call_as_service("queue_reminders")
                reminders_checked = time.monotonic()
            deliver_outbox(app)
            render_queued_pdfs(app, limit=4)  # a few per turn: sign-in links must not wait
        except DataError:
            log.exception("outbox: database unavailable, retrying")
        stop.wait(interval)


def start_background_worker(app, interval: float = 2.0) -> threading.Event:
    """The development server's own worker thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(app, interval, stop), daemon=True,
                     name="outbox-worker").start()
    return stop
