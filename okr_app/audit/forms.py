from okr_app.bounds import BoundedForm
from okr_app.domain import limits
from wtforms import DateField, EmailField, SelectChoice, SelectField, SubmitField
from wtforms.validators import Length, Optional


class AuditFilterForm(BoundedForm):
    """Read from the query string (GET), so a filtered view is a link an admin can share."""

    class Meta:
        csrf = False

    action = SelectField("Action", choices=[SelectChoice("", "any action")], default="", validate_choice=False)
    actor = EmailField("Actor's email", validators=[Optional(), Length(max=limits.EMAIL.max)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])
    submit = SubmitField("Filter")
