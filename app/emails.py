"""One renderer for queued emails: the database queues a kind and a JSON context, and this
turns them into a subject and a text body with the templates app/templates/email/<kind>.txt,
through the same filters as pages and PDFs (app/formatting.py: one money format) and one base
URL (PORTAL_BASE_URL). A template sets its subject with `{% set subject = ... %}`."""

from flask import Flask


def render_email(app: Flask, kind: str, context: dict) -> tuple[str, str]:
    """(subject, text) of a queued email; a missing template raises, so the worker retries."""
    with app.app_context():
        template = app.jinja_env.get_template(f"email/{kind}.txt")
        values = {**context, "portal_url": app.config["PORTAL_BASE_URL"].rstrip("/")}
        module = template.make_module(values)
        subject = " ".join(str(getattr(module, "subject", "")).split())
        if not subject:
            raise ValueError(f"email/{kind}.txt sets no subject")
        return subject, str(module).strip() + "\n"
