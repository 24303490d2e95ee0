"""The people of a company account: everyone sees who is who; the owner invites colleagues
(who get a sign-in link through the sign-in queue), changes their roles and removes them. The
database decides who may (private.require_role_for); these pages only ask."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.auth.forms import EMAIL
from app.auth.session import call_as_client as call
from app.auth.session import login_required
from app.data import Conflict, InvalidInput, NotFound, PermissionDenied, get_data
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.portal import bp

ROLES = [("billing", _l("Billing: invoices, payments, receipts, statements")),
         ("approver", _l("Approver: quotes")),
         ("viewer", _l("Viewer: reads only")),
         ("owner", _l("Owner: everything, including people"))]


class InviteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[
        DataRequired(_l("Enter the person's name.")), Length(max=200),
        Regexp(r"^[^<>\x00-\x1f]*$", message=_l("Use letters, digits and punctuation only (no < or >)."))])
    email = EmailField(_l("Email address"), validators=[
        DataRequired(_l("Enter their email address.")), Length(max=254),
        Regexp(EMAIL, message=_l("Enter an email address like name@example.com."))])
    role = SelectField(_l("Role"), choices=lambda: [SelectChoice(value, label) for value, label in ROLES])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=lambda: [SelectChoice(value, label) for value, label in ROLES])


class RemoveForm(FlaskForm):
    """A POST with its CSRF token: a link elsewhere cannot remove anyone."""


@bp.route("/profile/people", methods=["GET", "POST"])
@login_required
def people():
    """Who can sign in for this client, and (for the owner) inviting one more."""
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invited = call("invite_contact", p_email=form.email.data.strip(), p_name=form.name.data.strip(),
                           p_role=form.role.data)
        except PermissionDenied:
            flash(_("Only your account's owner can manage its people."), "error")
            return redirect(url_for("portal.people"), 303)
        except InvalidInput as error:
            for field, message in (error.details or {"email": error.message}).items():
                form[field].errors = [*form[field].errors, message] if field in form else [message]
        else:
            # The usual sign-in link, through the queue the worker sends from.
            get_data(current_app).call_as_service("request_sign_in", p_email=invited["email"],
                                                  p_ip=request.remote_addr)
            flash(_("%(name)s was invited and will receive a sign-in link by email.",
                    name=invited["name"]), "success")
            return redirect(url_for("portal.people"), 303)
    listing = call("portal_contacts")
    return (render_template("portal/people.html", listing=listing, form=form, role_form=RoleForm(),
                            remove_form=RemoveForm(), roles=dict(ROLES)),
            400 if form.errors else 200)


@bp.post("/profile/people/<uuid:contact_id>/role")
@login_required
def change_role(contact_id):
    """The owner gives a colleague another role."""
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles."), "error")
        return redirect(url_for("portal.people"), 303)
    return _change("change_contact_role", _("The role was changed."), p_contact_id=str(contact_id),
                   p_role=form.role.data)


@bp.post("/profile/people/<uuid:contact_id>/remove")
@login_required
def remove(contact_id):
    """The owner removes a colleague, who is signed out at once."""
    if not RemoveForm().validate_on_submit():
        flash(_("That request was not valid; nobody was removed."), "error")
        return redirect(url_for("portal.people"), 303)
    return _change("remove_contact", _("The person was removed and signed out."),
                   p_contact_id=str(contact_id))


def _change(function, done, **args):
    try:
        call(function, **args)
    except PermissionDenied:
        flash(_("Only your account's owner can manage its people."), "error")
    except NotFound:
        flash(_("That person is not part of your account."), "error")
    except Conflict:
        flash(_("You cannot change or remove yourself; another owner can."), "error")
    except InvalidInput:
        flash(_("Choose one of the roles."), "error")
    else:
        flash(done, "success")
    return redirect(url_for("portal.people"), 303)
