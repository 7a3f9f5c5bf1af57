"""A card link's token is stored only as a hash, and the server's request log keeps
no copy of it either (nor of an invitation's or a sign-up link's token)."""

from __future__ import annotations

import logging

from core.security import RedactClientAddress

TOKEN = "uJjbCqFkiE9hogFXdb4QwqVxZv2DOwz6effyasuVSyg"


def _logged(request_line: str) -> str:
    # As werkzeug's dev server logs a request: the client's address in the message, the line an argument.
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '203.0.113.9 - - [02/Dec/2026] "%s" %s %s',
                               (request_line, "200", "-"), None)
    assert RedactClientAddress().filter(record)
    return record.getMessage()


def test_the_request_log_keeps_no_token_of_a_capability_link():
    for path in (f"/candidate-card/{TOKEN}", f"/candidate-card/{TOKEN}?need=3", f"/candidate-card/{TOKEN}/asks/2",
                 f"/invite/{TOKEN}", f"/sign-up/739952.QMfELoNK_RazLpbafaGH_w.{TOKEN}"):
        line = _logged(f"GET {path} HTTP/1.1")
        assert TOKEN not in line and "203.0.113.9" not in line
        assert line.split('"')[1].startswith("GET /")


def test_other_paths_are_logged_as_they_are():
    assert "/candidate/jobs/12" in _logged("GET /candidate/jobs/12 HTTP/1.1")
