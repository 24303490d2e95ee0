from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale

from app import page_cache
from app.auth.session import call_as_client as call
from app.auth.session import call_together, login_required
from app.data import Conflict, InvalidInput, PermissionDenied
from app.formatting import state_label
from app.i18n import gettext as _
from app.i18n import language_names, remember_preferences, select_language
from app.i18n import lazy_gettext as _l
from app.money.pay import deposit_payment_url
from app.portal import bp
from app.portal.devices import describe
from app.portal.forms import AcceptQuoteForm, AccountSettingsForm, ContactForm, RejectQuoteForm
from app.time_zones import zone_choices

INVOICE_FILTERS = [("all", _l("All")), ("paid", _l("Paid")), ("unpaid", _l("Unpaid")),
                   ("overdue", _l("Overdue"))]
# Every quote is in exactly one tab besides All, so the counts add up (expired ones included).
QUOTE_FILTERS = [("all", _l("All")), ("pending", _l("Pending")), ("accepted", _l("Accepted")),
                 ("rejected", _l("Rejected")), ("expired", _l("Expired"))]
PAGE_SIZE = 20
# The account settings' switches: the emails a person may turn off (transactional ones always go).
EMAIL_CHOICES = ("invoice_reminders", "quote_sent", "booking_reminders")


def page_number() -> int:
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= 10_000:
        abort(404)
    return int(page)


def chosen_filter(filters) -> str:
    status = request.args.get("status", "all")
    if status not in dict(filters):
        abort(404)
    return status


@bp.get("/")
@login_required
def dashboard():
    """Outstanding balance, recent invoices and quotes, recent activity."""
    return page_cache.page(lambda dashboard: render_template(
        "portal/dashboard.html", dashboard=dashboard), ("portal_dashboard", {}))


@bp.get("/invoices")
@login_required
def invoices():
    """Invoices, filtered by All / Paid / Unpaid / Overdue, newest first."""
    status = chosen_filter(INVOICE_FILTERS)
    return page_cache.page(lambda listing: render_template(
        "portal/invoices.html", listing=listing, filters=INVOICE_FILTERS),
        ("portal_invoices", {"p_status": status, "p_page": page_number(), "p_page_size": PAGE_SIZE}))


@bp.get("/invoices/<uuid:invoice_id>")
@login_required
def invoice(invoice_id):
    """One invoice: items, totals, payment history."""
    return page_cache.page(
        lambda document, _: render_template("portal/invoice.html", invoice=document),
        ("portal_invoice", {"p_invoice_id": str(invoice_id)}),
        ("record_document_view", {"p_document_type": "invoice", "p_document_id": str(invoice_id)}))


@bp.get("/quotes")
@login_required
def quotes():
    """Quotes, filtered by All / Pending / Accepted / Rejected / Expired, newest first."""
    status = chosen_filter(QUOTE_FILTERS)
    return page_cache.page(lambda listing: render_template(
        "portal/quotes.html", listing=listing, filters=QUOTE_FILTERS),
        ("portal_quotes", {"p_status": status, "p_page": page_number(), "p_page_size": PAGE_SIZE}))


@bp.get("/quotes/<uuid:quote_id>")
@login_required
def quote(quote_id):
    """One quote: items, totals, validity, and its decision."""
    return page_cache.page(
        lambda document, _: render_template("portal/quote.html", quote=document),
        ("portal_quote", {"p_quote_id": str(quote_id)}),
        ("record_document_view", {"p_document_type": "quote", "p_document_id": str(quote_id)}))


def decide(quote_id, form, template, function, **args):
    """The confirm step of accepting or rejecting: the form, then the database decides."""
    document = call("portal_quote", p_quote_id=str(quote_id))
    try:
        call("check_role_for", p_action="decide")
    except PermissionDenied:
        flash(_("Your role in this account cannot accept or reject quotes. Ask your account's owner or "
                "approver."), "error")
        return redirect(url_for("portal.quote", quote_id=quote_id), 303)
    if document["state"] != "pending":
        flash(_("Quote %(number)s is %(state)s and can no longer be changed.", number=document["number"],
                state=state_label(document["state"]).lower()), "error")
        return redirect(url_for("portal.quote", quote_id=quote_id), 303)
    if form.validate_on_submit():
        try:
            call(function, p_quote_id=str(quote_id), **{k: v(form) for k, v in args.items()})
        except (InvalidInput, Conflict) as error:
            flash(error.message, "error")
        else:
            if function == "accept_quote":
                flash(_("Quote %(number)s was accepted. Thank you!", number=document["number"]), "success")
            else:
                flash(_("Quote %(number)s was rejected. Thank you!", number=document["number"]), "success")
            if deposit := deposit_payment_url(quote_id):
                return redirect(deposit, 303)
        return redirect(url_for("portal.quote", quote_id=quote_id), 303)
    status = 400 if form.errors else 200
    return render_template(template, quote=document, form=form), status


@bp.route("/quotes/<uuid:quote_id>/accept", methods=["GET", "POST"])
@login_required
def accept_quote(quote_id):
    """Accept a pending quote: type your name, confirm."""
    return decide(quote_id, AcceptQuoteForm(), "portal/accept_quote.html", "accept_quote",
                  p_signer_name=lambda form: form.signer_name.data.strip())


@bp.route("/quotes/<uuid:quote_id>/reject", methods=["GET", "POST"])
@login_required
def reject_quote(quote_id):
    """Reject a pending quote, with an optional reason; confirm."""
    return decide(quote_id, RejectQuoteForm(), "portal/reject_quote.html", "reject_quote",
                  p_reason=lambda form: (form.reason.data or "").strip() or None)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Contact details; phone and address can be changed, the email cannot."""
    current = call("portal_profile")
    form = ContactForm(data=current["client"])
    if form.validate_on_submit():
        try:
            call("update_contact", **{f"p_{name}": (form[name].data or "").strip() for name in (
                "phone", "address_line1", "address_line2", "city", "region", "postal_code", "country")})
        except PermissionDenied:
            flash(_("Only your account's owner can change its contact details."), "error")
            return redirect(url_for("portal.profile"), 303)
        except InvalidInput as error:
            for field, message in (error.details or {"phone": error.message}).items():
                form[field].errors = [*form[field].errors, message] if field in form else [message]
        else:
            flash(_("Your contact details were saved."), "success")
            return redirect(url_for("portal.profile"), 303)
    status = 400 if form.errors else 200
    return render_template("portal/profile.html", profile=current, form=form), status


@bp.get("/activity")
@login_required
def activity():
    """The account's history, newest first."""
    return render_template("portal/activity.html",
                           listing=call("portal_activity", p_page=page_number(), p_page_size=25))


@bp.get("/bookings")
@login_required
def bookings():
    """The business's booking links."""
    return render_template("portal/bookings.html", links=call("portal_booking_links"))


@bp.route("/account/settings", methods=["GET", "POST"])
@login_required
def account_settings():
    """Language, how times are shown, and the emails the person wants (the others always go)."""
    # The devices too, in the same round trip: settings is where a person ends them as well.
    current, sessions = call_together(("portal_account_preferences", {}), (
        "portal_sessions", {"p_idle_seconds": current_app.config["SESSION_IDLE_SECONDS"]}))
    for each in sessions:
        each["device"] = describe(each["user_agent"])
    form = AccountSettingsForm(data={**current, "language": current["language"] or "",
                                     "time_zone": current["time_zone"] or ""})
    form.language.choices = [("", _("The browser's language")), *language_names()]
    form.time_zone.choices = zone_choices(current["business_time_zone"] or "UTC")
    if form.validate_on_submit():
        try:
            saved = call("save_account_preferences", p_language=form.language.data or None,
                         p_time_zone=form.time_zone.data or None,
                         **{f"p_{name}": form[name].data for name in EMAIL_CHOICES})
        except InvalidInput as error:
            form.language.errors = [*form.language.errors, error.message]
        else:
            remember_preferences(saved)
            # Said in the language just chosen, as the next page will be.
            with force_locale(select_language()):
                flash(_("Your settings were saved."), "success")
            return redirect(url_for("portal.account_settings"), 303)
    status = 400 if form.errors else 200
    return render_template("portal/account_settings.html", form=form, preferences=current,
                           email_choices=EMAIL_CHOICES, sessions=sessions), status
