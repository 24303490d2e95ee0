from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from app.i18n import lazy_gettext as _l


class BookForm(FlaskForm):
    """The database checks the note again; this gives the same answer before the round trip."""

    note = TextAreaField(_l("Note for us (optional)"), validators=[
        Optional(), Length(max=1000, message=_l("At most %(max)d characters.", max=1000))])


class CancelForm(FlaskForm):
    """Nothing to fill in: the form carries the CSRF token."""
