"""Facts written once (issue 10, item 5): each test fails if a second copy of a
fact comes back, or if the two places that show it read differently."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa
from markupsafe import Markup

from core.extensions import db
from organizer import ontology
from organizer.bargaining import exports
from organizer.charting.models import DEFAULT_ENDORSEMENT_FLOOR, DEFAULT_RESULTS_FLOOR, Union
from organizer.demands import models as demand_models
from organizer.strength.card import TESTS_ON_THE_PAGE
from organizer.strength.metrics import Evidence, EvidenceSource, Participation, Share, StrengthTier, UnitStrength
from organizer.strength.models import StructureTestKind
from organizer.unit_surveys import forms as survey_forms
from organizer.unit_surveys import services as unit_surveys
from surveys.models import KeyMode, SurveyKind

ROOT = Path(__file__).resolve().parents[2]

#: The pulse's top-issue options as released surveys store them: changing one
#: would split a trend across two spellings of the same issue.
RELEASED_ISSUE_OPTIONS = [
    "Pay", "Benefits", "Scheduling and flexibility", "Job security and working conditions (incl. safety)",
    "Skills and career advancement", "Empowerment and representation", "Organizational culture",
    "Diversity, equity, inclusion and accessibility", "Recruitment and hiring",
]


# -- category labels -------------------------------------------------------------------------------

def test_the_pulse_offers_the_categories_labels_as_its_top_issues():
    assert unit_surveys.ISSUE_CATEGORIES == [category.label for category in ontology.Category]


def test_the_top_issue_options_keep_the_strings_released_surveys_store():
    assert unit_surveys.ISSUE_CATEGORIES == RELEASED_ISSUE_OPTIONS


def test_demands_speak_the_one_ontology():
    for name in ("Category", "Tier", "Basis", "DemandKind"):
        assert getattr(demand_models, name) is getattr(ontology, name)


def test_no_module_writes_the_category_labels_again():
    """A label is written once, in the ontology; a second literal copy would drift."""
    label = str(ontology.Category.SECURITY_CONDITIONS.label)
    holders = [p.relative_to(ROOT) for package in ("organizer", "surveys", "core", "candidates")
               for p in (ROOT / package).rglob("*.py") if label in p.read_text()]
    holders += [Path("ontology.py")] if label in (ROOT / "ontology.py").read_text() else []
    assert holders == [Path("ontology.py")]


# -- the enum-column helper ------------------------------------------------------------------------

def _enum_calls(path: Path) -> list[int]:
    """Lines where a module builds an `sa.Enum` itself."""
    tree = ast.parse(path.read_text())
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and node.func.attr == "Enum"]


def test_only_core_builds_enum_columns():
    builders = {str(p.relative_to(ROOT)) for package in ("organizer", "surveys", "core")
                for p in (ROOT / package).rglob("*.py") if _enum_calls(p)}
    assert builders == {"core/columns.py"}


def test_every_enum_column_stores_its_members_values_in_a_checked_string(app_ctx):
    enum_columns = [c for table in db.metadata.tables.values() for c in table.columns
                    if isinstance(c.type, sa.Enum)]
    assert len(enum_columns) >= 10
    for column in enum_columns:
        assert column.type.native_enum is False, column
        assert column.type.enums == [member.value for member in column.type.enum_class], column
        assert column.type.length == (16 if column.name == "role" else 24), column


# -- key-mode wording and the default k ------------------------------------------------------------

def test_the_server_key_reads_the_same_where_it_is_chosen_and_where_results_show_it():
    offered = dict(survey_forms.SurveyForm.key_mode.kwargs["choices"])[KeyMode.SERVER_KEY.value]
    assert str(unit_surveys.SERVER_KEY_RISK) in str(offered)
    assert str(unit_surveys.SERVER_KEY_RISK) in unit_surveys.who_can_decrypt(SimpleNamespace(key_mode=KeyMode.SERVER_KEY))


def test_the_engine_keeps_no_second_wording_of_the_key_modes():
    assert not hasattr(KeyMode.SERVER_KEY, "label")
    holders = [p.relative_to(ROOT) for package in ("organizer", "surveys")
               for p in (ROOT / package).rglob("*.py") if "whoever runs the server" in p.read_text()]
    assert holders == [Path("organizer/unit_surveys/services.py")]


def test_the_unions_floors_start_at_the_engines_default_k():
    assert DEFAULT_RESULTS_FLOOR == SurveyKind.PULSE.default_threshold
    assert DEFAULT_ENDORSEMENT_FLOOR == SurveyKind.ENDORSEMENT.default_threshold
    columns = Union.__table__.c
    assert columns.release_threshold.default.arg == SurveyKind.PULSE.default_threshold
    assert columns.endorsement_threshold.default.arg == SurveyKind.ENDORSEMENT.default_threshold


def test_no_module_writes_a_k_of_its_own():
    """The default k is `SurveyKind.default_threshold`; a literal `release_threshold=5`
    in the code would be a second source."""
    pattern = re.compile(r"release_threshold\s*=\s*\d")
    holders = [str(p.relative_to(ROOT)) for package in ("organizer", "surveys")
               for p in (ROOT / package).rglob("*.py") if pattern.search(p.read_text())]
    assert holders == []


# -- the strength card -----------------------------------------------------------------------------

def _strength(*, known: bool = True, tests: int = 2) -> UnitStrength:
    unit = SimpleNamespace(id=7, name="Warehouse")
    pulse = SimpleNamespace(title="October <pulse>", closed_on=date(2026, 10, 8), key_mode=KeyMode.SERVER_KEY)
    held = [SimpleNamespace(kind=StructureTestKind.PETITION if i % 2 == 0 else StructureTestKind.RALLY,
                            held_on=date(2026, 9, 1 + i), share=0.6, participants=18, headcount=30, met_target=i == 0)
            for i in range(tests)]
    evidence = [Evidence(EvidenceSource.STRUCTURE_TEST, 18, 30, t.held_on, True, t.kind.label, test=t) for t in held]
    return UnitStrength(
        unit=unit, headcount=30 if known else 0, members=12 if known else 0, pulse=pulse if known else None,
        participation=Participation(20, 30, 24) if known else None,
        support=Share(15, 20, 0.53, 0.89) if known else None,
        support_note=None if known else "No pulse survey has been released yet.",
        tier=StrengthTier.MAJORITY, rests_on=evidence[0] if evidence else None, window_days=90,
        window_start=date(2026, 7, 1), evidence=evidence, structure_tests=held)


def _page(app, strength: UnitStrength) -> str:
    with app.test_request_context():
        macro = app.jinja_env.get_template("_macros/context.html").module.strength_card
        html = str(macro(strength))
    if strength.pulse is not None:
        assert "&lt;pulse&gt;" in html  # a member-written title stays escaped
    html = re.sub(r"</?span[^>]*>", "", html)  # inline: a title marked |untranslated reads on with its quotes
    return re.sub(r"\s+", " ", Markup(re.sub(r"<[^>]+>", " ", html)).unescape()).strip()


def test_the_exports_read_the_card_as_the_page_does():
    strength = _strength()
    assert exports.strength_lines(SimpleNamespace(strength=strength)) == [
        ("Tier", "Majority (more than half the unit)"),
        ("Tier rests on", "18 of 30 took part in the majority petition of 1 Sep 2026 — 60% of the unit"),
        ("Counted", "evidence from the last 90 days (since 1 Jul 2026); older evidence is listed, not counted"),
        ("Density", "40%: 12 members of the 30 coworkers on the chart"),
        ("Support", "75%: 15 of the 20 who answered said yes (15 of the unit's 30); "
                    "likely between 53% and 89% of the whole unit"),
        ("Participation", "67%: 20 of 30 coworkers answered (24 of them have accounts)"),
        ("Structure test", "Majority petition, 1 Sep 2026: 60% (18 of 30), reached its target of 50%"),
        ("Structure test", "Rally, 2 Sep 2026: 60% (18 of 30), short of its target of 75%"),
        ("Temperature check", "October <pulse>, closed 8 Oct 2026, who could decrypt: "
                              f"{unit_surveys.SERVER_KEY_WORDS}"),
        ("What the words mean", strength.card.terms),
    ]
    assert "95% confidence interval" in strength.card.terms
    assert exports.strength_lines(SimpleNamespace(strength=_strength(known=False, tests=0))) == [
        ("Tier", "Majority (more than half the unit)"), ("Tier rests on", "no evidence from the last 90 days"),
        ("Counted", "evidence from the last 90 days (since 1 Jul 2026); older evidence is listed, not counted"),
        ("Density", "no one charted yet"), ("Support", "No pulse survey has been released yet."),
        ("Participation", "no temperature check released yet"), ("What the words mean", strength.card.terms),
    ]


def test_the_page_reads_the_card_in_plain_words(app):
    page = _page(app, _strength())
    for words in ("Union strength: Warehouse", "Majority — more than half the unit",
                  "The tier rests on: 18 of 30 took part in the majority petition of 1 Sep 2026",
                  "Density 40% 12 members of the 30 coworkers on the chart",
                  "Support 75% 15 of the 20 who answered said yes (15 of the unit's 30); "
                  "likely between 53% and 89% of the whole unit",
                  "Participation 67% 20 of 30 coworkers answered (24 of them have accounts)",
                  "Counted: evidence from the last 90 days (since 1 Jul 2026)",
                  "Temperature check: “October <pulse>”, closed 8 Oct 2026; "
                  f"who could decrypt: {unit_surveys.SERVER_KEY_WORDS}.",
                  "Majority petition, 1 Sep 2026: 60% (18 of 30) — reached its target of 50% (a majority)",
                  "Rally, 2 Sep 2026: 60% (18 of 30) — short of its target of 75%"):
        assert words in page
    assert "95% interval" not in page.split("What these figures mean")[0]  # the term is in the help, not the figure
    unknown = _page(app, _strength(known=False, tests=0))
    for words in ("Density — no one charted yet", "Support — No pulse survey has been released yet.",
                  "Participation — no temperature check released yet"):
        assert words in unknown
    assert "Temperature check:" not in unknown and "Structure tests" not in unknown


def test_the_page_and_the_exports_take_every_figure_from_the_one_card(app):
    strength = _strength()
    page, lines = _page(app, strength), dict(exports.strength_lines(SimpleNamespace(strength=strength)))
    card = strength.card
    for figure in card.figures:
        assert f"{figure.name} {figure.value} {figure.detail}" in page
        assert lines[figure.name] == figure.line and figure.value in figure.line
    assert card.tier_meaning in page and card.tier_meaning in lines["Tier"]
    assert card.rests_on in page and lines["Tier rests on"] == card.rests_on


def test_the_page_lists_the_newest_tests_and_the_exports_all(app):
    strength = _strength(tests=TESTS_ON_THE_PAGE + 2)
    page = _page(app, strength)
    lines = [text for label, text in exports.strength_lines(SimpleNamespace(strength=strength))
             if label == "Structure test"]
    assert len(lines) == TESTS_ON_THE_PAGE + 2
    assert page.count("its target of") == TESTS_ON_THE_PAGE
    assert "5 Sep 2026" in page and "6 Sep 2026" not in page
