"""Counting the SQL statements a piece of work sends, for tests that fail when a
page's count grows with the size of the unit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask

from core.extensions import db


@dataclass
class StatementCount:
    statements: int = 0

    def reset(self) -> None:
        self.statements = 0


@contextmanager
def counting_statements(app: Flask) -> Iterator[StatementCount]:
    """Every statement sent to the app's engine while the block runs; `reset` starts again."""
    counted = StatementCount()

    def tally(*_) -> None:
        counted.statements += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", tally)
    try:
        yield counted
    finally:
        sa.event.remove(engine, "before_cursor_execute", tally)
