"""Pages of stories in escrow (the `escrow` blueprint): the union's archive,
writing a story, reading one once it opens, the organizers' record of the
union's recognition, and a trustee's page for opening a story in their
browser (static/js/escrow/) with the JSON endpoint it posts its part to.
The home page's summary of the archives is a template global, `escrow_home`."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from core.authz import role_required
from core.i18n import format_day
from core.views import render_form, unit_of_work
from organizer.ceremony.views import trustee_json_endpoint
from organizer.charting.loaders import get_union_for_organizer_or_404
from organizer.charting.models import Union
from organizer.errors import NotAllowed
from organizer.escrow import forms, services
from organizer.escrow.loaders import (
    get_story_for_its_union_or_404,
    get_story_for_trustee_or_404,
    get_union_for_its_people_or_404,
)
from organizer.escrow.models import Story
from organizer.roles import Role

escrow_bp = Blueprint("escrow", __name__)

organizer_required = role_required(Role.ORGANIZER)
trustee_roles_required = role_required(Role.ORGANIZER, Role.STEWARD)


@escrow_bp.app_template_global("escrow_home")
def escrow_home() -> services.HomeStories:
    """What the home page shows of the archives, for the signed-in person."""
    return services.home_stories(current_user)


def _archive_page(union: Union, form: forms.RecognitionForm):
    return render_form("escrow/archive.html", form, archive=services.archive(current_user, union))


@escrow_bp.route("/unions/<int:union_id>/stories")
@login_required
def archive(union_id: int):
    return _archive_page(get_union_for_its_people_or_404(union_id), forms.RecognitionForm())


def _saved_words(story: Story) -> str:
    if story.opens_on is not None:
        return gettext("Saved and locked. It opens on %(day)s for the readers you chose; until then nobody can "
                       "read it, you included.", day=format_day(story.opens_on))
    return gettext("Saved and locked. It opens when the union is recognised, for the readers you chose; until "
                   "then nobody can read it, you included.")


@escrow_bp.route("/unions/<int:union_id>/stories/new", methods=["GET", "POST"])
@login_required
def new_story(union_id: int):
    union = get_union_for_its_people_or_404(union_id)
    form = forms.StoryForm()
    form.set_choices(services.writing_places(current_user, union), current_user.organizes(union),
                     services.nameable_readers(current_user, union))
    if form.validate_on_submit() and unit_of_work(
            lambda: services.save_story(current_user, union, form.details()), form=form, success=_saved_words):
        return redirect(url_for("escrow.archive", union_id=union.id))
    return render_form("escrow/new.html", form, union=union, archive=services.archive(current_user, union),
                       today=services.union_today(union.time_zone))


@escrow_bp.route("/stories/<int:story_id>")
@login_required
def story(story_id: int):
    found = get_story_for_its_union_or_404(story_id)
    try:
        page = services.story_page(current_user, found)
    except NotAllowed as refused:
        return render_template("escrow/story.html", page=services.StoryPage(services.entry_of(current_user, found)),
                               refused=refused.message), 403
    return render_template("escrow/story.html", page=page, refused=None)


@escrow_bp.route("/unions/<int:union_id>/recognition", methods=["POST"])
@organizer_required
def record_recognition(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    form = forms.RecognitionForm()
    if form.validate_on_submit() and unit_of_work(
            lambda: services.record_recognition(current_user, union, form.recognised_on.data), form=form,
            success=gettext("Recorded. The stories waiting for the union's recognition can now be opened.")):
        return redirect(url_for("escrow.archive", union_id=union.id))
    return _archive_page(union, form)


@escrow_bp.route("/stories/<int:story_id>/open")
@trustee_roles_required
def trustee_page(story_id: int):
    found = get_story_for_trustee_or_404(story_id)
    return render_template("escrow/open.html", screen=services.trustee_screen(current_user, found))


@escrow_bp.route("/stories/<int:story_id>/part", methods=["POST"])
@trustee_json_endpoint
def give_part(story_id: int):
    """A trustee's part in opening a story, made in their browser."""
    found = get_story_for_trustee_or_404(story_id)
    partial = forms.part_from(request.get_json(silent=True))
    given = unit_of_work(lambda: services.give_part(current_user, found, partial), flash_refusal=False)
    if not given:
        return jsonify(error=given.refused.message), given.refused.status
    readable = services.may_read(current_user, found)
    return jsonify(given=given.value, opened=found.is_open,
                   story=url_for("escrow.story", story_id=found.id) if readable else None), 201
