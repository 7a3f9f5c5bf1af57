"""How the engine learns who may answer a scope, without knowing what a scope is.

The caller (organizer/) registers one resolver per scope prefix at start-up;
the recurring-pulse job uses it to snapshot the people of the next round.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from flask import Flask, current_app


@dataclass(frozen=True)
class Electorate:
    #: voter ref -> {dimension: value}
    voters: Mapping[str, Mapping[str, str | None]]
    #: Breakdown dimensions, most useful first.
    dimensions: Sequence[str]


Resolver = Callable[[str], Electorate]
_KEY = "surveys.scope_resolvers"


def register_resolver(app: Flask, prefix: str, resolver: Resolver) -> None:
    app.extensions.setdefault(_KEY, {})[prefix] = resolver


def electorate(scope: str) -> Electorate:
    prefix = scope.split(":", 1)[0]
    resolver = current_app.extensions.get(_KEY, {}).get(prefix)
    if resolver is None:
        raise LookupError(f"no resolver for scope {scope!r}")
    return resolver(scope)
