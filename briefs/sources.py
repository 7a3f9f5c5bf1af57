"""Where a brief's items come from: the sources the composition root registers.

A source is one kind of brief (a union member's, from their demands; a job
seeker's, from their preconditions). The brief package reads a person's items
through it every time a brief is shown, never copying them: an ask changed or
removed is changed or removed in the brief too, and the brief's tables hold
nothing of the asks themselves."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from flask_babel.speaklater import LazyString

from ontology import Category, DemandKind, Tier

_SOURCES = "leverage.brief_sources"


@dataclass(frozen=True)
class BriefItem:
    """One ask, as a source hands it to the brief."""

    #: An ask to act, or a question.
    kind: DemandKind
    #: How much it matters: what the brief groups and orders by.
    tier: Tier
    #: The part of the job it concerns.
    category: Category
    #: The ask in its author's words.
    text: str
    #: A released market figure that bears on it (a role's pay scale), in words; None when none exists.
    market_context: str | None = None


@dataclass(frozen=True)
class BriefSource:
    """One kind of brief, and what the brief package asks of the code that owns its items."""

    #: Names the kind in addresses ("member", "candidate") and, sealed, on the brief.
    key: str
    #: Whether this signed-in account keeps a brief of this kind.
    may_keep: Callable[[Any], bool]
    #: The items of an account (by its id), in the source's own order.
    items_of: Callable[[int], Sequence[BriefItem]]
    #: Why this signed-in account may not coach the brief of the account with this id, or None if it may.
    coach_refusal: Callable[[int, Any], str | None]
    #: The page where the items are written, and its name ("Your demands").
    items_endpoint: str
    items_page: str | LazyString
    #: What to say when there are no items ("Write a demand first ...").
    nothing_yet: str | LazyString
    #: Who may coach, in a sentence for the page that makes a coaching link.
    who_may_coach: str | LazyString


def register(app: Flask, sources: Sequence[BriefSource]) -> None:
    """Called by the composition root with every source the app has."""
    keys = [source.key for source in sources]
    if len(set(keys)) != len(keys) or any(not key.isascii() or not key.isalpha() or len(key) > 16 for key in keys):
        raise ValueError(f"brief sources need distinct short names of letters: {keys}")
    app.extensions[_SOURCES] = {source.key: source for source in sources}


def source(key: str) -> BriefSource | None:
    return current_app.extensions.get(_SOURCES, {}).get(key)


def all_sources() -> list[BriefSource]:
    return list(current_app.extensions.get(_SOURCES, {}).values())
