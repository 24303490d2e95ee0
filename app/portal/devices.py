"""Signed-in devices: the person's live sessions, in either mode, and signing them out."""

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import ngettext
from flask_wtf import FlaskForm
from ua_parser import parse
from wtforms import HiddenField
from wtforms.validators import UUID, AnyOf, Optional

from app.auth.session import call_as_client as call
from app.auth.session import login_required
from app.data import NotFound
from app.i18n import gettext as _
from app.portal import bp


class EndSessionsForm(FlaskForm):
    """One session (its id), the others, or all; the database checks whose they are."""

    scope = HiddenField(validators=[AnyOf(("one", "others", "all"))])
    session_id = HiddenField(validators=[Optional(), UUID()])


def describe(user_agent: str | None) -> str:
    """"Firefox 131 on Windows", "Mobile Safari 17 on iOS (iPhone)": what people recognise."""
    parsed = parse(user_agent or "")
    agent, system, device = parsed.user_agent, parsed.os, parsed.device
    browser = " ".join(p for p in (agent.family, agent.major) if p) if agent else _("Unknown browser")
    if system and device and device.family not in ("Other", "Generic Smartphone"):
        return _("%(browser)s on %(system)s (%(device)s)", browser=browser, system=system.family,
                 device=device.family)
    if system:
        return _("%(browser)s on %(system)s", browser=browser, system=system.family)
    return browser


@bp.get("/profile/devices")
@login_required
def devices():
    """Where the person is signed in, with a way out on each."""
    sessions = call("portal_sessions", p_idle_seconds=current_app.config["SESSION_IDLE_SECONDS"])
    for each in sessions:
        each["device"] = describe(each["user_agent"])
    return render_template("portal/devices.html", sessions=sessions, form=EndSessionsForm())


@bp.post("/profile/devices/end")
@login_required
def end_sessions():
    """Signs out one device, the others, or everywhere; this device's cookie goes too."""
    form = EndSessionsForm()
    if not form.validate_on_submit() or (form.scope.data == "one") != bool(form.session_id.data):
        flash(_("That request was not valid; nothing was signed out."), "error")
        return redirect(url_for("portal.devices"), 303)
    try:
        result = call("end_portal_sessions", p_scope=form.scope.data,
                      p_session_id=form.session_id.data or None)
    except NotFound:
        flash(_("That device was already signed out."), "info")
        return redirect(url_for("portal.devices"), 303)
    if result["signed_out"]:
        session.clear()
        flash(_("You were signed out everywhere.") if form.scope.data == "all"
              else _("You were signed out."), "info")
        return redirect(url_for("auth.login"), 303)
    flash(ngettext("%(num)d session was signed out.", "%(num)d sessions were signed out.",
                   result["ended"]), "success")
    return redirect(url_for("portal.devices"), 303)
