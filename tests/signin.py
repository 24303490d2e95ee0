"""Helpers for driving sign-in through the real pages, as a person would."""

import mailbox
import re
import secrets
from email import policy
from email.parser import BytesParser

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(html: bytes | str) -> str:
    text = html.decode() if isinstance(html, bytes) else html
    match = CSRF.search(text)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def emails_to(app, address: str) -> list[str]:
    """Plain-text bodies of the emails sent to an address, oldest first."""
    box = mailbox.Maildir(app.config["MAILBOX_DIR"], create=True)
    found = []
    for key in box.keys():
        with box.get_file(key) as handle:
            message = BytesParser(policy=policy.default).parse(handle)
        if message["To"] == address:
            found.append((delivered_at(key), message.get_body(("plain",)).get_content()))
    return [body for _, body in sorted(found, key=lambda pair: pair[0])]


def delivered_at(key: str) -> tuple[int, int, int]:
    """When a Maildir message arrived, to the microsecond ("<seconds>.M<micro>P<pid>Q<n>..."):
    a Date header has whole seconds, and two sign-in emails often share one."""
    match = re.match(r"(\d+)\.M(\d+)P\d+Q(\d+)", key)
    return tuple(int(part) for part in match.groups()) if match else (0, 0, 0)


def run_worker(app) -> None:
    """The worker's sign-in part, until nothing more goes out: POST /login only queues."""
    from app.auth.link_requests import deliver_sign_in_links

    while deliver_sign_in_links(app):
        pass


def latest_link(app, address: str) -> tuple[str, str]:
    """The path of the newest sign-in link sent to the address, and its 6-digit code (after a
    round of the worker, which makes and sends links)."""
    run_worker(app)
    body = emails_to(app, address)[-1]
    path = re.search(r"http://localhost(/auth/confirm\?\S+)", body).group(1)
    code = re.search(r"code on the sign-in page: (\d{6})", body).group(1)
    return path, code


def request_link(client, email: str, ip: str | None = None):
    """Asks for a link as a person would. Each call comes from its own address unless one is
    given: the whole suite signs in far more than the 30 links an hour one IP may ask for."""
    ip = ip or "10.{}.{}.{}".format(*secrets.token_bytes(3))
    page = client.get("/login")
    return client.post("/login", data={"email": email, "csrf_token": csrf_token(page.data)},
                       environ_base={"REMOTE_ADDR": ip})


def press_sign_in(client, path: str):
    """Opens the link and presses "Sign in"; a link refused on sight returns that page."""
    page = client.get(path)
    token = re.search(r'name="token_hash" type="hidden" value="([^"]*)"', page.data.decode())
    if token is None:
        return page
    return client.post("/auth/confirm", data={"token_hash": token.group(1),
                                               "csrf_token": csrf_token(page.data)})


def sign_in(app, client, email: str):
    assert request_link(client, email).status_code == 303
    path, _ = latest_link(app, email)
    response = press_sign_in(client, path)
    assert response.status_code == 303, response.data
    return response
