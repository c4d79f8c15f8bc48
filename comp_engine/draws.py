"""Draws: a guaranteed minimum paid each quarter while a rep ramps.

roster.csv may give a rep a `draw` (an amount per quarter, >= 0), a `draw_kind`
(`recoverable`, the default, or `non_recoverable`) and a `draw_balance` (what a
recoverable draw has advanced and not yet recovered at the start of the quarter,
default 0; a database run carries it from the previous approved run instead).

With E = the sum of the rep's lines (what they earned) and B = the balance:

- recoverable: a `draw:recovery` line of -min(B, max(0, E - draw)), then a
  `draw:advance` line of max(0, draw - (E - recovery)); the rep is paid
  E - recovery + advance and owes B - recovery + advance afterwards;
- non_recoverable: a `draw:advance` line of max(0, draw - E); nothing is owed.

The draw is per quarter and is not prorated by employment dates (`comp_engine.employment`):
put on the roster the draw you mean to guarantee for a partial quarter. A quarter the
rep did not work at all pays no draw (a balance owed stays owed).

All amounts are integer cents (E is already the sum of rounded lines), so the draw
lines add no rounding. Example, a recoverable draw of 6,000 over quarters earning
8,250, 9,000, 4,500, 7,125, 9,000, 8,250: paid 8,250, 9,000, 6,000, 6,000, 8,625,
8,250; balance after 0, 0, 1,500, 375, 0, 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from comp_engine.errors import Problem
from comp_engine.money import AmountInvalid, cents_to_decimal, display_amount, exact_amount, signed_amount, to_cents

DRAW_COLUMNS = ("draw", "draw_kind", "draw_balance")
RECOVERABLE = "recoverable"
NON_RECOVERABLE = "non_recoverable"
DRAW_KINDS = (RECOVERABLE, NON_RECOVERABLE)


@dataclass(frozen=True)
class DrawTerms:
    """A rep's draw for the quarter, in cents, and the balance owed at its start."""

    draw_cents: int
    kind: str = RECOVERABLE
    balance_cents: int = 0


@dataclass(frozen=True)
class DrawLine:
    """`draw:recovery` (negative or 0) or `draw:advance` (positive or 0)."""

    component: str
    amount: Decimal
    rule: str

    @property
    def unrounded(self) -> Decimal:
        return self.amount


@dataclass(frozen=True)
class DrawSettlement:
    """What the draw did to one rep's quarter (cents)."""

    kind: str
    draw_cents: int
    earned_cents: int
    balance_before_cents: int
    recovery_cents: int
    advance_cents: int

    @property
    def paid_cents(self) -> int:
        """paid = earned - recovery + advance."""
        return self.earned_cents - self.recovery_cents + self.advance_cents

    @property
    def balance_after_cents(self) -> int:
        """What a recoverable draw is owed after the quarter (0 for a non-recoverable one)."""
        if self.kind != RECOVERABLE:
            return 0
        return self.balance_before_cents - self.recovery_cents + self.advance_cents

    @property
    def lines(self) -> tuple[DrawLine, ...]:
        """The draw's lines, each rule ending with its formula of printed amounts (house style:
        `words: formula = amount`, evaluable by hand)."""
        draw, earned, owed = _exact(self.draw_cents), _exact(self.earned_cents), _exact(self.balance_before_cents)
        recovered = _exact(self.recovery_cents)
        if self.kind == RECOVERABLE:
            above = self.earned_cents - self.draw_cents
            recovery_rule = (f"recovered from what was earned above the draw, at most the balance owed: "
                             f"−min({owed}, {earned} − {draw})" if above > 0 else
                             f"nothing is recovered: what was earned ({earned}) is not above the draw ({draw}): 0")
            recovery = DrawLine("draw:recovery", cents_to_decimal(-self.recovery_cents),
                                f"{recovery_rule} = {signed_amount(cents_to_decimal(-self.recovery_cents))}")
            short = self.draw_cents - (self.earned_cents - self.recovery_cents)
            advance_rule = (f"advanced up to the draw: {draw} − ({earned} − {recovered})" if short > 0 else
                            f"nothing is advanced: what is paid ({earned} − {recovered}) reaches the draw ({draw}): 0")
        else:
            short = self.draw_cents - self.earned_cents
            advance_rule = (f"advanced up to the draw, never paid back: {draw} − {earned}" if short > 0 else
                            f"nothing is advanced: what was earned ({earned}) reaches the draw ({draw}): 0")
        advance = DrawLine("draw:advance", cents_to_decimal(self.advance_cents),
                           f"{advance_rule} = {signed_amount(cents_to_decimal(self.advance_cents))}")
        return (recovery, advance) if self.kind == RECOVERABLE else (advance,)

    def explain(self) -> str:
        """The statement's sentence about the draw, with the numbers."""
        draw, earned, paid = _shown(self.draw_cents), _shown(self.earned_cents), _shown(self.paid_cents)
        if self.kind != RECOVERABLE:
            return (f"Non-recoverable draw of {draw} a quarter: you earned {earned}, so the draw advanced "
                    f"{_shown(self.advance_cents)} that you never pay back; you are paid {paid}.")
        return (f"Recoverable draw of {draw} a quarter. You owed {_shown(self.balance_before_cents)} of earlier "
                f"advances at the start of the quarter and earned {earned}: {_shown(self.recovery_cents)} was "
                f"recovered from what you earned above the draw and {_shown(self.advance_cents)} was advanced "
                f"to bring you up to the draw; you are paid {paid} and owe {_shown(self.balance_after_cents)} "
                "after this quarter.")


def _exact(cents: int) -> str:
    return exact_amount(cents_to_decimal(cents))


def _shown(cents: int) -> str:
    return display_amount(cents_to_decimal(cents))


def settle_draw(earned_cents: int, terms: DrawTerms) -> DrawSettlement:
    """Apply the draw rule (see the module) to what the rep earned this quarter."""
    if terms.kind == RECOVERABLE:
        recovery = min(terms.balance_cents, max(0, earned_cents - terms.draw_cents))
        advance = max(0, terms.draw_cents - (earned_cents - recovery))
        return DrawSettlement(RECOVERABLE, terms.draw_cents, earned_cents, terms.balance_cents, recovery, advance)
    advance = max(0, terms.draw_cents - earned_cents)
    return DrawSettlement(NON_RECOVERABLE, terms.draw_cents, earned_cents, 0, 0, advance)


# -- reading roster.csv --------------------------------------------------------------------------

def read_draw(values: dict[str, str], source: str, line: int) -> tuple[DrawTerms | None, list[Problem]]:
    """The draw of a roster row, or None when the row has no draw columns filled in."""
    texts = {column: values.get(column, "").strip() for column in DRAW_COLUMNS}
    if not any(texts.values()):
        return None, []
    problems: list[Problem] = []
    kind = texts["draw_kind"] or RECOVERABLE
    if kind not in DRAW_KINDS:
        problems.append(Problem(source, line, "draw_kind",
                                f"{kind!r} is not a draw kind; use {RECOVERABLE} (the default) or {NON_RECOVERABLE}"))
    amounts = {}
    for column in ("draw", "draw_balance"):
        amounts[column] = 0
        if texts[column]:
            try:
                amounts[column] = to_cents(texts[column])
            except AmountInvalid as refused:
                negative = texts[column].startswith("-")
                problems.append(Problem(source, line, column, f"{texts[column]!r} is negative; a draw and its "
                                        "balance are 0 or more" if negative else str(refused)))
    if kind == NON_RECOVERABLE and texts["draw_balance"]:
        problems.append(Problem(source, line, "draw_balance",
                                "is filled in, but a non_recoverable draw is never paid back: leave it empty"))
    if problems:
        return None, problems
    return DrawTerms(amounts["draw"], kind, amounts["draw_balance"]), []
