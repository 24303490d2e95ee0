"""The signed-in client of this request: read from the session cookie, checked by the backend
(idle and absolute timeouts, revocation, portal access), cached in flask.g."""

from functools import wraps

from flask import current_app, flash, g, redirect, request, session, url_for

from app.auth.base import ENDED, SessionEnded
from app.data import DataError, get_data


def init_app(app) -> None:
    """Attaches the sign-in backend of the app's mode (chosen once, in create_app)."""
    if "portal_data" not in app.extensions:
        return  # no database configured: get_backend says so when asked
    if app.config["PORTAL_MODE"] == "supabase":
        from app.auth.supabase_backend import SupabaseAuth

        app.extensions["portal_auth"] = SupabaseAuth(get_data(app), app.config)
    else:
        from app.auth.postgres_backend import PostgresAuth

        app.extensions["portal_auth"] = PostgresAuth(get_data(app), app)


def get_backend(app):
    """The backend init_app attached."""
    if "portal_auth" not in app.extensions:
        get_data(app)  # raises, saying which settings are missing
    return app.extensions["portal_auth"]


def start_session(stored: dict) -> None:
    # A new session id on sign-in: nothing set before it (e.g. by a scanner) carries over.
    session.clear()
    session["auth"] = stored
    session.permanent = False


def _claimed_identity():
    """The identity of this request as far as it is known without a round trip of its own:
    checked (Supabase mode, or Postgres mode once the session check ran) or only claimed
    (Postgres mode: the signed cookie, whose session the page's first call checks)."""
    if "identity" not in g:
        g.identity, g.session_ended, g.session_unchecked = None, None, False
        stored = session.get("auth")
        if stored:
            backend = get_backend(current_app)
            try:
                deferred = getattr(backend, "defers_session_check", False)
                resumed = backend.claimed(stored) if deferred else backend.resume(stored)
                g.identity, g.session_unchecked = resumed.identity, deferred
                if resumed.stored != stored:
                    session["auth"] = resumed.stored
            except SessionEnded as ended:
                _end_session(ended.reason)
    return g.identity


def _end_session(reason: str) -> None:
    session.pop("auth", None)
    g.identity, g.session_ended, g.session_unchecked = None, reason, False


def current_identity():
    """The signed-in client's identity, or None (with g.session_ended saying why). Always a
    checked session: when no call has checked it yet, this costs the check's round trip."""
    _claimed_identity()
    if g.get("session_unchecked"):
        try:
            get_backend(current_app).resume(session["auth"])
        except SessionEnded as ended:
            _end_session(ended.reason)
        else:
            g.session_unchecked = False
    return g.identity


def call_as_client(function: str, **args):
    """A database function, called with the signed-in client's identity: RLS decides."""
    return call_together((function, args))[0]


def call_together(*calls: tuple[str, dict], **page) -> list:
    """Several functions as the signed-in client, in order; all or none take effect in
    Postgres mode, where the request's first call also checks the session in the same round
    trip. An ended session raises SessionEnded, which login_required turns into the sign-in
    page. `page` is for app/page_cache.py only (see page_identity)."""
    identity = _claimed_identity()
    if g.get("session_unchecked"):
        try:
            g.profile_version, results = get_backend(current_app).call_checking_session(
                identity, list(calls), **page)
        except SessionEnded as ended:
            _end_session(ended.reason)
            raise
        except DataError as error:
            # The page's call failed but the check found the session live: the error page
            # shows the signed-in layout, as for any other page.
            if getattr(error, "session_live", False):
                g.session_unchecked = False
            raise
        g.session_unchecked = False
        return results
    data = get_data(current_app)
    return [data.call_as_client(identity, function, **args) for function, args in calls]


def page_identity():
    """The claimed identity when this request's first call can be a kept page's
    (app/page_cache.py): one whose session that call will check, with a backend that sends a
    kept page's version along (Postgres mode). None otherwise."""
    identity = _claimed_identity()
    if identity is None or not g.get("session_unchecked"):
        return None
    return identity if getattr(get_backend(current_app), "keeps_pages", False) else None


def call_as_service_then_client(service_call: tuple[str, dict], *calls: tuple[str, dict]):
    """A trusted write (e.g. recording a payment Stripe confirmed), then the signed-in
    client's reads of its outcome, in one round trip in Postgres mode. The session must have
    been checked already (by an earlier call of this request): the write trusts it."""
    identity = current_identity()
    if identity is None:
        raise SessionEnded(g.session_ended or "revoked")
    return get_data(current_app).call_as_service_then_client(service_call, identity, list(calls))


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if _claimed_identity() is not None:
            try:
                response = view(*args, **kwargs)
            except SessionEnded:
                pass  # the page's first call found the session ended: nothing is shown
            else:
                # A view that made no database call has not checked the session yet.
                if current_identity() is not None:
                    return response
        if g.session_ended:
            flash(str(ENDED[g.session_ended]), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    return wrapped


def safe_next(target: str | None) -> str | None:
    """Follow `next` only to a local path: no scheme, no host, no backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
