"""What goes wrong with payout inputs, said so that finance can fix the file.

Every invalid row is reported, not only the first: each rule that rejects input adds
a `Problem` naming the file, the line (the header is line 1), the field and what is
wrong, and the run raises one `PayoutInputError` carrying all of them. The CLI prints
one line per problem and exits with status 2; the web app shows the same list.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One reason an input is refused.

    `line` is the 1-based line in a CSV file (header = line 1) and is None for a
    problem with a whole file (a missing column, a missing quota, a plan key).
    `field` is a CSV column or a plan key path such as `component.new_business.curve`.
    """

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.message}"


class PayoutError(Exception):
    """Base of every error the commission engine raises on purpose."""


class PayoutInputError(PayoutError):
    """The inputs of a payout run are invalid; nothing was computed or written.

    `problems` lists every invalid row or key found, sorted by file and line.
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = str(self.problems[0]) if self.problems else "invalid input"
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(head + more)

    def __reduce__(self) -> tuple[type, tuple[tuple[Problem, ...]]]:
        """Rebuilt from its problems (not from its message) when pickled, e.g. from another process."""
        return type(self), (self.problems,)


class PlanInvalid(PayoutInputError):
    """A plan file breaks a rule of the plan format (see `comp_engine.plans`).

    Each problem names the plan file and the key at fault, e.g.
    `plans/ae.toml, component.new_business.weight: weights add up to 0.9, not 1`.
    """


class PeriodInvalid(PayoutError, ValueError):
    """A period is not written as a calendar quarter `YYYY-Qn` (Q1 = Jan-Mar)."""
