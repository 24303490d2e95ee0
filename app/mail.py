"""Sending email: over SMTP when configured, else into a local Maildir that /dev/mailbox shows
(development only: production refuses to start without SMTP)."""

import smtplib
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

UNFOLDED_HEADERS = policy.default.clone(max_line_length=998)


def build_message(sender: str, to: str, subject: str, text: str, html: str | None = None,
                  attachments: list[dict] | None = None,
                  headers: dict | None = None) -> EmailMessage:
    """multipart/alternative (text, then HTML) when there is HTML, inside multipart/mixed when
    there are attachments. `headers` adds e.g. Reply-To and List-Unsubscribe."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> ") or None)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for attachment in attachments or []:
        # "text/calendar; method=CANCEL": the parameters tell calendars what the file is for.
        content_type, *parameters = (part.strip() for part in attachment["content_type"].split(";"))
        maintype, subtype = content_type.split("/", 1)
        params = dict(parameter.split("=", 1) for parameter in parameters if "=" in parameter)
        if "bytes" in attachment:  # rendered by the worker, e.g. a PDF
            message.add_attachment(attachment["bytes"], maintype=maintype, subtype=subtype,
                                   filename=attachment["filename"])
            continue
        # As bytes (sent base64): a calendar file's CRLF line endings must arrive untouched.
        message.add_attachment(attachment["content"].encode(), maintype=maintype, subtype=subtype,
                               filename=attachment["filename"], params={**params, "charset": "utf-8"})
    # Headers are written unfolded up to RFC 5322's 998 characters: Python's folding of a long
    # non-ASCII subject drops the space before a folded encoded word ("à régler" arrives as
    # "àrégler"). The parts' bodies are encoded already, so only the headers change.
    message.policy = UNFOLDED_HEADERS
    return message


def send_email(config, to: str, subject: str, text: str, html: str | None = None,
               attachments: list[dict] | None = None, headers: dict | None = None) -> None:
    message = build_message(config["MAIL_FROM"], to, subject, text, html, attachments, headers)
    if config.get("SMTP_HOST"):
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=15) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
        return
    if config.get("PORTAL_ENV") == "production":
        raise RuntimeError("SMTP_HOST must be set in production")
    from app.dev.mailbox import local_mailbox  # development only: never loaded in production

    local_mailbox(config).add(message)

