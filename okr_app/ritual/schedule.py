"""When the weekly messages go out: reminders and digests each at a weekday and hour in the company's timezone.

    CADENCE_REMINDERS_AT="friday 10"   check-in reminders, from Friday 10:00 on (default)
    CADENCE_DIGEST_AT="monday 8"       last week's digest for managers, from Monday 08:00 on (default)

A job is due from its moment until the end of the ISO week; running it again is harmless (each message is
sent once per week), so the scheduler simply looks every few minutes and runs whatever is due. That also
catches up after a restart or a server that was down at 10:00 on Friday."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app

from okr_app.clock import company_timezone, today, utcnow
from okr_app.errors import InvalidInput
from okr_app.extensions import db
from okr_app.ritual.digest import send_digests
from okr_app.ritual.reminders import send_reminders

log = logging.getLogger(__name__)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CHECK_EVERY_SECONDS = 300


@dataclass(frozen=True)
class Slot:
    weekday: int  # 0 = Monday
    hour: int

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday].capitalize()} {self.hour:02d}:00"


def parse_slot(text: str) -> Slot:
    """'friday 10', 'Fri 10:00', 'mon 8' → Slot; anything else is refused with the expected shape."""
    parts = (text or "").strip().lower().replace(":00", "").split()
    if len(parts) == 2:
        day, hour = parts
        matches = [i for i, name in enumerate(WEEKDAYS) if len(day) >= 3 and name.startswith(day)]
        if len(matches) == 1 and hour.isdigit() and 0 <= int(hour) <= 23:
            return Slot(matches[0], int(hour))
    raise InvalidInput(f"A schedule is a weekday and an hour, like 'friday 10' or 'monday 8'; not {text!r}.")


def is_due(slot: Slot, now_utc: datetime, tz) -> bool:
    """True from this ISO week's slot (company time) until the week ends."""
    local = now_utc.replace(tzinfo=timezone.utc).astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    moment = datetime(monday.year, monday.month, monday.day, slot.hour, tzinfo=tz) + timedelta(days=slot.weekday)
    return local >= moment


def run_due_jobs(now_utc: datetime | None = None) -> list[str]:
    """Run reminders and digests if due (inside an app context); one commit each. Returns what was said."""
    now_utc = now_utc or utcnow()
    tz = company_timezone()
    said = []
    for name, setting, job in (("check-in reminder(s)", "REMINDERS_AT", send_reminders),
                               ("digest(s)", "DIGEST_AT", send_digests)):
        if not is_due(parse_slot(current_app.config[setting]), now_utc, tz):
            continue
        report = job(today())
        db.session.commit()
        if report.count:
            said.append(f"Sent {report.count - report.failed()} {name} for {report.period}.")
    return said


def run_forever(make_app, every: float = CHECK_EVERY_SECONDS) -> None:
    """The loop `cadence serve` starts beside its web workers (and `cadence schedule` runs in the foreground)."""
    while True:
        app = make_app()
        try:
            with app.app_context():
                for line in run_due_jobs():
                    log.warning(line)
                    print(line, flush=True)
        except Exception:  # noqa: BLE001 - a failed look (database down) must not end the loop; retried next time
            log.exception("the weekly-message schedule could not run; trying again in %s s", every)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        time.sleep(every)


if __name__ == "__main__":  # what `cadence serve` starts beside gunicorn's workers
    from okr_app import create_app

    logging.basicConfig(level=logging.WARNING)
    run_forever(create_app)
