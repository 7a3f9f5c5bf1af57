"""Jinja filters every page may use: times shown in a union's time zone."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from core.timezones import format_local


def local_time(moment: datetime | None, zone_name: str) -> str:
    """`{{ survey.closes_at|local_time(zone) }}`: "Fri 12 Dec 2026, 17:00 EST"."""
    return format_local(moment, zone_name)


def init_app(app: Flask) -> None:
    app.add_template_filter(local_time)
