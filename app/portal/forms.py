from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

NO_MARKUP = Regexp(r"^[^<>\x00-\x1f]*$", message="Use letters, digits and punctuation only (no < or >).")


class AcceptQuoteForm(FlaskForm):
    signer_name = StringField("Your full name, as your signature", validators=[
        DataRequired("Type your name to accept the quote."),
        Length(max=200, message="At most 200 characters."), NO_MARKUP])


class RejectQuoteForm(FlaskForm):
    reason = TextAreaField("Reason (optional)", validators=[
        Optional(), Length(max=2000, message="At most 2000 characters.")])


class ContactForm(FlaskForm):
    """The database checks every field again; these checks give the same message sooner."""

    phone = StringField("Phone number", validators=[
                        Optional(), Length(max=40, message="At most 40 characters."),
                        Regexp(r"^\+?[0-9][0-9 ().-]{2,28}[0-9]( ?(x|ext\.?) ?[0-9]{1,6})?$",
                               message="Use digits, spaces, + ( ) . - only, for example +1 555 010 2000.")])
    address_line1 = StringField("Address line 1", validators=[Optional(), Length(max=200), NO_MARKUP])
    address_line2 = StringField("Address line 2", validators=[Optional(), Length(max=200), NO_MARKUP])
    city = StringField("City", validators=[Optional(), Length(max=100), NO_MARKUP])
    region = StringField("State or region", validators=[Optional(), Length(max=100), NO_MARKUP])
    postal_code = StringField("Postal code", validators=[Optional(), Length(max=20), NO_MARKUP])
    country = StringField("Country", validators=[Optional(), Length(max=100), NO_MARKUP])
