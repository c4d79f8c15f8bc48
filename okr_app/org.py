"""The org chart as queries: who is below and above whom (direct or indirect)."""
from __future__ import annotations

import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import Person


def subordinate_ids(person_id: int) -> set[int]:
    """Everyone who reports to this person, directly or indirectly (one recursive query)."""
    below = sa.select(Person.id).where(Person.manager_id == person_id).cte("below", recursive=True)
    below = below.union(sa.select(Person.id).join(below, Person.manager_id == below.c.id))
    return set(db.session.scalars(sa.select(below.c.id)))


def manager_chain_ids(person_id: int) -> list[int]:
    """This person's manager, their manager, ... up to the top (one recursive query), nearest first."""
    start = sa.select(Person.manager_id.label("id"), sa.literal(1).label("depth")).where(
        Person.id == person_id, Person.manager_id.is_not(None)).cte("above", recursive=True)
    step = sa.select(Person.manager_id, start.c.depth + 1).join(start, Person.id == start.c.id).where(
        Person.manager_id.is_not(None), start.c.depth < 100)
    above = start.union_all(step)
    return list(db.session.scalars(sa.select(above.c.id).order_by(above.c.depth)))


def would_create_cycle(person_id: int, new_manager_id: int | None) -> bool:
    """True when making `new_manager_id` this person's manager would make the chart loop."""
    if new_manager_id is None:
        return False
    return new_manager_id == person_id or new_manager_id in subordinate_ids(person_id)
