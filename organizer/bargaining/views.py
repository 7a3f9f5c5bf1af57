"""The bargaining summary, a page at a time, and its downloads (pages of the `demands` blueprint)."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from core import i18n
from core.authz import role_required
from core.clock import today
from core.views import unit_of_work
from organizer.bargaining import downloads, exports, summary
from organizer.bargaining.forms import SummaryPageForm
from organizer.charting.forms import ConfirmForm
from organizer.demands.loaders import get_unit_for_demand_readers_or_404
from organizer.demands.views import demands_bp
from organizer.roles import Role

readers_required = role_required(Role.STEWARD, Role.ORGANIZER)


# -- bargaining summary ---------------------------------------------------------------------------

#: The downloads made as they are sent, from the prepared items (the CSV holds the items alone,
#: the Markdown no drawing), in the language of whoever asks; the PDF is made ahead (`downloads`).
EXPORTS = {
    "md": ("text/markdown", lambda unit: exports.to_markdown(summary.build(current_user, unit, with_chart=False))),
    "csv": ("text/csv", lambda unit: _csv(unit)),
}


def _csv(unit) -> str:
    ranked = summary.ranked_items(current_user, unit)
    return exports.to_csv(ranked, summary.pay_of(unit, ranked.items), summary.reported_of(unit))


@demands_bp.route("/units/<int:unit_id>/summary")
@readers_required
def bargaining_summary(unit_id: int):
    unit = get_unit_for_demand_readers_or_404(unit_id)
    form = SummaryPageForm(request.args)
    valid = not request.args or form.validate()
    page = summary.summary_page(current_user, unit, (form.page.data or 1) if valid else 1)
    return render_template("demands/summary.html", summary=page, pdf=downloads.pdf_state(page, i18n.current_language()),
                           page_form=form, reported=summary.reported_of(unit),
                           confirm_form=ConfirmForm()), 200 if valid else 400


def _download(content: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@demands_bp.route("/units/<int:unit_id>/summary.<any(md, csv, pdf):format>")
@readers_required
def bargaining_summary_export(unit_id: int, format: str):
    unit = get_unit_for_demand_readers_or_404(unit_id)
    if format == "pdf":
        return _pdf(unit)
    mimetype, render = EXPORTS[format]
    return _download(render(unit), mimetype, f"bargaining-summary-unit-{unit.id}-{today()}.{format}")


def _pdf(unit):
    """The PDF in the reader's language when it is as new as the summary; an older one only when
    asked for as such (its name says so); else a page that says where it stands and offers to prepare it."""
    content, state = downloads.pdf_file(current_user, unit, i18n.current_language())
    if content and (state.is_ready or (state.is_outdated and request.args.get("outdated") == "yes")):
        outdated = "" if state.is_current else "-outdated"
        return _download(content, "application/pdf",
                         f"bargaining-summary-unit-{unit.id}-prepared-{state.prepared_on}{outdated}.pdf")
    return render_template("demands/summary_pdf.html", unit=unit, pdf=state, confirm_form=ConfirmForm())


@demands_bp.route("/units/<int:unit_id>/summary/prepare-pdf", methods=["POST"])
@readers_required
def prepare_summary_pdf(unit_id: int):
    unit = get_unit_for_demand_readers_or_404(unit_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, gettext("The form was incomplete; reload the page and try again."))
    # The asker's language, by its code alone, is what the PDF is written in (now, or by the job).
    language = i18n.current_language()
    unit_of_work(lambda: downloads.request_pdf(current_user, unit, language), success=lambda state: (
        gettext("The PDF is ready.") if state.is_ready else
        gettext("The PDF is being prepared. It takes a few minutes for a long summary; this page says when it is "
                "ready.")))
    return redirect(url_for("demands.bargaining_summary", unit_id=unit.id) + "#downloads")
