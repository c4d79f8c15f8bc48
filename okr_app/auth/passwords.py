"""Passwords: which ones Cadence accepts (ASVS 2.1), and hashing with argon2id (argon2-cffi's defaults follow
RFC 9106's recommendations).

A new password (set by the CLI, the admin form, an import, an invitation, a reset or a change) must:
- have at least 12 characters (and at most 1024);
- not be one of the 10,000 most common passwords (`common-passwords.txt`, bundled: no network), even with
  digits or symbols added at its end ("password1234" is "password");
- not contain the person's email, the part before its @, or a part of their name of 3 letters or more;
- score at least 3 of 4 with zxcvbn, the estimator of how many guesses a cracker needs ("aaaaaaaaaaaa",
  "123456789012" and keyboard walks score 0 or 1).
The refusal says which rule, so the person can pick a better one."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 12
MAX_LENGTH = 1024
GOOD_ENOUGH_SCORE = 3  # zxcvbn: 3 is "safely unguessable: moderate protection from offline slow-hash attacks"
COMMON_LIST = Path(__file__).with_name("common-passwords.txt")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why this password is refused for this person, or None when it is accepted."""
    if len(password) < MIN_LENGTH:
        return f"A password needs at least {MIN_LENGTH} characters; a few unrelated words work well."
    if len(password) > MAX_LENGTH:
        return f"A password is at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in common_passwords() or lowered.rstrip("0123456789!@#$%^&*.?-_ ") in common_passwords():
        return "That password is one of the most common ones, which attackers try first; choose another."
    local = email.strip().lower().partition("@")[0]
    if email and (email.strip().lower() in lowered or (len(local) >= 3 and local in lowered)):
        return "A password may not contain your email address; choose something unrelated to you."
    for part in re.split(r"[\s\-.'_]+", name.lower()):
        if len(part) >= 3 and part in lowered:
            return "A password may not contain your name; choose something unrelated to you."
    from zxcvbn import zxcvbn

    verdict = zxcvbn(password[:100], user_inputs=[value for value in (email, *name.split()) if value])
    if verdict["score"] < GOOD_ENOUGH_SCORE:
        warning = verdict["feedback"].get("warning") or "It follows a pattern that is quick to guess."
        return f"That password is too easy to guess: {warning.rstrip('.')}. Add more unrelated words."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; a missing or malformed hash never matches."""
    if not password_hash:
        _hasher.hash(password)  # same cost as a real check, so timing does not reveal unknown accounts
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
