"""Mail: the outbox of development and tests writes one owner-only .eml file per
message, each to one recipient; production refuses to start without a mail
server and the app's address."""

from __future__ import annotations

import email
import os
import smtplib
import stat
from email import policy
from pathlib import Path

import pytest

from config import ConfigError, generate_secrets, load_settings
from core import mail

PRODUCTION = {"DATABASE_URL": "postgresql://db/leverage", "LEVERAGE_MAIL_SERVER": "mail.internal",
              "LEVERAGE_BASE_URL": "https://leverage.example.org"}


@pytest.fixture
def outbox(app_ctx):
    folder = app_ctx.config["MAIL_FILE_PATH"]
    for path in os.listdir(folder) if os.path.isdir(folder) else []:
        os.remove(os.path.join(folder, path))
    return folder


def _messages(folder) -> list[email.message.EmailMessage]:
    names = sorted(name for name in os.listdir(folder) if name.endswith(".eml"))
    return [email.message_from_bytes(Path(folder, name).read_bytes(), policy=policy.default) for name in names]


def test_tests_write_to_the_instance_outbox(app):
    assert app.config["MAIL_BACKEND"] == "core.mail.OutboxEmailBackend"
    assert app.config["MAIL_FILE_PATH"] == os.path.join(app.instance_path, "outbox")


def test_each_letter_is_one_owner_only_file_to_one_recipient(outbox):
    sent = mail.send([mail.Letter("ana@example.net", "Hello", "First body"),
                      mail.Letter("ben@example.net", "Hello", "Second body")])
    assert sent == 2
    files = sorted(name for name in os.listdir(outbox) if name.endswith(".eml"))
    assert len(files) == 2
    assert all(stat.S_IMODE(os.stat(os.path.join(outbox, name)).st_mode) == 0o600 for name in files)
    assert not [name for name in os.listdir(outbox) if not name.endswith(".eml")], "no temporary file is left"
    first, second = _messages(outbox)
    assert {first["To"], second["To"]} == {"ana@example.net", "ben@example.net"}
    assert {first.get_content().strip(), second.get_content().strip()} == {"First body", "Second body"}


def test_messages_carry_the_app_s_domain_not_the_machine_s(outbox, app_ctx):
    mail.send([mail.Letter("ana@example.net", "Hello", "Body")])
    [message] = _messages(outbox)
    assert message["Message-ID"].endswith("@127.0.0.1>")
    assert message["From"] == app_ctx.config["MAIL_DEFAULT_SENDER"]


def test_nothing_to_send_writes_nothing(outbox):
    assert mail.send([]) == 0
    assert _messages(outbox) == []


def test_links_point_to_the_configured_address(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "BASE_URL", "https://leverage.example.org")
    assert mail.link("/account/notifications") == "https://leverage.example.org/account/notifications"


def test_a_mail_server_that_cannot_be_reached_raises_without_an_address(app_ctx, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, b"ana@example.net is not welcome")

    monkeypatch.setattr(mail.mail, "get_connection", refuse)
    with pytest.raises(mail.MailNotSent) as raised:
        mail.send([mail.Letter("ana@example.net", "Hello", "Body")])
    assert "ana@example.net" not in str(raised.value)


@pytest.mark.parametrize("missing", ["LEVERAGE_MAIL_SERVER", "LEVERAGE_BASE_URL"])
def test_production_refuses_to_start_without_mail(tmp_path, missing):
    environ = {**generate_secrets(), **PRODUCTION}
    del environ[missing]
    with pytest.raises(ConfigError, match=missing):
        load_settings("production", str(tmp_path), environ)


def test_production_refuses_links_without_https(tmp_path):
    environ = {**generate_secrets(), **PRODUCTION, "LEVERAGE_BASE_URL": "http://leverage.example.org"}
    with pytest.raises(ConfigError, match="https"):
        load_settings("production", str(tmp_path), environ)


def test_production_sends_through_the_configured_server(tmp_path):
    environ = {**generate_secrets(), **PRODUCTION, "LEVERAGE_MAIL_USERNAME": "leverage",
               "LEVERAGE_MAIL_PASSWORD": "app-password", "LEVERAGE_BASE_URL": "https://leverage.example.org/"}
    settings = load_settings("production", str(tmp_path), environ)
    assert settings["MAIL_BACKEND"] == "smtp"
    assert (settings["MAIL_SERVER"], settings["MAIL_PORT"]) == ("mail.internal", 587)
    assert settings["MAIL_USE_TLS"] is True and settings["MAIL_USE_SSL"] is False
    assert (settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"]) == ("leverage", "app-password")
    assert settings["MAIL_DEFAULT_SENDER"] == "Leverage <noreply@leverage.example.org>"
    assert settings["BASE_URL"] == "https://leverage.example.org"
    assert "MAIL_FILE_PATH" not in settings, "production has no outbox"


@pytest.mark.parametrize("changes, message", [
    ({"LEVERAGE_MAIL_SECURITY": "maybe"}, "LEVERAGE_MAIL_SECURITY"),
    ({"LEVERAGE_MAIL_SERVER": "mail.internal:smtp"}, "host:port"),
])
def test_malformed_mail_settings_are_refused(tmp_path, changes, message):
    with pytest.raises(ConfigError, match=message):
        load_settings("production", str(tmp_path), {**generate_secrets(), **PRODUCTION, **changes})


def test_implicit_tls_takes_its_own_port(tmp_path):
    environ = {**generate_secrets(), **PRODUCTION, "LEVERAGE_MAIL_SECURITY": "ssl"}
    settings = load_settings("production", str(tmp_path), environ)
    assert (settings["MAIL_PORT"], settings["MAIL_USE_SSL"], settings["MAIL_USE_TLS"]) == (465, True, False)


def test_a_test_run_never_sends_real_mail(tmp_path):
    settings = load_settings("testing", str(tmp_path), {**generate_secrets(), **PRODUCTION})
    assert settings["MAIL_BACKEND"] == "core.mail.OutboxEmailBackend"
    assert settings["MAIL_FILE_PATH"] == str(tmp_path / "outbox")
