"""The deals upload form: the web door onto the same import as `cadence deals import`."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SubmitField


class DealsImportForm(FlaskForm):
    file = FileField("Deals CSV", validators=[FileRequired("Choose a CSV file.")],
                     description="Columns: deal_id,account_id,rep_id,type,amount,close_date (optional: split, source).")
    replace = BooleanField("Correct deals already imported (a known deal_id replaces the stored deal)")
    submit = SubmitField("Import deals")
