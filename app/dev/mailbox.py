"""The local mailbox (development only): emails land in a Maildir instead of going over SMTP,
and /dev/mailbox shows them."""

from email import policy
from email.parser import BytesParser
from mailbox import Maildir
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template

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
        body = message.get_body(preferencelist=("plain",))
        messages.append({"key": key, "to": message["To"], "subject": message["Subject"],
                         "date": message["Date"], "datetime": message["Date"].datetime,
                         "text": body.get_content() if body else "",
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
