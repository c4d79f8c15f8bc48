from okr_app.bounds import BoundedForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from okr_app.domain import limits
from okr_app.auth.forms import EMAIL_LENGTH, NEW_PASSWORD_LENGTH
from okr_app.auth.passwords import MIN_LENGTH
from okr_app.models import ROLES, TEAM_KINDS

NOBODY = 0


class PersonForm(BoundedForm):
    """Add or edit a person; choices for manager and team are filled by the view."""

    name = StringField("Name", validators=[DataRequired(), Length(max=limits.PERSON_NAME.max)])
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False), EMAIL_LENGTH])
    role = SelectField("Role", choices=[SelectChoice(role) for role in ROLES], default="employee")
    manager_id = SelectField("Manager", coerce=int, default=NOBODY)
    team_id = SelectField("Team", coerce=int, default=NOBODY)
    password = PasswordField("Initial password",
                             validators=[Optional(), NEW_PASSWORD_LENGTH],
                             description=f"At least {MIN_LENGTH} characters. Leave blank to set it later.",
                             render_kw={"autocomplete": "new-password"})  # never the admin's own, autofilled
    active = BooleanField("Active (may sign in)", default=True)
    invite = BooleanField("Send an invitation by e-mail (a link to choose their password, valid 7 days)")
    submit = SubmitField("Save")

    def set_choices(self, managers: list[tuple[int, str]], teams: list[tuple[int, str]]) -> None:
        self.manager_id.choices = [SelectChoice(NOBODY, "— nobody —"), *(SelectChoice(*m) for m in managers)]
        self.team_id.choices = [SelectChoice(NOBODY, "— no team —"), *(SelectChoice(*t) for t in teams)]


class TeamForm(BoundedForm):
    name = StringField("Team name", validators=[DataRequired(), Length(max=limits.TEAM_NAME.max)])
    kind = SelectField("Kind", choices=[SelectChoice(kind) for kind in TEAM_KINDS], default="function",
                       description="A function (sales, marketing, customer success) or a cross-functional pod.")
    submit = SubmitField("Add team")


class ImportForm(BoundedForm):
    file = FileField("People CSV", validators=[FileRequired("Choose a CSV file.")],
                     description="Columns: email,name,role,manager_email,team (optional: password).")
    invite = BooleanField("Send each person an invitation by e-mail")
    submit = SubmitField("Import")
