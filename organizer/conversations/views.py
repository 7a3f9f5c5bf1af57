"""One-on-ones' pages (the `conversations` blueprint): a unit's page (who nobody has
spoken to lately, its open follow-ups, a coworker search), a coworker's history,
recording a conversation, setting a follow-up and marking it done.

Every page is open to any signed-in account and answers 404 unless the policy
lets this account in (the loaders ask `policy.holds_one_on_ones` or
`policy.charts_department`): organizers and committee members alike, with no
role list here to keep in step with the policy's."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from core.views import render_form, safe_next_url, unit_of_work
from organizer.charting.forms import ConfirmForm
from organizer.conversations import services
from organizer.conversations.forms import ConversationForm, CoworkerSearchForm, FollowUpForm, SilenceForm
from organizer.conversations.loaders import (
    get_follow_up_or_404,
    get_person_to_talk_with_or_404,
    get_unit_for_one_on_ones_or_404,
)

conversations_bp = Blueprint("conversations", __name__)


def _recorded(_) -> str:
    return gettext("Conversation recorded.")


def _follow_up_set(_) -> str:
    return gettext("Follow-up set. It shows on its owner's home page when it is due.")


def _follow_up_done(_) -> str:
    return gettext("Follow-up marked done.")


@conversations_bp.route("/units/<int:unit_id>/conversations")
@login_required
def unit_conversations(unit_id: int):
    """Coworkers not spoken to in N days, by department and shift; the open follow-ups; a search."""
    unit = get_unit_for_one_on_ones_or_404(unit_id)
    asked, search = SilenceForm(request.args), CoworkerSearchForm(request.args)
    # Both are checked, so that each shows its own mistake.
    valid = all([asked.validate(), search.validate()])
    days = services.DEFAULT_SILENCE_DAYS if asked.days.errors else asked.chosen_days
    found = services.find_coworkers(current_user, unit, search.search.data) if valid else []
    return render_template("conversations/unit.html", unit=unit, asked=asked, search=search, found=found,
                           searched=valid and bool(search.search.data),
                           overview=services.unit_conversations(current_user, unit, days)), 200 if valid else 400


@conversations_bp.route("/people/<int:person_id>/conversations")
@login_required
def coworker(person_id: int):
    """A coworker's conversations, where they stood after each, and their follow-ups."""
    person = get_person_to_talk_with_or_404(person_id)
    return render_template("conversations/coworker.html", unit=person.unit, done_form=ConfirmForm(),
                           history=services.coworker_history(current_user, person))


@conversations_bp.route("/people/<int:person_id>/conversations/new", methods=["GET", "POST"])
@login_required
def record_conversation(person_id: int):
    person = get_person_to_talk_with_or_404(person_id)
    form = ConversationForm() if request.method == "POST" else ConversationForm(
        formdata=None, held_on=services.union_today(person.unit.union), held_by_id=current_user.id,
        owner_id=current_user.id, assessment_after=person.assessment)
    form.set_holders(services.holders_for(person))
    if form.validate_on_submit() and unit_of_work(
            lambda: services.record_conversation(current_user, person, form.details()), form=form, success=_recorded):
        return redirect(url_for("conversations.coworker", person_id=person.id))
    return render_form("conversations/record.html", form, person=person, unit=person.unit)


@conversations_bp.route("/people/<int:person_id>/follow-ups/new", methods=["GET", "POST"])
@login_required
def add_follow_up(person_id: int):
    person = get_person_to_talk_with_or_404(person_id)
    form = FollowUpForm() if request.method == "POST" else FollowUpForm(formdata=None, owner_id=current_user.id)
    form.set_holders(services.holders_for(person))
    if form.validate_on_submit() and unit_of_work(
            lambda: services.add_follow_up(current_user, person, form.step()), form=form, success=_follow_up_set):
        return redirect(url_for("conversations.coworker", person_id=person.id))
    return render_form("conversations/follow_up.html", form, person=person, unit=person.unit)


@conversations_bp.route("/follow-ups/<int:follow_up_id>/done", methods=["POST"])
@login_required
def mark_follow_up_done(follow_up_id: int):
    """Mark a follow-up done; back to the page the button was on (the home page or the coworker's)."""
    follow_up = get_follow_up_or_404(follow_up_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, gettext("The form was incomplete."))
    person_id = follow_up.person_id
    unit_of_work(lambda: services.mark_done(current_user, follow_up), success=_follow_up_done)
    return redirect(safe_next_url(request.form.get("next"))
                    or url_for("conversations.coworker", person_id=person_id))
