"""Fast multi-row inserts for the demo loader (thousands of rows per statement batch)."""
from __future__ import annotations

import sqlalchemy as sa

from okr_app.extensions import db

CHUNK = 1000


def insert(model, rows: list[dict]) -> None:
    """Core INSERTs run as executemany (column defaults still applied), a chunk at a time."""
    for offset in range(0, len(rows), CHUNK):
        db.session.execute(model.__table__.insert(), rows[offset:offset + CHUNK])


def insert_then_ids(model, rows: list[dict], keys: tuple[str, ...]) -> list[int]:
    """Insert, then read the new ids back by a key unique among the new rows; ids in row order.

    Cheaper than INSERT ... RETURNING with ordered ids, which SQLite runs one row at a time."""
    if not rows:
        return []
    before = db.session.scalar(sa.select(sa.func.max(model.id))) or 0
    insert(model, rows)
    columns = [getattr(model, key) for key in keys]
    found = {tuple(row[:-1]): row[-1] for row in db.session.execute(sa.select(*columns, model.id)
                                                                    .where(model.id > before))}
    return [found[tuple(row.get(key) for key in keys)] for row in rows]
