"""Jinja filters every page may use: numbers, percentages, days and times as
the page's language writes them (core.i18n), times in a union's time zone.

    {{ headcount|number }}            10,000 · 10.000
    {{ share|percent }}               42% · 42 %
    {{ score|decimal(2) }}            0.50 · 0,50
    {{ card.signed_on|day }}          3 Sep 2026 · 3 sept 2026
    {{ survey.closes_at|local_time(zone) }}   Fri 12 Dec 2026, 17:00 EST · vie 12 dic 2026, 17:00 EST
    {{ unit.name|untranslated }}      <span translate="no">Warehouse</span>

A template never formats a figure itself (`'{:,}'.format`, `'%.0f%%'|format`,
`strftime`): those write English whatever the language. Text people typed (a
name, a title) is marked `untranslated` where it sits inside translated words:
browsers' translators leave it alone, and so does the test that reads every
page for English (tests/core/test_i18n.py)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from markupsafe import Markup

from core import i18n
from core.timezones import format_local


def local_time(moment: datetime | None, zone_name: str) -> str:
    """`{{ survey.closes_at|local_time(zone) }}`: "Fri 12 Dec 2026, 17:00 EST"."""
    return format_local(moment, zone_name)


def untranslated(text: object) -> Markup:
    """`{{ person.name|untranslated }}`: the text, escaped, marked as not to be translated."""
    return Markup('<span translate="no">%s</span>') % text


def init_app(app: Flask) -> None:
    app.add_template_filter(local_time)
    app.add_template_filter(i18n.format_number, "number")
    app.add_template_filter(i18n.format_percent, "percent")
    app.add_template_filter(i18n.format_decimal, "decimal")
    app.add_template_filter(i18n.format_day, "day")
    app.add_template_filter(untranslated)
