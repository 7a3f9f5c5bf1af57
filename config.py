"""Configuration classes.

No secret has a default in code. Secrets come from the environment; in
development and tests, when the environment has none, they come from a file
generated once in the instance folder (never committed). Production refuses to
start without them. Nothing here runs at import time: `load_settings` is called
by `create_app`.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """The configuration is incomplete or malformed; the app must not start."""


class BaseConfig:
    #: hide_parameters: a statement that fails (say, while a value is being sealed) would
    #: otherwise carry the clear values it was given into its error, and so into the log.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "leverage_session"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    REMEMBER_COOKIE_DURATION = 0
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 60 * 60 * 12
    MAX_CONTENT_LENGTH = 1024 * 1024
    #: werkzeug's scrypt: memory-hard (N=2^15, r=8 needs 32 MiB per guess).
    PASSWORD_HASH_METHOD = "scrypt:32768:8:1"
    #: A sign-in lasts at most this many days (sessions are also ended by signing out).
    SESSION_MAX_AGE_DAYS = 14
    #: Failed sign-ins after which an account is locked, for browsers without its device cookie.
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    #: Rate limits on sign-in, checked before any password work and never keyed
    #: by a client address. Per submitted email (known or not), for browsers
    #: without that account's device cookie:
    LOGIN_ACCOUNT_LIMIT = "10 per 15 minutes"
    #: Over every sign-in from such browsers, against guessing spread over many accounts
    #: (per process with the memory store). A large unit's first survey brings a wave of
    #: new browsers, so it is set by LEVERAGE_LOGIN_GLOBAL_LIMIT where the default is short:
    LOGIN_GLOBAL_LIMIT = "300 per minute"
    #: Per device token, for a browser that has signed in to the account before:
    LOGIN_DEVICE_LIMIT = "5 per 15 minutes"
    #: The device cookie: which accounts this browser has signed in to (signed tokens, no id in the clear).
    DEVICE_COOKIE_NAME = "leverage_device"
    DEVICE_COOKIE_DAYS = 180
    DEVICE_COOKIE_SECURE = False
    #: Flask-Limiter: a sliding window that memory, memcached and redis all support.
    RATELIMIT_STRATEGY = "sliding-window-counter"
    RATELIMIT_HEADERS_ENABLED = False
    #: Where rate-limit counters live unless LEVERAGE_RATELIMIT_STORAGE_URI says otherwise.
    #: memory:// is per process: several gunicorn workers need a shared store.
    DEFAULT_RATELIMIT_STORAGE_URI = "memory://"
    INVITATION_VALID_DAYS = 7
    DEFAULT_RELEASE_THRESHOLD = 5
    #: The dev server runs scheduled jobs in-process; production runs `flask jobs run`.
    SCHEDULER_IN_PROCESS = False
    ALLOW_DEMO_SEED = True
    #: Where secrets may come from when the environment has none.
    SECRETS_FROM_INSTANCE_FILE = True
    DEFAULT_DATABASE_URL: str | None = "sqlite:///{instance}/leverage.db"
    #: Without a mail server in the environment, mail goes to `<instance>/outbox/`,
    #: one .eml file per message; production has no outbox and needs a server.
    MAIL_TO_OUTBOX_WITHOUT_SERVER = True
    #: Whether LEVERAGE_MAIL_* and LEVERAGE_BASE_URL in the environment are ignored.
    MAIL_IGNORES_ENVIRONMENT = False
    #: How long to wait on the mail server before giving up (seconds).
    MAIL_TIMEOUT = 10


class DevelopmentConfig(BaseConfig):
    SCHEDULER_IN_PROCESS = True


class TestingConfig(BaseConfig):
    TESTING = True
    #: A test run never sends real mail, whatever the environment says.
    MAIL_IGNORES_ENVIRONMENT = True
    #: Hashing cost is lowered for the suite only; production keeps the strong default.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    DEFAULT_DATABASE_URL = "sqlite:///{instance}/test.db"


class ProductionConfig(BaseConfig):
    SESSION_COOKIE_SECURE = True
    DEVICE_COOKIE_SECURE = True
    ALLOW_DEMO_SEED = False
    SECRETS_FROM_INSTANCE_FILE = False
    DEFAULT_DATABASE_URL = None
    MAIL_TO_OUTBOX_WITHOUT_SERVER = False


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

_SECRETS_FILE = "secrets.json"


def load_settings(config_name: str, instance_path: str, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Every setting the app needs, validated; raises ConfigError on anything missing."""
    environ = dict(os.environ if environ is None else environ)
    try:
        config_class = CONFIGS[config_name]
    except KeyError:
        raise ConfigError(f"LEVERAGE_CONFIG must be one of {sorted(CONFIGS)}, not {config_name!r}") from None
    settings = {name: getattr(config_class, name) for name in dir(config_class) if name.isupper()}
    settings["CONFIG_NAME"] = config_name
    settings["SQLALCHEMY_DATABASE_URI"] = _database_url(config_class, instance_path, environ)
    # e.g. memcached://cache.internal:11211 or redis://cache.internal:6379/0; Flask-Limiter
    # refuses to start on a scheme it does not know.
    settings["RATELIMIT_STORAGE_URI"] = (environ.get("LEVERAGE_RATELIMIT_STORAGE_URI")
                                         or config_class.DEFAULT_RATELIMIT_STORAGE_URI)
    if environ.get("LEVERAGE_LOGIN_GLOBAL_LIMIT"):
        settings["LOGIN_GLOBAL_LIMIT"] = _rate_limit(environ["LEVERAGE_LOGIN_GLOBAL_LIMIT"], "LEVERAGE_LOGIN_GLOBAL_LIMIT")
    settings.update(_secrets(config_class, instance_path, environ))
    settings.update(_mail(config_class, instance_path, environ))
    return settings


def _rate_limit(value: str, name: str) -> str:
    """A Flask-Limiter rate such as "300 per minute", checked now rather than at the first sign-in."""
    from limits import parse

    try:
        parse(value)
    except ValueError as bad:
        raise ConfigError(f"{name} is not a rate such as '300 per minute': {bad}") from None
    return value


def _database_url(config_class: type[BaseConfig], instance_path: str, environ: dict[str, str]) -> str:
    url = environ.get("DATABASE_URL")
    if not url:
        if config_class.DEFAULT_DATABASE_URL is None:
            raise ConfigError("DATABASE_URL is not set")
        url = config_class.DEFAULT_DATABASE_URL.format(instance=instance_path)
    # psycopg 3 is the driver; accept the URLs hosting providers hand out.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


#: The outbox's mail backend (core.mail): named by path, since config imports nothing of the app.
OUTBOX_BACKEND = "core.mail.OutboxEmailBackend"
#: LEVERAGE_MAIL_SECURITY: how the connection to the mail server is protected.
MAIL_SECURITY = ("starttls", "ssl", "none")
_MAIL_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


def _mail(config_class: type[BaseConfig], instance_path: str, environ: dict[str, str]) -> dict[str, Any]:
    """Where mail goes, who it is from, and the address its links point to.

    Production needs a mail server (LEVERAGE_MAIL_SERVER) and the app's public
    address (LEVERAGE_BASE_URL, https): a job that mails has no request to take
    a host from, and a link built from a request's Host header could be pointed
    at another server by whoever sends the request. Development and tests write
    every message to the instance folder's outbox instead."""
    if config_class.MAIL_IGNORES_ENVIRONMENT:
        environ = {}
    base_url = environ.get("LEVERAGE_BASE_URL", "").rstrip("/")
    if not base_url:
        if not config_class.MAIL_TO_OUTBOX_WITHOUT_SERVER:
            raise ConfigError("LEVERAGE_BASE_URL is not set: the address links in mail point to, "
                              "e.g. https://leverage.example.org")
        base_url = f"http://127.0.0.1:{environ.get('PORT', '5000')}"
    elif not base_url.startswith(("https://", "http://")) or (
            not config_class.MAIL_TO_OUTBOX_WITHOUT_SERVER and not base_url.startswith("https://")):
        raise ConfigError("LEVERAGE_BASE_URL must be the app's address, starting with https://")
    settings: dict[str, Any] = {"BASE_URL": base_url}
    server = environ.get("LEVERAGE_MAIL_SERVER", "")
    if not server:
        if not config_class.MAIL_TO_OUTBOX_WITHOUT_SERVER:
            raise ConfigError("LEVERAGE_MAIL_SERVER is not set: production sends mail through an SMTP server")
        settings.update(MAIL_BACKEND=OUTBOX_BACKEND, MAIL_FILE_PATH=str(Path(instance_path) / "outbox"),
                        MAIL_DEFAULT_SENDER=environ.get("LEVERAGE_MAIL_FROM") or "Leverage <leverage@localhost>")
        return settings
    security = environ.get("LEVERAGE_MAIL_SECURITY", "starttls")
    if security not in MAIL_SECURITY:
        raise ConfigError(f"LEVERAGE_MAIL_SECURITY must be one of {', '.join(MAIL_SECURITY)}, not {security!r}")
    host, _, port = server.partition(":")
    if port and not port.isdigit():
        raise ConfigError("LEVERAGE_MAIL_SERVER must be host or host:port, e.g. mail.internal:587")
    settings.update(
        MAIL_BACKEND="smtp", MAIL_SERVER=host, MAIL_PORT=int(port) if port else _MAIL_PORTS[security],
        MAIL_USE_TLS=security == "starttls", MAIL_USE_SSL=security == "ssl",
        MAIL_USERNAME=environ.get("LEVERAGE_MAIL_USERNAME") or None,
        MAIL_PASSWORD=environ.get("LEVERAGE_MAIL_PASSWORD") or None,
        MAIL_DEFAULT_SENDER=environ.get("LEVERAGE_MAIL_FROM") or f"Leverage <noreply@{_host_of(base_url)}>",
    )
    return settings


def _host_of(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def _secrets(config_class: type[BaseConfig], instance_path: str, environ: dict[str, str]) -> dict[str, Any]:
    names = ("LEVERAGE_SECRET_KEY", "LEVERAGE_DATA_KEYS", "LEVERAGE_DATA_KEY_ID", "LEVERAGE_INDEX_KEY")
    raw = {name: environ[name] for name in names if environ.get(name)}
    missing = [name for name in names if name not in raw]
    if missing and config_class.SECRETS_FROM_INSTANCE_FILE:
        stored = _instance_secrets(Path(instance_path))
        raw = {**stored, **raw}
        missing = [name for name in names if name not in raw]
    if missing:
        raise ConfigError("missing secrets in the environment: " + ", ".join(missing))

    data_keys = _parse_data_keys(raw["LEVERAGE_DATA_KEYS"])
    if raw["LEVERAGE_DATA_KEY_ID"] not in data_keys:
        raise ConfigError("LEVERAGE_DATA_KEY_ID names no key in LEVERAGE_DATA_KEYS")
    index_key = _b64(raw["LEVERAGE_INDEX_KEY"], "LEVERAGE_INDEX_KEY")
    if len(index_key) < 32:
        raise ConfigError("LEVERAGE_INDEX_KEY must be at least 32 bytes")
    if len(raw["LEVERAGE_SECRET_KEY"]) < 32:
        raise ConfigError("LEVERAGE_SECRET_KEY must be at least 32 characters")
    return {
        "SECRET_KEY": raw["LEVERAGE_SECRET_KEY"],
        "DATA_KEYS": data_keys,
        "DATA_KEY_ID": raw["LEVERAGE_DATA_KEY_ID"],
        "INDEX_KEY": index_key,
    }


def _parse_data_keys(spec: str) -> dict[str, bytes]:
    """`id1=base64,id2=base64`: several keys so that old ones still open old data."""
    keys: dict[str, bytes] = {}
    for item in spec.split(","):
        key_id, sep, encoded = item.strip().partition("=")
        if not sep or not key_id:
            raise ConfigError("LEVERAGE_DATA_KEYS must look like 'id=base64key,id2=base64key'")
        key = _b64(encoded, f"data key {key_id!r}")
        if len(key) != 32:
            raise ConfigError(f"data key {key_id!r} must be 32 bytes")
        keys[key_id] = key
    return keys


def _b64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        raise ConfigError(f"{what} is not valid base64") from None


def generate_secrets() -> dict[str, str]:
    key_id = "k1"
    return {
        "LEVERAGE_SECRET_KEY": secrets.token_urlsafe(48),
        "LEVERAGE_DATA_KEYS": f"{key_id}=" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "LEVERAGE_DATA_KEY_ID": key_id,
        "LEVERAGE_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def _instance_secrets(instance: Path) -> dict[str, str]:
    path = instance / _SECRETS_FILE
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        # Created with owner-only permissions, atomically, so no reader ever sees it half-written.
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(generate_secrets(), handle, indent=2)
        os.replace(tmp, path)
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the instance secrets file: {exc}") from None
