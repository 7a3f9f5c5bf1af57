"""Times in a union's zone (core.timezones): stored in UTC, typed and read as
the wall clock where the union works, through summer time and back."""

from __future__ import annotations

from datetime import datetime

import pytest

from core import timezones


@pytest.mark.parametrize("wall_clock, zone, utc", [
    (datetime(2027, 1, 15, 17, 0), "America/Chicago", datetime(2027, 1, 15, 23, 0)),   # CST, UTC-6
    (datetime(2027, 7, 15, 17, 0), "America/Chicago", datetime(2027, 7, 15, 22, 0)),   # CDT, UTC-5
    (datetime(2027, 7, 15, 17, 0), "Asia/Kolkata", datetime(2027, 7, 15, 11, 30)),
    (datetime(2027, 1, 1, 0, 30), "Asia/Tokyo", datetime(2026, 12, 31, 15, 30)),       # the day before, in UTC
])
def test_a_typed_time_is_stored_in_utc_and_reads_back_the_same(wall_clock, zone, utc):
    assert timezones.to_utc(wall_clock, zone) == utc
    assert timezones.to_local(utc, zone).replace(tzinfo=None) == wall_clock


def test_a_time_reads_with_its_day_and_zone():
    assert timezones.format_local(datetime(2026, 12, 11, 22, 0), "America/New_York") == "Fri 11 Dec 2026, 17:00 EST"
    assert timezones.format_local(datetime(2027, 6, 11, 21, 0), "America/New_York") == "Fri 11 Jun 2027, 17:00 EDT"
    assert timezones.format_local(None, "America/New_York") == ""


def test_only_real_zones_are_offered_and_a_lost_one_reads_as_utc():
    names = timezones.time_zone_names()
    assert timezones.DEFAULT_TIME_ZONE in names and "Asia/Kolkata" in names and "UTC" in names
    assert not any(name.startswith(("US/", "Etc/")) for name in names)
    for name in ("Mars/Olympus_Mons", "", "../etc/passwd", "EST5EDT", None):
        assert not timezones.is_time_zone(name)
    assert timezones.format_local(datetime(2026, 12, 11, 22, 0), "Atlantis/Capital") == "Fri 11 Dec 2026, 22:00 UTC"
