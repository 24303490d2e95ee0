"""Booking pages: a link's free times, booking one, the confirmation and its calendar file, the
client's appointments and cancelling. The database decides every rule; these pages show its
answers in the business's time zone."""

from datetime import UTC, date, datetime, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for

from app.auth.session import call_as_client as call
from app.auth.session import login_required
from app.booking import bp
from app.booking.forms import BookForm, CancelForm
from app.booking.times import (
    day_label,
    local_day,
    parse_instant,
    slot_days,
    url_instant,
    when,
    zone_label,
)
from app.branding import business
from app.data import Conflict, InvalidInput
from app.i18n import gettext as _

DAYS_PER_PAGE = 7



def business_zone() -> str:
    return business().get("time_zone") or "UTC"


def requested_day() -> date | None:
    """The `from` date asked for; links offer at most a year ahead, so later ones are not pages."""
    text = request.args.get("from")
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404)
    if day > date.today() + timedelta(days=400):
        abort(404)
    return day


def requested_instant():
    moment = parse_instant(request.args.get("starts_at"))
    if moment is None:
        abort(404)
    return moment


def with_when(booking: dict, time_zone: str) -> dict:
    return {**booking, "when": when(booking["starts_at"], booking["ends_at"], time_zone)}


@bp.get("/bookings/<slug>")
@login_required
def slots(slug):
    """A native link's free times for a week, by day, in the business's time zone."""
    start = requested_day()
    try:
        offer = call("available_slots", p_link_slug=slug, p_from=start and start.isoformat(),
                     p_days=DAYS_PER_PAGE)
    except InvalidInput as error:
        flash(error.message, "info")
        return redirect(url_for("portal.bookings"), 303)
    first, last = date.fromisoformat(offer["from"]), date.fromisoformat(offer["to"])
    following = offer["next_available_date"]
    pages = {
        "earlier": (first - timedelta(days=DAYS_PER_PAGE)).isoformat()
        if first > date.fromisoformat(offer["today"]) else None,
        "later": (first + timedelta(days=DAYS_PER_PAGE)).isoformat()
        if offer["to"] < offer["last_bookable_date"] else None,
        "range": _("%(first)s to %(last)s", first=day_label(first), last=day_label(last)),
        "next": following and {"from": following, "label": day_label(date.fromisoformat(following))},
    }
    return render_template("booking/slots.html", offer=offer, days=slot_days(offer), pages=pages,
                           zone=zone_label(datetime.now(UTC), offer["time_zone"]))


@bp.route("/bookings/<slug>/book", methods=["GET", "POST"])
@login_required
def book(slug):
    """Confirm a time, with an optional note; the database decides whether it is still free."""
    starts_at = requested_instant()
    day = local_day(starts_at, business_zone())
    back = url_for("booking.slots", slug=slug, **{"from": day.isoformat()})
    form = BookForm()
    if form.validate_on_submit():
        try:
            booking = call("book_slot", p_link_slug=slug, p_starts_at=starts_at.isoformat(),
                           p_note=(form.note.data or "").strip() or None)
        except (Conflict, InvalidInput) as error:
            # Taken since the page was shown, or no longer bookable: say so, show fresh times.
            flash(error.message, "error")
            return redirect(back, 303)
        return redirect(url_for("booking.confirmed", booking_id=booking["id"]), 303)
    try:
        offer = call("available_slots", p_link_slug=slug, p_from=day.isoformat(), p_days=1)
    except InvalidInput:
        # An external link: its page says where it is booked.
        return redirect(url_for("booking.slots", slug=slug), 303)
    slot = next((s for d in offer["days"] for s in d["slots"]
                 if parse_instant(s["starts_at"]) == starts_at), None)
    if slot is None:
        flash(_("This time is no longer available. Please choose another."), "error")
        return redirect(back, 303)
    chosen = when(slot["starts_at"], slot["ends_at"], offer["time_zone"])
    status = 400 if form.errors else 200
    return render_template("booking/book.html", link=offer["link"], when=chosen, form=form,
                           starts_at=url_instant(starts_at), back=back,
                           time_zone=offer["time_zone"]), status


@bp.get("/bookings/confirmed/<uuid:booking_id>")
@login_required
def confirmed(booking_id):
    """The booked appointment, with its calendar file."""
    booking = call("portal_booking", p_booking_id=str(booking_id))
    return render_template("booking/confirmed.html", booking=with_when(booking, booking["time_zone"]),
                           time_zone=booking["time_zone"])


@bp.get("/bookings/<uuid:booking_id>.ics")
@login_required
def calendar_file(booking_id):
    """The appointment as an iCalendar file, the same text the confirmation email carries."""
    booking = call("portal_booking", p_booking_id=str(booking_id))
    day = local_day(parse_instant(booking["starts_at"]), booking["time_zone"])
    return Response(booking["ics"], mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="appointment-{day.isoformat()}.ics"'})


@bp.route("/bookings/<uuid:booking_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(booking_id):
    """Cancel an upcoming appointment, after a confirm step; the database checks the notice."""
    form = CancelForm()
    if form.validate_on_submit():
        try:
            booking = call("cancel_booking", p_booking_id=str(booking_id))
        except Conflict as error:
            flash(error.message, "error")
        else:
            chosen = when(booking["starts_at"], booking["ends_at"], booking["time_zone"])
            flash(_("Your appointment on %(day)s at %(time)s was cancelled.", day=chosen["day"],
                    time=chosen["start"]), "success")
        return redirect(url_for("booking.appointments"), 303)
    booking = call("portal_booking", p_booking_id=str(booking_id))
    return render_template("booking/cancel.html", booking=with_when(booking, booking["time_zone"]),
                           form=form, time_zone=booking["time_zone"]), 400 if form.errors else 200


@bp.get("/appointments")
@login_required
def appointments():
    """The client's upcoming and past appointments."""
    listing = call("portal_bookings")
    time_zone = listing["time_zone"]
    return render_template("booking/appointments.html", time_zone=time_zone,
                           upcoming=[with_when(b, time_zone) for b in listing["upcoming"]],
                           past=[with_when(b, time_zone) for b in listing["past"]])
