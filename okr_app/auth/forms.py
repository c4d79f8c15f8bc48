from okr_app.bounds import BoundedForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from okr_app.auth.passwords import MIN_LENGTH
from okr_app.domain import limits

PASSWORD_LENGTH = f"A password needs at least {MIN_LENGTH} characters (and at most {limits.PASSWORD.max})."
EMAIL_LENGTH = Length(max=limits.EMAIL.max)
PASSWORD_LENGTH_LIMIT = Length(max=limits.PASSWORD.max)
NEW_PASSWORD_LENGTH = Length(min=MIN_LENGTH, max=limits.PASSWORD.max, message=PASSWORD_LENGTH)
PASSWORD_ADVICE = (f"At least {MIN_LENGTH} characters; not a common password, not your name or email. "
                   "A few unrelated words work well.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class LoginForm(BoundedForm):
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False), EMAIL_LENGTH],
                       filters=[_strip], render_kw={"autocomplete": "username"})
    password = PasswordField("Password", validators=[DataRequired(), PASSWORD_LENGTH_LIMIT],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me signed in")
    submit = SubmitField("Sign in")


class ChangePasswordForm(BoundedForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), PASSWORD_LENGTH_LIMIT],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("New password",
                                 validators=[DataRequired(), NEW_PASSWORD_LENGTH],
                                 description=PASSWORD_ADVICE,
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("New password again",
                            validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Change password")


class ForgotPasswordForm(BoundedForm):
    email = EmailField("Your work email", validators=[DataRequired(), Email(check_deliverability=False), EMAIL_LENGTH],
                       filters=[_strip], render_kw={"autocomplete": "username"})
    submit = SubmitField("Send me a link")


class ChoosePasswordForm(BoundedForm):
    new_password = PasswordField("New password",
                                 validators=[DataRequired(), NEW_PASSWORD_LENGTH],
                                 description=PASSWORD_ADVICE, render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("New password again",
                            validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Set my password")
