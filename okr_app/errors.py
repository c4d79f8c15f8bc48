"""Domain errors: user mistakes named after the rule they enforce, each carrying its HTTP status.

One place (`okr_app.web_errors`) maps them to a flash message, a JSON `{error}` or a CLI exit 2.
"""
from __future__ import annotations


class CadenceError(Exception):
    """A user's mistake or a refused action: never a bug."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(CadenceError):
    """A value that breaks a rule (bad cycle length, non-Monday start, unknown kind...). `field` names the
    form field it is about, when there is one, so the page can say it beside that field."""

    status = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class LimitExceeded(CadenceError):
    """Past the configured number of objectives or key results."""

    status = 422


class CycleClosed(CadenceError):
    """A closed cycle is locked: its OKRs and grades no longer change."""

    status = 422


class NotAllowed(CadenceError):
    """The policy refuses this action to this person."""

    status = 403


class NotFound(CadenceError):
    """Missing, or not visible to the caller (both answer 404, so ids leak nothing)."""

    status = 404


class Conflict(CadenceError):
    status = 409


class CyclesOverlap(Conflict):
    """Two active cycles whose dates overlap would make "the current cycle" ambiguous for everyone."""


class AlreadyRolledOver(Conflict):
    """An objective is copied into the next cycle once."""
class BadParameter(CadenceError):
    """A query-string or form value that is not what it claims (an id out of range, a date off the calendar)."""

    status = 400


class SeparationOfDuties(NotAllowed):
    """Finance may not approve a run that pays themselves, or whose inputs they changed.

    The refusal itself is kept in the audit trail: `audit` is (actor id, actor email,
    action, object type, object id, details), which the edge (`okr_app.edge`, the CLI's
    `cli_errors`) records in a transaction of its own after rolling the request back."""

    def __init__(self, message: str, audit: tuple[int | None, str, str, str, str, dict]) -> None:
        super().__init__(message)
        self.audit = audit
