"""The union domain: unions, bargaining units, charting, accounts and invitations,
leverage profiles and demands, union strength and coworker weightings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from core.jobs import JobRegistry


def register(app: Flask, registry: JobRegistry) -> None:
    """Attach the domain's blueprints, CLI commands, session loader and jobs to an app."""
    import surveys.models  # noqa: F401 - the engine's tables belong to the same metadata
    from core.extensions import login_manager
    from organizer import accounts, cli, invitations, unit_surveys
    from organizer.views import auth, demands, home, organizing, steward, surveys

    for blueprint in (auth.bp, demands.bp, home.bp, organizing.bp, steward.bp, surveys.bp):
        app.register_blueprint(blueprint)
    login_manager.user_loader(accounts.load_account_for_session)
    cli.init_app(app)
    unit_surveys.init_app(app)
    registry.register("purge_expired_invitations", invitations.purge_expired_invitations, every_seconds=3600)
    registry.register("purge_stale_sessions", accounts.purge_stale_sessions, every_seconds=3600)
