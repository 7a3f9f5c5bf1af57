"""The pages people start from: the home page (the `home` blueprint), and the
union's dashboard and the steward's unit page, which keep their places in the
`organizing` and `steward` blueprints that charting defines. The last two live
here, above every feature, because the figure they lead with, each unit's
density, counts valid union cards once a unit has any (`organizer.cards.density`,
above charting), and a charting view cannot import upward."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from core.authz import role_required
from core.views import render_form, unit_of_work
from organizer.cards import density
from organizer.charting import unions
from organizer.charting.forms import UnitForm
from organizer.charting.loaders import get_union_for_organizer_or_404, get_unit_for_steward_or_404
from organizer.charting.views import organizer_required, organizing_bp, steward_bp
from organizer.home import services as home
from organizer.roles import Role

home_bp = Blueprint("home", __name__)


@home_bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    # A unit of work, though a page to read: it remembers which results it showed as new.
    shown = unit_of_work(lambda: home.show_home(current_user))
    return render_template("home/index.html", needs=shown.value, places=home.places_of(current_user))


@organizing_bp.route("/unions/<int:union_id>")
@organizer_required
def dashboard(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    return render_template("organizing/dashboard.html", union=union, figures=density.densities(union.units),
                           unit_form=UnitForm())


@organizing_bp.route("/unions/<int:union_id>/units", methods=["POST"])
@organizer_required
def create_unit(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    form = UnitForm()
    if form.validate_on_submit() and (created := unit_of_work(
            lambda: unions.create_unit(current_user, union, form.name.data), form=form,
            success=lambda unit: gettext("Unit %(unit)s created. Add its departments and shifts next.",
                                         unit=unit.name))):
        return redirect(url_for("organizing.segments", unit_id=created.value.id))
    return render_form("organizing/dashboard.html", form, union=union, figures=density.densities(union.units),
                       unit_form=form)


@steward_bp.route("/units/<int:unit_id>", endpoint="unit")
@role_required(Role.STEWARD)
def steward_unit(unit_id: int):
    unit = get_unit_for_steward_or_404(unit_id)
    return render_template("steward/unit.html", unit=unit, figures=density.density_of(unit))
