from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.i18n import lazy_gettext as _l

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[
        DataRequired(_l("Enter your email address.")),
        Length(max=254, message=_l("That address is too long.")),
        Regexp(EMAIL, message=_l("Enter an email address like name@example.com."))])


class CodeForm(FlaskForm):
    code = StringField(_l("6-digit code"), validators=[
        DataRequired(_l("Enter the 6-digit code from the email.")),
        Regexp(r"^\s*\d{6}\s*$", message=_l("The code is 6 digits."))])


class ConfirmForm(FlaskForm):
    token_hash = HiddenField(validators=[DataRequired(), Length(max=200)])


class LogoutForm(FlaskForm):
    """Sign-out is a POST with a CSRF token: a link elsewhere cannot sign a client out."""
