"""The imported deals as a `comp_engine.revenue.Ledger`, and who in Cadence is which rep.

The deals are written as the same deals.csv the payout reads (plus their `source`) and
read by the engine's own reader, so a metric key result and a payout see the same
deals. A person is a rep when a roster's e-mail (any quarter) matches theirs, case
ignored; a team's reps are its members'.
"""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from comp_engine.deal_table import DEALS_COLUMNS, DEALS_OPTIONAL
from comp_engine.money import cents_to_decimal
from comp_engine.revenue import SOURCE_COLUMN, Ledger, read_ledger
from okr_app.errors import InvalidInput
from okr_app.extensions import db
from okr_app.models import Deal, Objective, Person, RosterRep


def deals_csv() -> bytes:
    """Every imported deal, in import order, as deals.csv with a source column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DEALS_COLUMNS + DEALS_OPTIONAL + (SOURCE_COLUMN,))
    query = sa.select(Deal.deal_id, Deal.account_id, Deal.rep_id, Deal.type, Deal.amount_cents, Deal.close_date,
                      Deal.split, Deal.lead_source).order_by(Deal.id)
    for deal_id, account, rep, kind, cents, closed, split, source in db.session.execute(query):
        writer.writerow((deal_id, account, rep, kind, f"{cents_to_decimal(cents):f}", closed.isoformat(), split, source))
    return buffer.getvalue().encode("utf-8")


def load_ledger() -> Ledger | None:
    """The ledger of every imported deal; None when no deal was imported yet."""
    if db.session.scalar(sa.select(Deal.id).limit(1)) is None:
        return None
    ledger, problems = read_ledger(deals_csv(), "the imported deals")
    if ledger is None:
        raise InvalidInput("The imported deals cannot be read: " + "; ".join(str(p) for p in problems))
    return ledger


def rep_ids_of(people: list[Person]) -> set[str]:
    """The rep ids whose roster e-mail is one of these people's."""
    emails = {person.email.lower() for person in people}
    if not emails:
        return set()
    return set(db.session.scalars(sa.select(RosterRep.rep_id).where(sa.func.lower(RosterRep.email).in_(sorted(emails)))))


def people_of_scope(objective: Objective) -> list[Person] | None:
    """Whose deals an objective's metrics count: None for the company, the team's members, or the owner."""
    if objective.owner_type == "company":
        return None
    if objective.owner_type == "team":
        return list(db.session.scalars(sa.select(Person).where(Person.team_id == objective.team_id)))
    return [objective.owner_person] if objective.owner_person is not None else []


def scope_of(ledger: Ledger, objective: Objective) -> frozenset[int] | None:
    """The rep positions an objective's metrics count (None: the company, every deal)."""
    people = people_of_scope(objective)
    return None if people is None else ledger.reps(rep_ids_of(people))
