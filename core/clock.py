"""The app's one source of the current time, in naive UTC.

Naive UTC everywhere because SQLite drops time zones; one function so tests can
move time (invitation expiry, login locks) without sleeping.
"""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()
