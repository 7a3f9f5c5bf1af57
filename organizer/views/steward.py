"""Stewards' pages: the units they represent."""

from __future__ import annotations

from flask import Blueprint, render_template

from core.authz import role_required
from organizer import unions
from organizer.loaders import get_unit_for_steward_or_404
from organizer.models import Role

bp = Blueprint("steward", __name__, url_prefix="/steward")


@bp.route("/units/<int:unit_id>")
@role_required(Role.STEWARD)
def unit(unit_id: int):
    unit = get_unit_for_steward_or_404(unit_id)
    [figures] = unions.unit_figures([unit])
    return render_template("steward/unit.html", unit=unit, figures=figures)
