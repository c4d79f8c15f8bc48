from okr_app.bounds import BoundedForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from okr_app.auth.passwords import MIN_LENGTH

PASSWORD_LENGTH = f"A password needs at least {MIN_LENGTH} characters (and at most 1024)."
PASSWORD_ADVICE = (f"At least {MIN_LENGTH} characters; not a common password, not your name or email. "
                   "A few unrelated words work well.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class LoginForm(BoundedForm):
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
                       filters=[_strip], render_kw={"autocomplete": "username"})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me signed in")
    submit = SubmitField("Sign in")


class ChangePasswordForm(BoundedForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=1024)],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("New password",
                                 validators=[DataRequired(), Length(min=MIN_LENGTH, max=1024, message=PASSWORD_LENGTH)],
                                 description=PASSWORD_ADVICE,
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("New password again",
                            validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Change password")


class ForgotPasswordForm(BoundedForm):
    email = EmailField("Your work email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
                       filters=[_strip], render_kw={"autocomplete": "username"})
    submit = SubmitField("Send me a link")


class ChoosePasswordForm(BoundedForm):
    new_password = PasswordField("New password",
                                 validators=[DataRequired(), Length(min=MIN_LENGTH, max=1024, message=PASSWORD_LENGTH)],
                                 description=PASSWORD_ADVICE, render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("New password again",
                            validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Set my password")
