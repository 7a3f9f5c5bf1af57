"""CLI commands that create accounts: thin wrappers over services, each one unit of work."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.errors import DomainError


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
