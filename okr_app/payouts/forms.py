"""Forms of the Pay pages: the deals upload (the web door onto `cadence deals import`), a question on a
statement line, finance's answer, a plan to publish and its acknowledgement. Fields only carry text; the rules
are the services'."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField


class DealsImportForm(FlaskForm):
    file = FileField("Deals CSV", validators=[FileRequired("Choose a CSV file.")],
                     description="Columns: deal_id,account_id,rep_id,type,amount,close_date (optional: split, source).")
    replace = BooleanField("Correct deals already imported (a known deal_id replaces the stored deal)")
    submit = SubmitField("Import deals")


class QuestionForm(FlaskForm):
    line = SelectField("Line", coerce=int, validate_choice=False)
    text = TextAreaField("Your question", description="What looks wrong on this line, and why.",
                         render_kw={"rows": 4})
    attachment = FileField("Attachment (optional)", description="A screenshot, an e-mail or a PDF, up to the limit.")


class AnswerForm(FlaskForm):
    outcome = RadioField("Resolution", choices=[SelectChoice("no_change", "No change: the line stands"),
                                                SelectChoice("adjusted", "Adjust the pay")], validate_choice=False)
    answer = TextAreaField("Answer to the rep", render_kw={"rows": 4})
    amount = StringField("Adjustment amount", description="Positive pays more, negative takes back; e.g. 250.00.")
    reason = StringField("Reason for the adjustment", description="Printed on the adjustment line.")
