"""Sending mail, exactly once: compose a letter from templates, claim its key, deliver after the commit.

    letter = compose("reminder", person, "Your weekly check-in", "checkin_reminder", unsubscribe=True, week=week)
    send(letter, period_key="2026-W49")      # claimed now; delivered when the transaction commits

Every message has a plain-text part (`templates/mail/<template>.txt`) and an HTML part (`<template>.html`).
Links are absolute, built from `CADENCE_BASE_URL` (`absolute_url`), because a mail client has no "current
site". The key (kind, recipient, period_key) is claimed in the caller's transaction with an
INSERT … ON CONFLICT DO NOTHING on `sent_mail`: of two processes sending the same key, one inserts and the
other finds the row and sends nothing. The claimed message leaves only after that transaction commits (a
rolled-back request sends nothing), through SMTP or into the outbox (`okr_app.mail.transport`); its row then
says `sent` or `failed`, and a failed key may be claimed again by a later attempt."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timezone
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app
from itsdangerous import BadSignature, URLSafeSerializer

from okr_app.clock import utcnow
from okr_app.errors import NotFound
from okr_app.extensions import db
from okr_app.mail.transport import SmtpRelay, write_to_outbox
from okr_app.models import MailOptOut, Person, SentMail

log = logging.getLogger(__name__)
PENDING = "cadence.mail.pending"  # session.info key: letters claimed in the open transaction
UNSUBSCRIBE_SALT = "cadence.mail.unsubscribe"


@dataclass(frozen=True)
class Letter:
    """One finished message to one person, not yet claimed."""

    kind: str
    recipient_id: int
    address: str
    subject: str
    message: EmailMessage
    can_unsubscribe: bool = False


@dataclass
class _Claimed:
    row_id: int
    letter: Letter
    engine: sa.Engine
    smtp_url: str
    ca_file: str
    outbox: Path


def init_app(app: Flask) -> None:
    """Deliver claimed letters after each commit; forget them on rollback."""
    for name, listener in (("after_commit", _deliver_claimed), ("after_rollback", _forget_claimed)):
        if not sa.event.contains(sa.orm.Session, name, listener):
            sa.event.listen(sa.orm.Session, name, listener)


# --- composing ------------------------------------------------------------------------------------

def absolute_url(endpoint: str, **values) -> str:
    """A full link into Cadence from `CADENCE_BASE_URL` (e.g. https://okr.example.com), request or not."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def compose(kind: str, recipient: Person, subject: str, template: str, unsubscribe: bool = False,
            **context) -> Letter:
    """Render `templates/mail/<template>.txt` and `.html` for one person.

    `unsubscribe=True` (reminders, digests: never invitations or resets) adds a one-click unsubscribe link for
    this kind, as `unsubscribe_url` in the templates and as the List-Unsubscribe header (RFC 8058)."""
    unsubscribe_link = unsubscribe_url(recipient, kind) if unsubscribe else ""
    context = {"recipient": recipient, "subject": subject, "unsubscribe_url": unsubscribe_link,
               "base_url": current_app.config["BASE_URL"], **context}
    message = EmailMessage()
    sender = current_app.config["MAIL_FROM"]
    message["Subject"] = _one_line(subject)
    message["From"] = sender
    message["To"] = formataddr((_one_line(recipient.name), recipient.email))
    message["Date"] = format_datetime(utcnow().replace(tzinfo=timezone.utc))
    message["Message-ID"] = make_msgid(domain=(parseaddr(sender)[1].rpartition("@")[2] or "localhost"))
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe_link:
        message["List-Unsubscribe"] = f"<{unsubscribe_link}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(_render(f"mail/{template}.txt", context))
    message.add_alternative(_render(f"mail/{template}.html", context), subtype="html")
    return Letter(kind=kind, recipient_id=recipient.id, address=recipient.email, subject=message["Subject"],
                  message=message, can_unsubscribe=bool(unsubscribe_link))


def _render(name: str, context: dict) -> str:
    """A mail template on its own: no request, no signed-in actor, only what the letter passes (HTML
    autoescaped by file name, as for pages)."""
    return current_app.jinja_env.get_template(name).render(**context)


def _one_line(text: str) -> str:
    """Header text without line breaks or other control characters (no header injection)."""
    return " ".join("".join(char if char.isprintable() else " " for char in text).split())


# --- sending ----------------------------------------------------------------------------------------

def send(letter: Letter, period_key: str) -> SentMail | None:
    """Claim (kind, recipient, period_key) and deliver the letter once the caller's transaction commits.

    Returns the claimed row, or None when nothing will be sent: the key was claimed before (sent, or being
    sent by another process) or the person unsubscribed from this kind."""
    if letter.can_unsubscribe and opted_out(letter.recipient_id, letter.kind):
        return None
    row_id = _claim(letter, period_key)
    if row_id is None:
        return None
    config = current_app.config
    claimed = _Claimed(row_id=row_id, letter=letter, engine=db.engine, smtp_url=config.get("SMTP_URL") or "",
                       ca_file=config.get("SMTP_CA_FILE") or "", outbox=Path(current_app.instance_path) / "outbox")
    db.session.info.setdefault(PENDING, []).append(claimed)
    return db.session.get(SentMail, row_id)


def delivers_to_outbox() -> bool:
    """True when no SMTP relay is configured: messages land in the instance's outbox/ (the CLI then prints
    the links it mailed, so an admin can pass them on)."""
    return not current_app.config.get("SMTP_URL")


def _claim(letter: Letter, period_key: str) -> int | None:
    table = SentMail.__table__
    key = (table.c.kind == letter.kind, table.c.recipient_id == letter.recipient_id,
           table.c.period_key == period_key)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    claim = (insert(table)
             .values(kind=letter.kind, recipient_id=letter.recipient_id, period_key=period_key,
                     address=letter.address, subject=letter.subject[:200], state="pending", transport="",
                     error="", claimed_at=utcnow())
             .on_conflict_do_nothing(index_elements=["kind", "recipient_id", "period_key"])
             .returning(table.c.id))
    row_id = db.session.execute(claim).scalar()
    if row_id is not None:
        return row_id
    # Only a failed delivery may be tried again; `state = 'failed'` in the WHERE lets one retry win.
    retry = (sa.update(table).where(*key, table.c.state == "failed")
             .values(state="pending", error="", claimed_at=utcnow()).returning(table.c.id))
    return db.session.execute(retry).scalar()


def _deliver_claimed(session) -> None:
    for claimed in session.info.pop(PENDING, []):
        _deliver(claimed)


def _forget_claimed(session) -> None:
    session.info.pop(PENDING, None)


def _deliver(claimed: _Claimed) -> None:
    letter = claimed.letter
    transport, state, error = ("smtp" if claimed.smtp_url else "outbox"), "sent", ""
    try:
        if claimed.smtp_url:
            SmtpRelay.from_url(claimed.smtp_url, claimed.ca_file).deliver(letter.message)
        else:
            write_to_outbox(letter.message, claimed.outbox, f"{utcnow():%Y%m%dT%H%M%S}-{claimed.row_id:06d}-"
                                                            f"{letter.kind}")
    except Exception as exc:  # noqa: BLE001 - any refusal (SMTP, network, disk) leaves a failed row to retry
        state, error = "failed", f"{type(exc).__name__}: {exc}"[:500]
        log.warning("mail %s to %s failed: %s", letter.kind, letter.address, error)
    table = SentMail.__table__
    with claimed.engine.begin() as connection:
        connection.execute(sa.update(table).where(table.c.id == claimed.row_id).values(
            state=state, transport=transport, error=error, sent_at=utcnow() if state == "sent" else None))


# --- unsubscribing ------------------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(person: Person, kind: str) -> str:
    """A link that stops this kind of message for this person with one click (signed, so it names one
    person and one kind and cannot be edited into another)."""
    return absolute_url("mail.unsubscribe", token=_serializer().dumps([person.id, kind]))


def read_unsubscribe_token(token: str) -> tuple[Person, str]:
    try:
        person_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFound("That unsubscribe link is not valid.") from None
    person = db.session.get(Person, person_id) if isinstance(person_id, int) else None
    if person is None or not isinstance(kind, str):
        raise NotFound("That unsubscribe link is not valid.")
    return person, kind


def opt_out(person: Person, kind: str) -> None:
    """Idempotent: a second click changes nothing."""
    if not opted_out(person.id, kind):
        db.session.add(MailOptOut(person_id=person.id, kind=kind))
        db.session.flush()


def opted_out(person_id: int, kind: str) -> bool:
    return db.session.scalar(sa.select(sa.func.count(MailOptOut.id)).where(
        MailOptOut.person_id == person_id, MailOptOut.kind == kind)) > 0
