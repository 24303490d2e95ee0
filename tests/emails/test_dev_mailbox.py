"""The development mailbox shows an email's HTML part as a mail client would: in a frame,
its own styles allowed and nothing else."""

import re

from app.mail import send_email


def test_the_mailbox_frames_the_html_part_under_a_strict_policy(app, client):
    send_email(app.config, "ada@example.test", "Branded", "Plain words",
               '<!doctype html><p style="color:#123456">Rich words</p><script>alert(1)</script>')
    listing = client.get("/dev/mailbox").get_data(as_text=True)
    key = re.search(r'href="/dev/mailbox/([^"/]+)"', listing).group(1)

    page = client.get(f"/dev/mailbox/{key}").get_data(as_text=True)
    assert f'src="/dev/mailbox/{key}/html"' in page and "Plain words" in page

    html = client.get(f"/dev/mailbox/{key}/html")
    assert html.status_code == 200 and "Rich words" in html.get_data(as_text=True)
    policy = html.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy and "sandbox" in policy
    assert client.get("/dev/mailbox/no-such-key/html").status_code == 404
