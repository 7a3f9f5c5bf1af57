"""Configuration fails fast and keeps secrets out of the code."""

from __future__ import annotations

import base64
import json
import os
import stat

import pytest

import config
from config import ConfigError, generate_secrets, load_settings


def test_production_refuses_to_start_without_secrets(tmp_path):
    with pytest.raises(ConfigError, match="LEVERAGE_SECRET_KEY"):
        load_settings("production", str(tmp_path), {"DATABASE_URL": "postgresql://db/leverage"})
    assert not (tmp_path / "secrets.json").exists(), "production never generates secrets"


def test_production_refuses_to_start_without_a_database(tmp_path):
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_settings("production", str(tmp_path), generate_secrets())


def test_production_takes_everything_from_the_environment(tmp_path):
    environ = {**generate_secrets(), "DATABASE_URL": "postgres://u:p@db.internal/leverage",
               "LEVERAGE_MAIL_SERVER": "mail.internal", "LEVERAGE_BASE_URL": "https://leverage.example.org"}
    settings = load_settings("production", str(tmp_path), environ)
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.internal/leverage"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["ALLOW_DEMO_SEED"] is False


def test_development_generates_an_owner_only_secrets_file_once(tmp_path):
    first = load_settings("development", str(tmp_path), {})
    second = load_settings("development", str(tmp_path), {})
    path = tmp_path / "secrets.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert first["DATA_KEYS"] == second["DATA_KEYS"]
    assert json.loads(path.read_text())["LEVERAGE_DATA_KEY_ID"] == first["DATA_KEY_ID"]


def test_environment_overrides_the_instance_file(tmp_path):
    environ = generate_secrets()
    assert load_settings("development", str(tmp_path), environ)["SECRET_KEY"] == environ["LEVERAGE_SECRET_KEY"]


@pytest.mark.parametrize("changes, message", [
    ({"LEVERAGE_DATA_KEYS": "k1=not base64!"}, "not valid base64"),
    ({"LEVERAGE_DATA_KEYS": "k1=" + base64.b64encode(b"short").decode()}, "32 bytes"),
    ({"LEVERAGE_DATA_KEYS": "justakey"}, "id=base64key"),
    ({"LEVERAGE_DATA_KEY_ID": "k9"}, "names no key"),
    ({"LEVERAGE_INDEX_KEY": base64.b64encode(b"tiny").decode()}, "at least 32 bytes"),
    ({"LEVERAGE_SECRET_KEY": "short"}, "at least 32 characters"),
])
def test_malformed_secrets_are_refused(tmp_path, changes, message):
    environ = {**generate_secrets(), "DATABASE_URL": "sqlite://", **changes}
    with pytest.raises(ConfigError, match=message):
        load_settings("production", str(tmp_path), environ)


def test_rotation_keeps_old_keys_readable(tmp_path):
    environ = generate_secrets()
    old = environ["LEVERAGE_DATA_KEYS"]
    new = "k2=" + base64.b64encode(os.urandom(32)).decode()
    settings = load_settings("development", str(tmp_path),
                             {**environ, "LEVERAGE_DATA_KEYS": f"{new},{old}", "LEVERAGE_DATA_KEY_ID": "k2"})
    assert set(settings["DATA_KEYS"]) == {"k1", "k2"} and settings["DATA_KEY_ID"] == "k2"


def test_unknown_config_name_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="LEVERAGE_CONFIG"):
        load_settings("staging", str(tmp_path), {})


def test_no_secret_has_a_default_in_code():
    for config_class in config.CONFIGS.values():
        for name in ("SECRET_KEY", "DATA_KEYS", "INDEX_KEY"):
            assert not hasattr(config_class, name)


def test_the_global_sign_in_budget_can_be_set_and_a_malformed_one_stops_the_start(tmp_path):
    environ = {**generate_secrets(), "DATABASE_URL": "postgresql://db/leverage",
               "LEVERAGE_MAIL_SERVER": "mail.internal", "LEVERAGE_BASE_URL": "https://leverage.example.org"}
    assert load_settings("production", str(tmp_path), environ)["LOGIN_GLOBAL_LIMIT"] == "300 per minute"
    raised = load_settings("production", str(tmp_path), {**environ, "LEVERAGE_LOGIN_GLOBAL_LIMIT": "900 per minute"})
    assert raised["LOGIN_GLOBAL_LIMIT"] == "900 per minute"
    with pytest.raises(ConfigError, match="LEVERAGE_LOGIN_GLOBAL_LIMIT"):
        load_settings("production", str(tmp_path), {**environ, "LEVERAGE_LOGIN_GLOBAL_LIMIT": "lots"})
