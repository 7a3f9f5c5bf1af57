"""CLI commands: thin wrappers over services, each one unit of work."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask import Flask, current_app

from core.extensions import db
from organizer import accounts, demo
from organizer.errors import DomainError


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_organizer)


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing (but print the logins) when any union exists.")
def seed_demo(if_empty: bool) -> None:
    """Create a believable demo union with charted coworkers and demo accounts."""
    if not current_app.config["ALLOW_DEMO_SEED"]:
        raise click.ClickException("seed-demo refuses to run under the production configuration.")
    if demo.has_any_union():
        if not if_empty:
            raise click.ClickException("The database already holds a union; seed-demo only fills an empty one.")
        click.echo("Demo data already present.")
    else:
        demo.seed_demo_union()
        db.session.commit()
        click.echo("Demo union created.")
    click.echo(demo.logins_text())


@click.command("create-organizer")
@with_appcontext
@click.option("--union", "union_name", required=True, help="The union campaign; created if new.")
@click.option("--email", required=True, help="The organizer's personal email.")
@click.option("--display-name", required=True)
@click.password_option(help="At least 10 characters, not a common password, not your name or email.")
def create_organizer(union_name: str, email: str, display_name: str, password: str) -> None:
    """Bootstrap: the first organizer of a union (everyone else comes by invitation)."""
    # The password rule is the service's (accounts.check_password_policy): a
    # refusal comes back as a DomainError and is shown below.
    try:
        union = accounts.bootstrap_organizer(union_name, email=email, display_name=display_name, password=password)
    except DomainError as refused:
        db.session.rollback()
        raise click.ClickException(refused.message) from None
    db.session.commit()
    click.echo(f"Organizer {display_name} can now sign in to {union.name}.")
