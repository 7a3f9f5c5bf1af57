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
from flask_babel import lazy_gettext
from werkzeug.routing import IntegerConverter
from werkzeug.serving import run_simple

import surveys
import surveys.models  # noqa: F401 - the engine's tables belong to the same metadata
from surveys import cli as surveys_cli
from config import load_settings
from core import columns, errors, i18n, jobs, mail, sealing, security, templating
from core.extensions import csrf, db, limiter, login_manager, migrate
from organizer import demo, demo_scale
from organizer.accounts import cli as accounts_cli
from organizer.accounts import invitations
from organizer.accounts import models as accounts_models
from organizer.accounts import services as accounts
from organizer.accounts import views as accounts_views
from organizer.audit import models as audit_models
from organizer.bargaining import downloads as bargaining_downloads
from organizer.bargaining import views as bargaining_views
from organizer.booth import models as booth_models
from organizer.booth import views as booth_views
from organizer.cards import models as cards_models
from organizer.cards import views as cards_views
from organizer.ceremony import models as ceremony_models
from organizer.ceremony import services as ceremonies
from organizer.ceremony import views as ceremony_views
from organizer.escrow import jobs as escrow_jobs
from organizer.escrow import models as escrow_models
from organizer.escrow import views as escrow_views
from organizer.charting import models as charting_models
from organizer.charting import views as charting_views
from organizer.conversations import models as conversations_models
from organizer.conversations import views as conversations_views
from organizer.demands import models as demands_models
from organizer.demands import views as demands_views
from organizer.grievances import counts as grievance_counts
from organizer.grievances import models as grievances_models
from organizer.grievances import notices as grievance_notices
from organizer.grievances import views as grievances_views
from organizer.home import views as home_views
from organizer.notifications import models as notifications_models
from organizer.notifications import services as notifications
from organizer.notifications import views as notifications_views
from organizer.signup import views as signup_views
from organizer.strength import models as strength_models
from organizer.strength import views as strength_views
from organizer.unit_surveys import services as unit_surveys
from organizer.unit_surveys import views as unit_surveys_views
from candidates import models as candidates_models
from candidates import views as candidates_views
from briefs import sources as brief_sources
from briefs import views as briefs_views
from candidates import brief as candidates_brief
from organizer.demands import brief as demands_brief

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Every model module of the domain, imported before any mapper is configured:
#: relationships between feature packages name their targets by string.
DOMAIN_MODELS = (audit_models, charting_models, accounts_models, cards_models, notifications_models, strength_models,
                 demands_models, booth_models, conversations_models, ceremony_models, grievances_models)
#: Stories in escrow, which name the key ceremony that seals them.
ESCROW_MODELS = (escrow_models,)
#: Job seekers' models (candidates/), beside the union's: they point to accounts by table name only.
CANDIDATE_MODELS = (candidates_models,)
#: Each blueprint is defined once; the packages above the one that defines it
#: add their pages to it (accounts and strength to `organizing`, demands and the
#: booth to `surveys_ui`, bargaining to `demands`), so every endpoint keeps its name.
BLUEPRINTS = (
    accounts_views.auth_bp,
    home_views.home_bp,
    charting_views.organizing_bp,
    charting_views.steward_bp,
    cards_views.cards_bp,
    conversations_views.conversations_bp,
    ceremony_views.ceremony_bp,
    escrow_views.escrow_bp,
    unit_surveys_views.surveys_bp,
    demands_views.demands_bp,
    grievances_views.grievances_bp,
    signup_views.signup_bp,
    candidates_views.candidates_bp,
    briefs_views.briefs_bp,
)
#: The view modules that only add pages to a blueprint defined lower down.
PAGES_ADDED_TO_LOWER_BLUEPRINTS = (notifications_views, strength_views, booth_views, bargaining_views)


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: an id a row can have, from 1 to the largest an INTEGER
    column holds. Any other number is a 404 before a view runs, never a 500 from the
    database refusing to compare with it."""

    def __init__(self, url_map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", columns.LARGEST_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


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
    app.url_map.converters["int"] = RowIdConverter

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
    # Made a plain string when flashed, in the visitor's language: the session cannot hold a lazy one.
    login_manager.login_message = lazy_gettext("Please sign in to see that page.")
    login_manager.localize_callback = str
    login_manager.login_message_category = "info"

    i18n.init_app(app)
    sealing.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    mail.init_app(app)
    templating.init_app(app)

    registry = jobs.JobRegistry()
    _register_features(app, registry)
    jobs.init_app(app, registry)
    app.cli.add_command(serve)
    return app


def _register_features(app: Flask, registry: jobs.JobRegistry) -> None:
    surveys.register_jobs(registry)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    # The negotiation brief knows nothing of unions or candidates: each hands it its items.
    brief_sources.register(app, (demands_brief.SOURCE, candidates_brief.SOURCE))
    login_manager.user_loader(accounts.load_account_for_session)
    app.cli.add_command(demo.seed_demo)
    app.cli.add_command(demo_scale.seed_scale)
    app.cli.add_command(accounts_cli.create_organizer)
    app.cli.add_command(surveys_cli.surveys_cli)
    unit_surveys.init_app(app)
    registry.register("purge_expired_invitations", invitations.purge_expired_invitations, every_seconds=3600)
    registry.register("purge_stale_sessions", accounts.purge_stale_sessions, every_seconds=3600)
    registry.register("mix_sessions", accounts.mix_sessions, every_seconds=3600)
    registry.register("announce_survey_events", notifications.announce_survey_events, every_seconds=60)
    registry.register("prepare_bargaining_pdfs", bargaining_downloads.prepare_pdfs, every_seconds=60)
    registry.register("nudge_ceremony_trustees", ceremonies.nudge_trustees, every_seconds=3600)
    registry.register("announce_grievance_news", grievance_notices.announce_grievance_news, every_seconds=60)
    registry.register("remind_grievance_deadlines", grievance_notices.remind_grievance_deadlines, every_seconds=3600)
    registry.register("release_grievance_counts", grievance_counts.release_counts, every_seconds=3600)
    registry.register("open_due_stories", escrow_jobs.open_due_stories, every_seconds=600)


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
