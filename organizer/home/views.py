"""The home page (the `home` blueprint)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from core.views import unit_of_work
from organizer.home import services as home

home_bp = Blueprint("home", __name__)


@home_bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    # A unit of work, though a page to read: it remembers which results it showed as new.
    shown = unit_of_work(lambda: home.show_home(current_user))
    return render_template("home/index.html", needs=shown.value, places=home.places_of(current_user))
