"""Languages: which one each page and each email is written in, and how numbers,
percentages and dates read in it. docs/translating.md says how strings are marked.

A page's language is, in this order: the signed-in account's saved language;
the one the visitor chose on this browser (kept in the session); the best
match of the browser's `Accept-Language`; English. Outside a request (jobs,
commands) it is English unless the caller names one with `in_language`, as
the notices do for each account they write to.

The session keeps the choice across signing in and out, and remembers whether
it was made on this browser since the last sign-out: only such a choice is
saved to the account that signs in next. Otherwise the language the last
person left on a shared computer would overwrite the next person's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import flask_babel
from babel import Locale, dates, numbers
from flask import Flask, has_request_context, request, session
from flask_login import current_user

from core.extensions import babel

#: The languages the interface is written in, each named in its own words (a
#: person looking for theirs reads it in that language, never translated).
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
#: The language the strings are written in, and the last resort.
DEFAULT_LANGUAGE = "en"
#: The compiled catalogues (`make translations` writes them).
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

#: Session keys: the language chosen on this browser, and whether it was chosen
#: since the last sign-out (and so belongs to whoever signs in next).
LANGUAGE_KEY = "language"
CHOSEN_KEY = "language_chosen"


def init_app(app: Flask) -> None:
    babel.init_app(app, default_locale=DEFAULT_LANGUAGE, default_translation_directories=str(TRANSLATIONS),
                   locale_selector=select_language)
    # `{% trans %}` blocks read as one line whatever their line breaks, in the
    # templates and in the catalogue alike (babel.cfg extracts them trimmed too).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(languages=LANGUAGES, current_language=current_language)


def select_language() -> str | None:
    """The language of this request, by the order the module docstring gives."""
    if not has_request_context():
        return None
    saved = getattr(current_user, "language", None)
    if saved in LANGUAGES:
        return saved
    chosen = session.get(LANGUAGE_KEY)
    if chosen in LANGUAGES:
        return chosen
    return browser_language()


def browser_language() -> str:
    """The best of the browser's `Accept-Language` ("es-MX" reads as "es"), else English."""
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


def current_language() -> str:
    """The code of the language being written in now ("es")."""
    return str(locale())


def locale() -> Locale:
    return flask_babel.get_locale() or Locale.parse(DEFAULT_LANGUAGE)


def is_language(code: str | None) -> bool:
    return code in LANGUAGES


def remember_choice(code: str) -> None:
    """The visitor chose `code` on this browser: pages follow it from this request on."""
    session[LANGUAGE_KEY] = code
    session[CHOSEN_KEY] = True
    flask_babel.refresh()


def chosen_language() -> str | None:
    """The language chosen on this browser since the last sign-out, if any."""
    code = session.get(LANGUAGE_KEY)
    return code if session.get(CHOSEN_KEY) and code in LANGUAGES else None


def clear_session(keep: str | None = None) -> None:
    """Empty the session (at sign-in, sign-out, deletion) but for the language the
    pages are shown in: `keep` (at sign-out, the account's), else the session's.
    It stays without counting as a new choice."""
    code = keep or session.get(LANGUAGE_KEY)
    session.clear()
    if code in LANGUAGES:
        session[LANGUAGE_KEY] = code
    flask_babel.refresh()


def refresh() -> None:
    """Pick the language again (after the account or the session changed it)."""
    flask_babel.refresh()


@contextmanager
def in_language(code: str | None) -> Iterator[None]:
    """Write in `code` (an account's saved language; None or unknown: English)
    inside the block: an email to someone other than the person asking."""
    with flask_babel.force_locale(code if code in LANGUAGES else DEFAULT_LANGUAGE):
        yield


# -- numbers and dates, as the language writes them --------------------------------------------------


def format_number(value: int | float | Decimal) -> str:
    """10000 is "10,000" in English, "10.000" in Spanish."""
    return numbers.format_decimal(value, locale=locale())


def format_decimal(value: int | float | Decimal, places: int) -> str:
    """A figure with a fixed number of decimal places: 0.5 at two is "0.50" / "0,50"."""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return numbers.format_decimal(value, format=pattern, locale=locale())


def format_percent(share: float | Decimal, places: int = 0) -> str:
    """A share of 1 as a percentage: 0.42 is "42%" in English, "42 %" in Spanish."""
    pattern = locale().percent_formats[None].pattern
    if places:
        pattern = pattern.replace("0", "0." + "0" * places, 1)
    return numbers.format_percent(share, format=pattern, locale=locale())


def format_day(day: date | None) -> str:
    """A day: "3 Sep 2026", "3 sept 2026"; "" for none."""
    return dates.format_date(day, "d MMM y", locale=locale()) if day is not None else ""


def format_clock(moment: datetime) -> str:
    """A wall-clock time, already in its zone: "Fri 11 Dec 2026, 17:00", "vie 11 dic 2026, 17:00"."""
    return dates.format_datetime(moment, "EEE d MMM y, HH:mm", locale=locale())
