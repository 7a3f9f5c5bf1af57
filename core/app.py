"""The composition root: `create_app` binds the extensions and registers the
feature packages' blueprints, CLI commands and jobs. It is the one module in
core/ that imports feature packages. It never touches the database schema:
migrations are their own step (`flask db upgrade`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from flask import Flask
from werkzeug.serving import run_simple

from config import load_settings
from core import errors, jobs, sealing, security
from core.extensions import csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    config_name = config_name or os.environ.get("LEVERAGE_CONFIG", "development")
    instance_path = os.environ.get("LEVERAGE_INSTANCE_PATH", str(PROJECT_ROOT / "instance"))
    app = Flask(
        "leverage",
        root_path=str(PROJECT_ROOT),
        instance_path=instance_path,
        template_folder="templates",
        static_folder="static",
    )
    app.config.update(load_settings(config_name, instance_path))
    app.config.update(overrides or {})

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    # After CSRF, so a forged post is turned away before it spends a sign-in budget.
    limiter.init_app(app)
    login_manager.init_app(app)
    # "strong" protection would keep a hash of the client's address in the cookie;
    # sessions are instead revoked by rotating the account's session token.
    login_manager.session_protection = None
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"

    sealing.init_app(app)
    security.init_app(app)
    errors.init_app(app)

    registry = jobs.JobRegistry()
    _register_features(app, registry)
    jobs.init_app(app, registry)
    app.cli.add_command(serve)
    return app


def _register_features(app: Flask, registry: jobs.JobRegistry) -> None:
    import organizer
    import surveys

    surveys.register_jobs(registry)
    organizer.register(app, registry)


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="Defaults to $PORT, else 5000.")
def serve(host: str, port: int | None) -> None:
    """Development server with the scheduled jobs running in-process."""
    from flask import current_app

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    port = port or int(os.environ.get("PORT", "5000"))
    if app.config["SCHEDULER_IN_PROCESS"]:
        jobs.start_in_process(app)
    click.echo(f"Leverage is serving on http://{host}:{port}/  (Ctrl-C stops)")
    # `app.run` refuses to start inside a `flask` command; run_simple is what it calls.
    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)
