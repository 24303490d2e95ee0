from flask import current_app, flash, redirect, render_template, request, session, url_for

from app.auth import bp
from app.auth.base import REASONS, RateLimited, SessionEnded, SignInRefused
from app.auth.forms import CodeForm, ConfirmForm, LoginForm, LogoutForm
from app.auth.link_requests import queue_link_request
from app.auth.session import call_as_client, current_identity, get_backend, safe_next, start_session
from app.data import DataError
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.i18n import remember_preferences

NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
# Every refused code gets this one answer: "wrong code", "no code for this address" and "too many
# tries" would tell a stranger which addresses have a live link, i.e. which are clients'.
CODE_REFUSED = _l("That code does not work. Use the 6-digit code from the newest sign-in email: a "
                  "code works once, for 24 hours, and five wrong tries void it.")


def signed_in(stored: dict):
    target = safe_next(session.get("next")) or url_for("portal.dashboard")
    start_session(stored)
    remember_saved_preferences()
    return redirect(target, 303)


def remember_saved_preferences() -> None:
    """The person's language and time zone, read once at sign-in and kept in the session, so
    every page follows them at no cost. Signing in does not depend on it: without them, the
    browser's language and the business's time zone are used."""
    try:
        remember_preferences(call_as_client("portal_account_preferences"))
    except (DataError, SessionEnded):
        current_app.logger.exception("account preferences unavailable at sign-in")


def rate_limited(limited: RateLimited, email: str | None):
    return (render_template("auth/rate_limited.html", retry_after=limited.retry_after, email=email,
                            form=CodeForm()),
            429, {"Retry-After": str(limited.retry_after)})


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Ask for a sign-in link: every address gets the same answer, in the same time."""
    if current_identity() is not None:
        return redirect(url_for("portal.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        session["pending_email"] = email
        session["next"] = safe_next(request.args.get("next"))
        try:
            queue_link_request(current_app, email, request.remote_addr)
        except RateLimited as limited:
            return rate_limited(limited, email)
        return redirect(url_for("auth.sent"), 303)
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.get("/login/sent")
def sent():
    """Check your email: and the code form, for a link opened on another device."""
    return render_template("auth/sent.html", form=CodeForm(), email=session.get("pending_email"))


@bp.post("/login/code")
def code():
    """Sign in with the 6-digit code from the email."""
    form, email = CodeForm(), session.get("pending_email")
    if not email:
        flash(_("Enter your email address first."), "error")
        return redirect(url_for("auth.login"), 303)
    status = 400
    if form.validate_on_submit():
        try:
            stored = get_backend(current_app).verify_code(email, form.code.data.strip(),
                                                          request.user_agent.string)
        except SignInRefused as refused:
            if refused.reason == "too_many_requests":
                status = 429
                form.code.errors.append(REASONS[refused.reason])
            else:
                form.code.errors.append(CODE_REFUSED)
        else:
            return signed_in(stored)
    return render_template("auth/sent.html", form=form, email=email), status


@bp.get("/auth/confirm")
def confirm():
    """The emailed link: shows a button and uses nothing up, since mail scanners open links too."""
    token_hash = request.args.get("token_hash", "")
    if not token_hash or len(token_hash) > 200:
        return render_template("auth/link_refused.html", message=REASONS["unknown"]), 400, NO_REFERRER
    form = ConfirmForm(token_hash=token_hash)
    return render_template("auth/confirm.html", form=form), 200, NO_REFERRER


@bp.post("/auth/confirm")
def confirm_post():
    """Pressing the button uses the link: exactly once."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("auth/link_refused.html", message=REASONS["unknown"]), 400, NO_REFERRER
    try:
        stored = get_backend(current_app).verify_link(form.token_hash.data, request.user_agent.string)
    except SignInRefused as refused:
        if refused.reason == "too_many_requests":
            # The link is still good: the same button, to press again in a minute.
            return (render_template("auth/confirm.html", form=form, message=REASONS[refused.reason]),
                    429, {**NO_REFERRER, "Retry-After": "60"})
        return (render_template("auth/link_refused.html", message=REASONS[refused.reason]), 400,
                NO_REFERRER)
    return signed_in(stored)


@bp.post("/logout")
def logout():
    """Sign out: the session is revoked on the server, not just forgotten by the browser."""
    form = LogoutForm()
    if form.validate_on_submit() and session.get("auth"):
        get_backend(current_app).sign_out(session["auth"])
    session.clear()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("auth.login"), 303)
