"""The signed-in client of this request: read from the session cookie, checked by the backend
(idle and absolute timeouts, revocation, portal access), cached in flask.g."""

from functools import wraps

from flask import current_app, flash, g, redirect, request, session, url_for

from app.auth.base import ENDED, SessionEnded
from app.data import get_data


def get_backend(app):
    backend = app.extensions.get("portal_auth")
    if backend is None:
        if app.config.get("SUPABASE_URL"):
            from app.auth.supabase_backend import SupabaseAuth

            backend = SupabaseAuth(get_data(app), app.config)
        else:
            from app.auth.postgres_backend import PostgresAuth

            backend = PostgresAuth(get_data(app), app)
        app.extensions["portal_auth"] = backend
    return backend


def start_session(stored: dict) -> None:
    # A new session id on sign-in: nothing set before it (e.g. by a scanner) carries over.
    session.clear()
    session["auth"] = stored
    session.permanent = False


def current_identity():
    """The signed-in client's identity, or None (with g.session_ended saying why)."""
    if "identity" not in g:
        g.identity, g.session_ended = None, None
        stored = session.get("auth")
        if stored:
            try:
                resumed = get_backend(current_app).resume(stored)
            except SessionEnded as ended:
                session.pop("auth", None)
                g.session_ended = ended.reason
            else:
                g.identity = resumed.identity
                if resumed.stored != stored:
                    session["auth"] = resumed.stored
    return g.identity


def call_as_client(function: str, **args):
    """A database function, called with the signed-in client's identity: RLS decides."""
    return get_data(current_app).call_as_client(current_identity(), function, **args)


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_identity() is None:
            if g.session_ended:
                flash(ENDED[g.session_ended], "info")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None) -> str | None:
    """Follow `next` only to a local path: no scheme, no host, no backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
