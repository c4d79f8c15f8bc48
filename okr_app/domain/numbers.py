"""Numbers as people type them: "$500,000", "1,250", "12.5 %", "-3", "€ 40". The one parser every value
field of the web app calls (the weekly check-in, a key result's check-in, start, target and weight).

Accepted: an optional sign, one currency sign ($ € £ ¥) before or after, thousands separated by commas in
groups of three, a decimal point, and a trailing %. Refused with a sentence that says how to write it:
shorthand ("1.2k", "3m"), a comma used as the decimal mark ("3,5"), two numbers, anything else. A value is
read as written: "12.5 %" is 12.5 (the unit is the key result's, not the text's)."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CURRENCY = "$€£¥"
SHORTHAND = re.compile(r"^[+-]?[\d.,]+\s*(k|m|mm|b|bn|thousand|million|billion)$", re.IGNORECASE)
GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
PLAIN = re.compile(r"^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?$")


class NotANumber(ValueError):
    """The text is not a number Cadence can read; `str()` is the sentence to show beside the field."""


def parse_number(text: str | None) -> Decimal | None:
    """The number in `text`, exactly (a Decimal); None for blank text. NotANumber says why not."""
    if text is None:
        return None
    raw = str(text)
    body = raw.strip().replace("\u2212", "-").replace("\u00a0", " ").replace("\u202f", " ")
    if not body:
        return None
    sign = ""
    if body[0] in "+-":
        sign, body = ("-" if body[0] == "-" else ""), body[1:].strip()
    if body.endswith("%"):
        body = body[:-1].strip()
    if body and body[0] in CURRENCY:
        body = body[1:].strip()
    elif body and body[-1] in CURRENCY:
        body = body[:-1].strip()
    if body and body[0] in "+-" and not sign:  # "$-40"
        sign, body = ("-" if body[0] == "-" else ""), body[1:].strip()
    shown = raw.strip()[:40]
    if SHORTHAND.match(body):
        raise NotANumber(f"“{shown}” uses shorthand; write the full number, like 1200 or 3000000.")
    if "," in body and not GROUPED.match(body):
        if re.fullmatch(r"\d+,\d{1,2}", body):
            raise NotANumber(f"“{shown}”: use a point for decimals (like 3.5); commas only group thousands "
                             "(like 1,250).")
        raise NotANumber(f"“{shown}” is not a number; write it like 1,250 or 1250.5.")
    digits = body.replace(",", "")
    if not PLAIN.match(digits):
        raise NotANumber(f"“{shown}” is not a number; write it like 1250, $500,000 or 12.5%.")
    try:
        return Decimal(sign + digits)
    except InvalidOperation:  # pragma: no cover - the patterns above admit only valid decimals
        raise NotANumber(f"“{shown}” is not a number.") from None
