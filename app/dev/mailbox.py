"""The local mailbox (development only): emails land in a Maildir instead of going over SMTP,
and /dev/mailbox shows them."""

from email import policy
from email.parser import BytesParser
from mailbox import Maildir
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template

bp = Blueprint("dev", __name__, url_prefix="/dev")


def local_mailbox(config) -> Maildir:
    folder = Path(config["MAILBOX_DIR"])
    # Maildir(create=True) skips an existing empty folder; its three subfolders must exist.
    for part in ("tmp", "new", "cur"):
        (folder / part).mkdir(parents=True, exist_ok=True)
    return Maildir(folder, create=False)


def read_messages():
    box = local_mailbox(current_app.config)
    messages = []
    for key in box.keys():
        with box.get_file(key) as handle:
            message = BytesParser(policy=policy.default).parse(handle)
        body, html = message.get_body(preferencelist=("plain",)), message.get_body(("html",))
        messages.append({"key": key, "to": message["To"], "subject": message["Subject"],
                         "date": message["Date"], "datetime": message["Date"].datetime,
                         "text": body.get_content() if body else "",
                         "html": html.get_content() if html else None,
                         "attachments": [part.get_filename() for part in message.iter_attachments()]})
    return sorted(messages, key=lambda m: m["datetime"], reverse=True)


@bp.get("/mailbox")
def mailbox():
    """Every email the portal sent in development, newest first."""
    return render_template("dev/mailbox.html", messages=read_messages())


@bp.get("/mailbox/<key>")
def message(key):
    """One email, with its links clickable."""
    found = [m for m in read_messages() if m["key"] == key]
    if not found:
        abort(404)
    return render_template("dev/message.html", message=found[0])


# The HTML part as a mail client shows it: its inline styles allowed, nothing else (no script, no
# forms, a sandbox), framed only by the message page.
HTML_PART_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
                    "frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox")


@bp.get("/mailbox/<key>/html")
def message_html(key):
    """The HTML part of one email, for the message page's frame."""
    found = [m for m in read_messages() if m["key"] == key and m["html"]]
    if not found:
        abort(404)
    return Response(found[0]["html"], mimetype="text/html",
                    headers={"Content-Security-Policy": HTML_PART_POLICY,
                             "X-Frame-Options": "SAMEORIGIN"})
