"""The bargaining summary and its downloads (pages of the `demands` blueprint)."""

from __future__ import annotations

from flask import Response, render_template
from flask_login import current_user

from core.authz import role_required
from organizer.bargaining import exports, summary
from organizer.demands.loaders import get_unit_for_demand_readers_or_404
from organizer.demands.views import demands_bp
from organizer.roles import Role

readers_required = role_required(Role.STEWARD, Role.ORGANIZER)


# -- bargaining summary ---------------------------------------------------------------------------

EXPORTS = {
    "md": ("text/markdown", exports.to_markdown),
    "csv": ("text/csv", exports.to_csv),
    "pdf": ("application/pdf", exports.to_pdf),
}


@demands_bp.route("/units/<int:unit_id>/summary")
@readers_required
def bargaining_summary(unit_id: int):
    unit = get_unit_for_demand_readers_or_404(unit_id)
    return render_template("demands/summary.html", summary=summary.build(current_user, unit))


@demands_bp.route("/units/<int:unit_id>/summary.<any(md, csv, pdf):format>")
@readers_required
def bargaining_summary_export(unit_id: int, format: str):
    unit = get_unit_for_demand_readers_or_404(unit_id)
    mimetype, render = EXPORTS[format]
    built = summary.build(current_user, unit)
    filename = f"bargaining-summary-unit-{unit.id}-{built.generated_on}.{format}"
    return Response(render(built), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
