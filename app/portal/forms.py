from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.i18n import lazy_gettext as _l

NO_MARKUP = Regexp(r"^[^<>\x00-\x1f]*$",
                   message=_l("Use letters, digits and punctuation only (no < or >)."))

AT_MOST_20, AT_MOST_100, AT_MOST_200 = (_l("At most %(max)d characters.", max=n) for n in (20, 100, 200))


class AcceptQuoteForm(FlaskForm):
    signer_name = StringField(_l("Your full name, as your signature"), validators=[
        DataRequired(_l("Type your name to accept the quote.")),
        Length(max=200, message=AT_MOST_200), NO_MARKUP])


class RejectQuoteForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[
        Optional(), Length(max=2000, message=_l("At most %(max)d characters.", max=2000))])


class ContactForm(FlaskForm):
    """The database checks every field again; these checks give the same message sooner."""

    phone = StringField(_l("Phone number"), validators=[
                        Optional(), Length(max=40, message=_l("At most %(max)d characters.", max=40)),
                        Regexp(r"^\+?[0-9][0-9 ().-]{2,28}[0-9]( ?(x|ext\.?) ?[0-9]{1,6})?$",
                               message=_l("Use digits, spaces, + ( ) . - only, for example "
                                          "+1 555 010 2000."))])
    address_line1 = StringField(_l("Address line 1"), validators=[
        Optional(), Length(max=200, message=AT_MOST_200), NO_MARKUP])
    address_line2 = StringField(_l("Address line 2"), validators=[
        Optional(), Length(max=200, message=AT_MOST_200), NO_MARKUP])
    city = StringField(_l("City"), validators=[
        Optional(), Length(max=100, message=AT_MOST_100), NO_MARKUP])
    region = StringField(_l("State or region"), validators=[
        Optional(), Length(max=100, message=AT_MOST_100), NO_MARKUP])
    postal_code = StringField(_l("Postal code"), validators=[
        Optional(), Length(max=20, message=AT_MOST_20), NO_MARKUP])
    country = StringField(_l("Country"), validators=[
        Optional(), Length(max=100, message=AT_MOST_100), NO_MARKUP])


class AccountSettingsForm(FlaskForm):
    """The person's language, how times are shown, and the emails they may turn off. The
    choices of language and time zone are set by the view (they depend on the business)."""

    language = SelectField(_l("Language"))
    time_zone = SelectField(_l("Show times in"))
    invoice_reminders = BooleanField(_l("Invoice reminders: before and after an invoice is due"))
    quote_sent = BooleanField(_l("New quotes: an email when a quote is sent to you"))
    booking_reminders = BooleanField(_l("Appointment reminders: the day before an appointment"))
