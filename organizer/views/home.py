"""The home page: what each of the signed-in person's roles lets them do."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from core.extensions import db
from organizer import unions
from organizer.models import BargainingUnit, Role, Union

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    organizer_unions = list(db.session.scalars(
        sa.select(Union).where(Union.id.in_(current_user.organizer_union_ids())).order_by(Union.name)))
    steward_units = _units(current_user.unit_ids_as(Role.STEWARD))
    member_units = _units(current_user.unit_ids_as(Role.MEMBER))
    return render_template(
        "home/index.html",
        organizer_unions=organizer_unions,
        steward_units=steward_units,
        member_figures=unions.unit_figures(member_units),
    )


def _units(unit_ids: set[int]) -> list[BargainingUnit]:
    if not unit_ids:
        return []
    return list(db.session.scalars(
        sa.select(BargainingUnit).where(BargainingUnit.id.in_(unit_ids)).order_by(BargainingUnit.name)))
