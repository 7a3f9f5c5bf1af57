"""The brief's pages (the `briefs` blueprint): a person's own brief, its downloads and
its coaching links; the page a coaching link opens; the brief as a coach reads and
comments on it; and the briefs one coaches. Views parse, load (someone else's brief
is a 404), call one service through the unit of work, and answer."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from briefs import exports, services, sources
from briefs.forms import BriefForm, ButtonForm, CommentForm, RiskForm
from briefs.services import BriefView
from briefs.sources import BriefSource
from core.clock import today
from core.views import render_form, unit_of_work

briefs_bp = Blueprint("briefs", __name__)

_EXPORTS = {"pdf": ("application/pdf", exports.to_pdf), "md": ("text/markdown; charset=utf-8", exports.to_markdown)}


def _kept_source(source_key: str) -> BriefSource:
    """The source named in the address, when the signed-in account keeps a brief of it."""
    source = sources.source(source_key)
    if source is None:
        abort(404)
    if not source.may_keep(current_user):
        abort(403)
    return source


def _brief_form(view: BriefView) -> BriefForm:
    return BriefForm.for_risks(view.risks, ask_first=view.ask_first, trade=view.trade, walk_away=view.walk_away)


def _own_page(source: BriefSource, view: BriefView, **forms):
    forms.setdefault("form", _brief_form(view))
    forms.setdefault("risk_form", RiskForm(formdata=None))
    forms.setdefault("comment_form", CommentForm(formdata=None))
    failed = any(f.errors or f.form_errors for f in forms.values())
    page = render_template("briefs/brief.html", source=source, view=view, button=ButtonForm(), **forms)
    return page, 400 if failed else 200


def _back(source: BriefSource, anchor: str | None = None) -> str:
    return url_for("briefs.my_brief", source_key=source.key, _anchor=anchor)


# -- one's own brief --------------------------------------------------------------------------------

@briefs_bp.route("/my/briefs/<source_key>", methods=["GET", "POST"])
@login_required
def my_brief(source_key: str):
    source = _kept_source(source_key)
    view = services.own_view(current_user, source)
    form = _brief_form(view)
    if form.validate_on_submit() and unit_of_work(lambda: services.save(current_user, source, services.BriefDetails(
            form.ask_first.data, form.trade.data, form.walk_away.data, form.responses(view.risks))),
            form=form, success=gettext("Your brief is saved.")):
        return redirect(_back(source))
    return _own_page(source, view, form=form)


@briefs_bp.route("/my/briefs/<source_key>/risks", methods=["POST"])
@login_required
def add_risk(source_key: str):
    source = _kept_source(source_key)
    form = RiskForm()
    if form.validate_on_submit() and unit_of_work(
            lambda: services.add_risk(current_user, source, form.worst_case.data, form.response.data), form=form,
            success=gettext("Worst case added.")):
        return redirect(_back(source, "worst-cases"))
    return _own_page(source, services.own_view(current_user, source), risk_form=form)


def _pressed(action, done: str, back: str):
    """A button on one's own brief: act, commit, say so (or why not), go back."""
    if ButtonForm().validate_on_submit():
        unit_of_work(action, success=done)
    else:
        flash(gettext("The form was incomplete; reload the page and try again."), "error")
    return redirect(back)


@briefs_bp.route("/my/briefs/<source_key>/risks/<int:risk_id>/remove", methods=["POST"])
@login_required
def remove_risk(source_key: str, risk_id: int):
    source = _kept_source(source_key)
    risk = services.own_risk(current_user, source, risk_id)
    return _pressed(lambda: services.remove_risk(current_user, risk), gettext("Worst case removed."),
                    _back(source, "worst-cases"))


@briefs_bp.route("/my/briefs/<source_key>/brief.<any(pdf, md):fmt>")
@login_required
def export_brief(source_key: str, fmt: str):
    source = _kept_source(source_key)
    mimetype, write = _EXPORTS[fmt]
    # Never kept by a shared cache or the browser's: it holds the walk-away point.
    return Response(write(services.own_view(current_user, source), today()), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="brief-{today().isoformat()}.{fmt}"',
        "Cache-Control": "no-store"})


# -- coaching, the author's side ------------------------------------------------------------------

@briefs_bp.route("/my/briefs/<source_key>/coaches", methods=["POST"])
@login_required
def invite_coach(source_key: str):
    source = _kept_source(source_key)
    if not ButtonForm().validate_on_submit():
        abort(400, gettext("The form was incomplete; reload the page and try again."))
    made = unit_of_work(lambda: services.invite_coach(current_user, source))
    if not made:
        return redirect(_back(source, "coaches"))
    coach, token = made.value
    # The token is shown once, on this page, and kept nowhere (only its hash is stored).
    return render_template("briefs/coach_link.html", source=source, coach=coach,
                           link=url_for("briefs.coach_invitation", token=token, _external=True),
                           days=services.INVITATION_DAYS)


@briefs_bp.route("/my/briefs/<source_key>/coaches/<int:coach_id>/revoke", methods=["POST"])
@login_required
def revoke_coach(source_key: str, coach_id: int):
    source = _kept_source(source_key)
    coach = services.own_coach(current_user, source, coach_id)
    return _pressed(lambda: services.revoke(current_user, coach), gettext("Stopped. That link or coach can no "
                    "longer open your brief."), _back(source, "coaches"))


# -- coaching, the coach's side -------------------------------------------------------------------

@briefs_bp.route("/coach/<token>", methods=["GET", "POST"])
@login_required
def coach_invitation(token: str):
    coach = services.find_invitation(token)
    source = sources.source(coach.brief.source)
    if source is None:
        abort(404)
    form, status = ButtonForm(), 200
    if request.method == "GET":
        # Whoever may never accept it (its author, someone outside a member's union) is told at once.
        services.require_may_coach(current_user, source, coach)
    elif form.validate_on_submit():
        accepted = unit_of_work(lambda: services.accept(current_user, source, coach), form=form,
                                success=gettext("You are now a coach of this brief."))
        if accepted:
            return redirect(url_for("briefs.read_brief", brief_id=accepted.value.brief_id))
        status = accepted.refused.status
    elif form.is_submitted():
        status = 400
    return render_template("briefs/invitation.html", author=coach.brief.author_name, form=form), status


@briefs_bp.route("/my/coaching")
@login_required
def coaching():
    return render_template("briefs/coaching.html", coached=services.coached(current_user))


def _read_page(brief, source: BriefSource, form: CommentForm):
    view = services.view_of(source, brief.account_id, brief.author_name, brief, reader_id=current_user.id)
    return render_form("briefs/read.html", form, view=view, brief=brief)


@briefs_bp.route("/briefs/<int:brief_id>")
@login_required
def read_brief(brief_id: int):
    brief, source = services.brief_for_reader(current_user, brief_id)
    if brief.account_id == current_user.id:
        return redirect(_back(source))
    return _read_page(brief, source, CommentForm(formdata=None))


@briefs_bp.route("/briefs/<int:brief_id>/comments", methods=["POST"])
@login_required
def add_comment(brief_id: int):
    brief, source = services.brief_for_reader(current_user, brief_id)
    form = CommentForm()
    by_author = brief.account_id == current_user.id
    if form.validate_on_submit() and unit_of_work(lambda: services.comment(current_user, brief, source, form.text.data),
                                                  form=form, success=gettext("Comment added.")):
        return redirect(_back(source, "comments") if by_author else url_for("briefs.read_brief", brief_id=brief.id,
                                                                            _anchor="comments"))
    if by_author:
        return _own_page(source, services.own_view(current_user, source), comment_form=form)
    return _read_page(brief, source, form)
