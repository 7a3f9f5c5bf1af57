"""The survey pages' words that come from the engine, in the reader's language:
the release rules' reasons for withholding a group (stored in English, worded
again for the page, every reason the engine can write), the breakdown notes,
the merged group's name, and a refusal and a launch message in Spanish."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from surveys import record
from surveys.release import OTHER, plan_segments
from organizer.unit_surveys import services as unit_surveys

ROOT = Path(__file__).resolve().parents[3]
K = 5


def _voters(groups: dict[tuple[str | None, str | None], int]) -> dict[str, dict[str, str | None]]:
    """Voters by (department, shift), as the unit's electorate hands them to the engine."""
    voters = {}
    for (department, shift), count in groups.items():
        for _ in range(count):
            voters[f"voter:{len(voters)}"] = {"department": department, "shift": shift}
    return voters


def _rendered(node: ast.expr) -> str:
    """An f-string of the engine's, with its k filled in (the only value its reasons take)."""
    if isinstance(node, ast.Constant):
        return node.value
    assert isinstance(node, ast.JoinedStr), ast.dump(node)
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(value.value)
        else:
            assert isinstance(value.value, ast.Name) and value.value.id == "k", ast.dump(value)
            parts.append(str(K))
    return "".join(parts)


def _engine_reasons() -> list[str]:
    """Every reason `surveys.release` can store for a withheld group, read from its source, and the record's."""
    tree = ast.parse((ROOT / "surveys" / "release.py").read_text())
    reasons = []
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
                     and n.name in ("decide_release", "_reason")):
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "withhold" \
                    and isinstance(node.args[0], ast.Constant | ast.JoinedStr):
                reasons.append(_rendered(node.args[0]))
            elif function.name == "_reason" and isinstance(node, ast.Return):
                reasons.append(_rendered(node.value))
    return reasons + [record.NOT_LISTABLE.format(k=K)]


def test_every_reason_the_engine_writes_reads_in_spanish(app):
    reasons = _engine_reasons()
    assert len(reasons) >= 8, "the reasons were found"
    with app.test_request_context(), force_locale("es"):
        spanish = {reason: unit_surveys.plain_withheld_reason(reason) for reason in reasons}
    assert not [reason for reason, words in spanish.items() if words == reason], "a reason no pattern knows"
    assert spanish[f"fewer than {K} answered"] == f"respondieron menos de {K}"
    assert all(str(K) in words for reason, words in spanish.items() if str(K) in reason)
    with app.test_request_context(), force_locale("en"):
        assert all(unit_surveys.plain_withheld_reason(reason) == reason for reason in reasons)
    assert unit_surveys.plain_withheld_reason("A reason of another kind.") == "A reason of another kind."


def test_the_breakdown_notes_and_the_merged_group_read_in_spanish(app):
    merged, _ = plan_segments(_voters({("Loading", None): 10, ("Cranes", None): 6, ("Pat's annex", None): 2}),
                              ("department", "shift"), K)
    crossed, _ = plan_segments(_voters({("A", "Day"): 8, ("A", "Night"): 2, ("B", "Day"): 2, ("B", "Night"): 8}),
                               ("department", "shift"), K)
    with app.test_request_context(), force_locale("es"):
        notes = [unit_surveys.plain_breakdown_note(note) for note in merged.notes + crossed.notes]
        other = unit_surveys.group_label(type("Group", (), {"dimension": "department", "label": OTHER})())
        named = unit_surveys.group_label(type("Group", (), {"dimension": "department", "label": "Cranes"})())
    assert notes == [
        "\u201cPat's annex\u201d (departamento) tiene menos de 5 personas con cuenta: sus respuestas cuentan en "
        "\u201cOtros\u201d.",
        "\u201cCranes\u201d (departamento) también cuenta en \u201cOtros\u201d, para que \u201cOtros\u201d tenga al "
        "menos 5 personas con cuenta.",
        "No hay resultados por turno: hay muy pocas personas con cuenta en cada turno para que cada respuesta quede "
        "entre al menos 5.",
        "No hay resultados por turno: junto con departamento, algunos grupos tendrían menos de 5 personas con "
        "cuenta.",
    ]
    assert (other, named) == ("Otros", "Cranes"), "a department's own name is never translated"


@pytest.fixture
def spanish_organizer(app, world, login):
    client = login(app.test_client(), world.organizer)
    client.post("/language", data={"language-language": "es", "language-next": "/"})
    return client


def test_a_refusal_below_the_unions_floor_reads_in_spanish(spanish_organizer, world):
    response = spanish_organizer.post(f"/units/{world.unit_id}/surveys", data={
        "kind": "pulse", "title": "Pulso", "key_mode": "server_key", "release_threshold": "4"})
    assert response.status_code == 400
    assert ("k debe ser al menos 5, el mínimo del sindicato para las encuestas de pulso"
            in response.get_data(as_text=True))


def test_the_units_surveys_read_in_spanish_with_the_kind_and_state_named(spanish_organizer, world):
    created = spanish_organizer.post(f"/units/{world.unit_id}/surveys", data={
        "kind": "vote", "title": "Strike authorization", "key_mode": "server_key", "standard_questions": "y"},
        follow_redirects=True)
    page = created.get_data(as_text=True)
    assert "Borrador creado. Revisa las preguntas" in page
    assert '<span class="state state-draft">Borrador</span>' in page and "Votación" in page
    listed = spanish_organizer.get(f"/units/{world.unit_id}/surveys").get_data(as_text=True)
    assert re.search(r'data-label="Tipo">Votación</td>', listed)
    assert "Quién descifra los resultados" in listed and "Crear borrador" in listed
