"""Files a request keeps in the instance folder (a question's attachment, a published plan's PDF), stored so
that a rolled-back request leaves none behind.

The file has to be on disk before the row that names it commits, so a request refused after the write (a
later check, a constraint, a crash) would orphan it. Each file written is noted on the session; if that
session's transaction ends without a commit, the files go with it; when it commits they stay.
"""
from __future__ import annotations

import secrets
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from okr_app.extensions import db

PENDING = "files_written"


def store_file(folder: Path, content: bytes) -> str:
    """Write `content` under a new random name (never the uploaded one) in `folder`; returns the name."""
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(16)
    path = folder / key
    path.write_bytes(content)
    db.session().info.setdefault(PENDING, []).append(path)
    return key


def _keep_files(session: Session) -> None:
    session.info.pop(PENDING, None)


def _remove_files(session: Session, transaction) -> None:
    """The outermost transaction ended without a commit (a rollback, or a session closed mid-way)."""
    if transaction.parent is not None:
        return
    for path in session.info.pop(PENDING, []):
        path.unlink(missing_ok=True)


def install() -> None:
    """Attach the commit and rollback hooks to every session (idempotent, so app factories may call it again)."""
    if not sa.event.contains(Session, "after_commit", _keep_files):
        sa.event.listen(Session, "after_commit", _keep_files)
        sa.event.listen(Session, "after_transaction_end", _remove_files)
