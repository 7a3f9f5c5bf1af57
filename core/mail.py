"""Sending mail: Flask-Mailman bound to the app, one plain-text message per
recipient, and the outbox that development and tests use instead of a server.

The outbox (`<instance>/outbox/`, see config.py) holds one `.eml` file per
message, which any mail program opens. Production sends through the SMTP
server its environment names and has no outbox.

Every message goes to exactly one address, so no recipient ever sees who
else was written to. Links in mail are built from the configured
`BASE_URL`, never from a request: jobs that mail have no request, and a
request's Host header is whatever its sender wrote."""

from __future__ import annotations

import os
import secrets
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from flask_mailman import EmailMessage, Mail
from flask_mailman.backends.base import BaseEmailBackend

from core.clock import utcnow

mail = Mail()


def init_app(app: Flask) -> None:
    mail.init_app(app)


class MailNotSent(RuntimeError):
    """The mail server could not be reached or refused the message. The message
    says what failed, never to whom: an address must not land in a log."""


@dataclass(frozen=True)
class Letter:
    """One plain-text message to one address."""

    to: str
    subject: str
    body: str


def link(path: str = "/") -> str:
    """The app's address for `path`, as links in mail must carry it."""
    return current_app.config["BASE_URL"] + path


def send(letters: Iterable[Letter]) -> int:
    """Send each letter over one connection; returns how many went.

    The connection is opened before the first letter, so a server that cannot
    be reached raises MailNotSent with nothing sent."""
    letters = list(letters)
    if not letters:
        return 0
    try:
        with mail.get_connection() as connection:
            return connection.send_messages([_message(letter, connection) for letter in letters]) or 0
    except (OSError, smtplib.SMTPException) as failed:
        raise MailNotSent(f"mail was not sent: {type(failed).__name__}") from None


def _message(letter: Letter, connection: BaseEmailBackend) -> EmailMessage:
    # Our own Message-ID: the library's default names the machine the app runs on.
    message_id = f"<{secrets.token_hex(16)}@{_domain()}>"
    return EmailMessage(letter.subject, letter.body, to=[letter.to], connection=connection,
                        headers={"Message-ID": message_id})


def _domain() -> str:
    return current_app.config["BASE_URL"].split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


class OutboxEmailBackend(BaseEmailBackend):
    """Writes each message to its own `.eml` file in the outbox folder.

    Files are written whole under a temporary name, then renamed, so a reader
    never sees half a message; they are readable by the owner alone, since they
    hold personal addresses. Names start with the time sent, so they sort in
    the order they were written."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(self.mailman.file_path)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        written = 0
        for message in email_messages:
            if not message.recipients():
                continue
            name = f"{utcnow():%Y%m%d-%H%M%S-%f}-{secrets.token_hex(4)}.eml"
            _write_owner_only(folder / name, message.message().as_bytes())
            written += 1
        return written


def _write_owner_only(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
