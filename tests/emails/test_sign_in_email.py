"""The sign-in email comes from the one renderer: a button with the link and the 6-digit code,
in HTML and text, branded, to a real SMTP server."""

import html
import re

from tests.signin import request_link, run_worker


def test_the_sign_in_email_has_a_button_and_the_code(app, smtp, make_client, settings):
    settings(contact_email="help@business.example")
    email, _ = make_client("Ada Button")
    assert request_link(app.test_client(), email).status_code == 303
    run_worker(app)
    [message] = smtp.to(email)
    text = message.get_body(("plain",)).get_content()
    page = message.get_body(("html",)).get_content()
    link = re.search(r"(http://localhost/auth/confirm\?\S+)", text).group(1)
    code = re.search(r"code on the sign-in page: (\d{6})", text).group(1)
    assert f'href="{html.escape(link)}"' in page, "the button carries the same link"
    assert f">{code}</p>" in page
    assert message["Reply-To"] == "help@business.example"
