"""Fixtures for the survey-engine tests: cheap passphrase sealing, and a scope
resolver the recurring-pulse job can ask for a scope's electorate."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from crypto import sealing
from surveys import scopes
from surveys.scopes import Electorate

#: The cheapest scrypt the sealing module accepts: trustee keys are sealed and
#: opened many times here, and the default costs about 0.3 s and 128 MiB each.
FAST_SCRYPT = sealing.ScryptParams(log2_n=14, r=8, p=1)


@pytest.fixture(autouse=True)
def _fast_passphrase_sealing(monkeypatch: pytest.MonkeyPatch) -> None:
    # The parameters travel in each sealed blob's header, so opening needs no patch.
    monkeypatch.setitem(sealing.seal_with_passphrase.__kwdefaults__, "params", FAST_SCRYPT)


@pytest.fixture
def electorates(app: Flask) -> Iterator[dict[str, Electorate]]:
    """A resolver for scopes "test:*": set `electorates[scope]` to say who may answer."""
    known: dict[str, Electorate] = {}

    def resolve(scope: str) -> Electorate:
        return known[scope]

    scopes.register_resolver(app, "test", resolve)
    yield known
    # The app lives for the whole session; leave no resolver behind for other tests.
    app.extensions.get("surveys.scope_resolvers", {}).pop("test", None)
