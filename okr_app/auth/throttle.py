"""Sign-in throttling that holds across gunicorn workers and hosts: the counters live in shared storage.

Two rules, both counting failed sign-ins only (a correct password never slows anyone down):

- **Per account** (the submitted email, lower-cased): five failures are free; the fifth starts a back-off of
  one minute, and each further failure doubles it, up to 15 minutes. During a back-off every attempt on that
  account is refused before its password is checked, even a correct one, and the sign-in form says when to
  try again. A success, or a day without failures, forgets the count.
- **Per address**: 50 failures in 15 minutes, across all accounts. That is generous for an office behind one
  address (one person's typos are five at most before their own account backs off), and still stops one
  machine from trying a password against every account.

Where the counters live: `CADENCE_RATELIMIT_STORAGE_URL`. Unset (or `database`), the `throttle_counter`
table of the app's own database, which every worker and every host of one installation already shares;
`redis://host:6379/0` puts them in Redis instead. Writes happen in their own transaction, because the failed
request that records them is rolled back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from flask import Flask, current_app

from okr_app.clock import utcnow
from okr_app.extensions import db
from okr_app.models import ThrottleCounter

FREE_ACCOUNT_FAILURES = 5
FIRST_BACKOFF = timedelta(minutes=1)
LONGEST_BACKOFF = timedelta(minutes=15)
ACCOUNT_MEMORY = timedelta(days=1)
ADDRESS_FAILURES = 50
ADDRESS_WINDOW = timedelta(minutes=15)
EXTENSION = "cadence.throttle_store"


@dataclass(frozen=True)
class Count:
    count: int
    window_start: datetime
    last_at: datetime


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused and when the next may come (naive UTC)."""

    scope: str  # "account" or "address"
    until: datetime

    def seconds_left(self, now: datetime) -> int:
        return max(1, int((self.until - now).total_seconds() + 0.999))

    def message(self, now: datetime) -> str:
        wait = _duration(self.seconds_left(now))
        if self.scope == "account":
            return (f"Too many failed sign-ins for this account. Try again in {wait} "
                    f"(at {self.until:%H:%M:%S} UTC); until then even the right password is refused.")
        return (f"Too many failed sign-ins from your network. Try again in {wait} "
                f"(at {self.until:%H:%M:%S} UTC).")


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"


def backoff(failures: int) -> timedelta:
    """1 min after the 5th failure, 2 after the 6th, 4 after the 7th, ... at most 15 min."""
    if failures < FREE_ACCOUNT_FAILURES:
        return timedelta(0)
    return min(LONGEST_BACKOFF, FIRST_BACKOFF * 2 ** (failures - FREE_ACCOUNT_FAILURES))


# --- the rules --------------------------------------------------------------------------------------------

def _account_key(email: str) -> str:
    return "account:" + (email or "").strip().lower()[:254]


def _address_key(address: str | None) -> str:
    return "address:" + (address or "unknown")[:64]


def refusal_for(email: str, address: str | None, now: datetime | None = None) -> Refusal | None:
    """The refusal in force for this attempt, checked before the password is."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    now = now or utcnow()
    account = store().peek(_account_key(email), now, ACCOUNT_MEMORY)
    if account is not None and account.count >= FREE_ACCOUNT_FAILURES:
        until = account.last_at + backoff(account.count)
        if now < until:
            return Refusal("account", until)
    by_address = store().peek(_address_key(address), now, ADDRESS_WINDOW)
    if by_address is not None and by_address.count >= ADDRESS_FAILURES:
        return Refusal("address", by_address.window_start + ADDRESS_WINDOW)
    return None


def record_failure(email: str, address: str | None, now: datetime | None = None) -> Refusal | None:
    """Count one failed sign-in; returns the refusal it starts (the back-off the next attempt will meet)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    now = now or utcnow()
    account = store().hit(_account_key(email), now, ACCOUNT_MEMORY)
    by_address = store().hit(_address_key(address), now, ADDRESS_WINDOW)
    if account.count >= FREE_ACCOUNT_FAILURES:
        return Refusal("account", now + backoff(account.count))
    if by_address.count == ADDRESS_FAILURES:
        return Refusal("address", by_address.window_start + ADDRESS_WINDOW)
    return None


def record_success(email: str) -> None:
    if current_app.config.get("RATELIMIT_ENABLED", True):
        store().reset(_account_key(email))


# --- the stores -------------------------------------------------------------------------------------------

class Store(Protocol):
    def hit(self, key: str, now: datetime, window: timedelta) -> Count: ...
    def peek(self, key: str, now: datetime, window: timedelta) -> Count | None: ...
    def reset(self, key: str) -> None: ...


class DatabaseStore:
    """`throttle_counter` rows, updated atomically (UPDATE … SET count = count + 1) in their own transaction."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.table = ThrottleCounter.__table__

    def hit(self, key: str, now: datetime, window: timedelta) -> Count:
        table = self.table
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        with self.engine.begin() as connection:
            connection.execute(insert(table).values(key=key, count=0, window_start=now, last_at=now)
                               .on_conflict_do_nothing(index_elements=["key"]))
            connection.execute(sa.update(table).where(table.c.key == key, table.c.window_start <= now - window)
                               .values(count=0, window_start=now))
            row = connection.execute(sa.update(table).where(table.c.key == key)
                                     .values(count=table.c.count + 1, last_at=now)
                                     .returning(table.c.count, table.c.window_start, table.c.last_at)).one()
        return Count(*row)

    def peek(self, key: str, now: datetime, window: timedelta) -> Count | None:
        table = self.table
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(table.c.count, table.c.window_start, table.c.last_at)
                                     .where(table.c.key == key)).one_or_none()
        if row is None or row.window_start <= now - window:
            return None
        return Count(*row)

    def reset(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.delete(self.table).where(self.table.c.key == key))


class RedisStore:
    """One hash per key (count, window start, last failure as epoch seconds), expiring with its window."""

    HIT = """
    local start = redis.call('HGET', KEYS[1], 'start')
    if (not start) or (tonumber(start) <= tonumber(ARGV[1]) - tonumber(ARGV[2])) then
      redis.call('DEL', KEYS[1])
      redis.call('HSET', KEYS[1], 'start', ARGV[1])
      redis.call('EXPIRE', KEYS[1], ARGV[2])
    end
    local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
    redis.call('HSET', KEYS[1], 'last', ARGV[1])
    return {count, redis.call('HGET', KEYS[1], 'start')}
    """

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self._hit = self.client.register_script(self.HIT)

    @staticmethod
    def _key(key: str) -> str:
        return "cadence:throttle:" + key

    def hit(self, key: str, now: datetime, window: timedelta) -> Count:
        seconds = int(window.total_seconds())
        count, start = self._hit(keys=[self._key(key)], args=[_epoch(now), seconds])
        return Count(int(count), _moment(float(start)), now)

    def peek(self, key: str, now: datetime, window: timedelta) -> Count | None:
        values = self.client.hgetall(self._key(key))
        if not values or b"start" not in values:
            return None
        start = _moment(float(values[b"start"]))
        if start <= now - window:
            return None
        return Count(int(values.get(b"count", 0)), start, _moment(float(values.get(b"last", values[b"start"]))))

    def reset(self, key: str) -> None:
        self.client.delete(self._key(key))


EPOCH = datetime(1970, 1, 1)


def _epoch(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds())


def _moment(seconds: float) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


def init_app(app: Flask) -> None:
    app.extensions.pop(EXTENSION, None)


def store() -> Store:
    """The app's store, made on first use from RATELIMIT_STORAGE_URL."""
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        url = current_app.config.get("RATELIMIT_STORAGE_URL") or "database"
        found = RedisStore(url) if url.startswith(("redis://", "rediss://", "unix://")) else DatabaseStore(db.engine)
        current_app.extensions[EXTENSION] = found
    return found
