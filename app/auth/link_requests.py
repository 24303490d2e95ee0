"""Sign-in links leave the request path (issue 11, item 1).

`POST /login` only queues the request (request_sign_in: the same statements for every address,
known or not, with the request limits), so its answer and its timing say nothing about who is a
client, and a mail server or Supabase Auth outage changes nothing the visitor sees. The worker
(`portal worker`, or the development server's thread) then claims the requests of addresses that
may sign in and has the backend make and send each link, retrying failures until the request is
an hour old.
"""

import logging
from datetime import UTC, datetime

from app.auth.base import RateLimited
from app.data import get_data

log = logging.getLogger(__name__)


def queue_link_request(app, email: str, ip: str | None) -> None:
    """Records that `email` asked for a link; RateLimited when over the limits."""
    result = get_data(app).call_as_service("request_sign_in", p_email=email, p_ip=ip,
                                           p_now=datetime.now(UTC))
    if result["status"] == "rate_limited":
        raise RateLimited(result["retry_after"])


def confirm_url(config) -> str:
    # From configuration, never from a Host header: a forged host must not end up in emails.
    # The path is the auth blueprint's confirm view.
    return config["PORTAL_BASE_URL"].rstrip("/") + "/auth/confirm"


def deliver_sign_in_links(app, limit: int = 20) -> int:
    """Makes and sends the links that are due; returns how many went out."""
    from app.auth.session import get_backend

    data, backend, sent = get_data(app), get_backend(app), 0
    claimed = data.call_as_service("claim_sign_in_requests", p_limit=limit, p_now=datetime.now(UTC))
    for request in claimed:
        try:
            backend.send_link(request["email"], confirm_url(app.config))
        except Exception as error:  # any failure (mail server, Auth, network) is retried later
            log.warning("sign-in request %s: sending failed: %s", request["id"], error)
            failure = str(error) or type(error).__name__
        else:
            failure = None
            sent += 1
        data.call_as_service("finish_sign_in_request", p_id=request["id"], p_error=failure,
                             p_now=datetime.now(UTC))
    return sent
