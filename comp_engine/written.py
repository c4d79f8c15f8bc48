"""Texts a statement line explains itself with, written the first time someone reads them.

A run computes every line's exact amount, and for each line the rule in words with its
formula of printed numbers. The amounts go into lines.csv; the words only into a PDF
statement, a web page or the run recorded on the database. A million-deal run of 2,000
reps writes about 12,000 such texts that `cadence payout run` never prints, so a line
may be given a function that writes its rule instead of the text: the same function,
called later, writes the same words from the same numbers.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

Text = str | Callable[[], str]
"""A text, or a function without arguments that writes it."""


class WrittenWhenRead:
    """A text field of a (frozen) dataclass that may be given as a function writing it (`Text`):
    the function is called the first time the field is read, and its text kept in its place.

    Equality, hashing and repr read the field like any other, so two lines are equal when
    their words are. The field has no default (`ComponentLine(..., rule=...)` must name it)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, holder: Any, owner: type | None = None) -> str:  # noqa: ANN401
        if holder is None:
            raise AttributeError(self.name)  # read on the class (by dataclass): the field has no default
        text = holder.__dict__[self.name]
        if not isinstance(text, str):
            text = holder.__dict__[self.name] = text()
        return text

    def __set__(self, holder: Any, text: Text) -> None:  # noqa: ANN401
        holder.__dict__[self.name] = text
