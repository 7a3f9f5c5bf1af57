"""Times in a union's own time zone.

The database keeps naive UTC (see `core.clock`); people read and type the
wall-clock time where they work. These functions convert between the two for
an IANA zone name ("America/Chicago"), and say which names are real zones.
Times are written in the language of the page (core.i18n).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from core import i18n

#: The zone a union starts with until its organizers choose theirs.
DEFAULT_TIME_ZONE = "America/New_York"


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The zone of an IANA name; an unknown name (one stored before a system
    update removed it, say) reads as UTC rather than breaking the page."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_time_zone(name: str | None) -> bool:
    return bool(name) and name in time_zone_names()


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone this system knows, sorted, without the legacy aliases
    ("US/Eastern", "EST5EDT") that a person would not look for."""
    return tuple(sorted(name for name in available_timezones()
                        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/")))) + ("UTC",)


def to_local(moment: datetime, zone_name: str) -> datetime:
    """A naive UTC time as the wall-clock time of the zone (aware)."""
    return moment.replace(tzinfo=UTC).astimezone(zone(zone_name))


def to_utc(wall_clock: datetime, zone_name: str) -> datetime:
    """A naive wall-clock time typed in the zone, as naive UTC. A time that
    happens twice when clocks go back is read as the first of the two."""
    return wall_clock.replace(tzinfo=zone(zone_name)).astimezone(UTC).replace(tzinfo=None)


def format_local(moment: datetime | None, zone_name: str) -> str:
    """"Fri 12 Dec 2026, 17:00 EST" ("vie 12 dic 2026, 17:00 EST") for a naive UTC
    time; "" for no time. The zone's abbreviation is the same in every language."""
    if moment is None:
        return ""
    local = to_local(moment, zone_name)
    return f"{i18n.format_clock(local)} {local.tzname()}"
