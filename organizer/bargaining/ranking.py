"""The ranked items of a unit's bargaining summary: every demand of the unit, a
demand a steward combined with another counted toward that one, scored by the
documented rule (`SCORE_RULE`), grouped by category, questions apart, with
counts per tier; where the members' bargaining priorities are released
(`priorities`), the categories in their order and each score weighed by them.

They are plain values, not rows: the summary page, its downloads and the
prepared summary (`organizer.bargaining.prepared`, which stores them sealed and
reads them back without touching the demands' tables) all share them. `rank`
computes them from the tables in the same few statements for a unit of any
size: the demands' columns, the endorsement surveys they were put to, their
answers, the names members allowed, the coworker backing of them all, and
the unit's latest released bargaining priorities.

Nothing in them names a member unless that member marked the demand attributable.

No words of the interface are stored in them but each backing's note ("Coworkers
are weighing in until 12 Dec 2026."), which the backing's rules write as words:
it is kept in every language the interface is written in, and read back in the
reader's, so the stored items never show one reader the language of whoever
changed a demand last."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext

from core import i18n
from core.extensions import db
from organizer.accounts.models import Account
from organizer.bargaining import priorities as member_priorities
from organizer.bargaining.priorities import Priorities
from organizer.charting.models import BargainingUnit
from organizer.demands.models import (
    Basis,
    Category,
    Demand,
    DemandKind,
    EmployerAnswer,
    EmployerResponse,
    EndorsementState,
    Tier,
)
from organizer.strength import metrics
from surveys.models import Survey

#: Backing assumed for an item coworkers have not weighed yet: neither for nor against.
UNWEIGHED_BACKING = metrics.NEUTRAL_WEIGHT

SCORE_RULE = lazy_gettext(
    "Score = coworker backing (0 to 1; 0.5 while coworkers have not weighed in) × the sum of the tier weights of "
    "every member raising it (dealbreaker 5, priority 4, important 3, nice to have 2, curious 1) × the members' "
    "priority for its category (1 + the share of those who answered the latest released bargaining priorities "
    "survey who put the category in their top places; 1 while none is released). A demand a steward combined "
    "with another counts toward that one. %(weight_rule)s", weight_rule=metrics.WEIGHT_RULE)

#: The heading of the questions, which are listed apart from the demands' categories.
QUESTIONS = lazy_gettext("Questions to the employer")


@dataclass(frozen=True, slots=True)
class SummaryAnswer:
    """One answer the employer gave to a demand, with its day."""

    response: EmployerResponse
    note: str | None
    recorded_on: date


@dataclass(frozen=True, slots=True)
class SummaryDemand:
    """What the summary shows of a demand: its words and importance, and the employer's
    answers, oldest first (the same names as `Demand`'s, so pages and exports read either)."""

    id: int
    text: str
    kind: DemandKind
    tier: Tier
    basis: Basis
    category: Category
    employer_answers: tuple[SummaryAnswer, ...] = ()

    @property
    def latest_answer(self) -> SummaryAnswer | None:
        return self.employer_answers[-1] if self.employer_answers else None

    @property
    def earlier_answers(self) -> list[SummaryAnswer]:
        """The answers before the latest, newest first."""
        return list(self.employer_answers[-2::-1])

    @property
    def employer_response(self) -> EmployerResponse | None:
        return self.latest_answer.response if self.latest_answer else None


@dataclass(frozen=True, slots=True)
class SummaryItem:
    demand: SummaryDemand
    #: The backing, its note in the language of the moment it was made or read.
    backing: metrics.Backing
    #: Members raising it: its author and the authors of demands combined with it.
    raised_by: int
    #: Names of those who allowed it; the rest are counted, never named.
    attributed_to: list[str]
    score: float
    #: The backing's note in each language (code -> words), as the stored items keep it.
    backing_notes: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CategorySection:
    category: Category
    items: list[SummaryItem]


@dataclass(frozen=True)
class RankedItems:
    #: Tier -> (demands, questions), counting every member's item (combined ones too).
    tier_counts: dict[Tier, tuple[int, int]]
    demand_sections: list[CategorySection]
    questions: list[SummaryItem]
    #: The members' released bargaining priorities the items were ranked with, or None.
    priorities: Priorities | None = None

    @property
    def items(self) -> list[SummaryItem]:
        return [item for section in self.demand_sections for item in section.items] + self.questions


def _score(backing: metrics.Backing, tiers: list[Tier], priority: float = 1.0) -> float:
    weight = backing.weight if backing.is_known else UNWEIGHED_BACKING
    return weight * sum(tier.weight for tier in tiers) * priority


@dataclass(frozen=True, slots=True)
class _DemandRow:
    """What ranking reads of a demand: its columns, not a row object of the session (a unit's
    hundreds of those would be garbage for the collector to walk through as a write commits).
    Its coworker-backing rules are the model's own."""

    id: int
    text: str
    kind: DemandKind
    tier: Tier
    basis: Basis
    category: Category
    same_as_id: int | None
    endorsement_state: EndorsementState
    endorsement_survey: Survey | None

    subject_ref = property(Demand.subject_ref.fget)
    survey_being_answered = property(Demand.survey_being_answered.fget)
    awaits_endorsement_survey = property(Demand.awaits_endorsement_survey.fget)


def _demand_rows(unit: BargainingUnit) -> list[_DemandRow]:
    of_the_unit = Demand.unit_id == unit.id
    # The few endorsement surveys the demands were put to, loaded once (each row points to one).
    surveys = {survey.id: survey for survey in db.session.scalars(sa.select(Survey).where(
        Survey.id.in_(sa.select(Demand.endorsement_survey_id).where(of_the_unit))))}
    return [_DemandRow(*columns, surveys.get(survey_id)) for *columns, survey_id in db.session.execute(
        sa.select(Demand.id, Demand.text, Demand.kind, Demand.tier, Demand.basis, Demand.category, Demand.same_as_id,
                  Demand.endorsement_state, Demand.endorsement_survey_id).where(of_the_unit))]


def rank(unit: BargainingUnit) -> RankedItems:
    """The unit's items, ranked, from its demands as the database holds them now."""
    every = _demand_rows(unit)
    answers: dict[int, list[SummaryAnswer]] = {}
    for demand_id, response, note, day in db.session.execute(
            sa.select(EmployerAnswer.demand_id, EmployerAnswer.response, EmployerAnswer.note,
                      EmployerAnswer.recorded_on).join(Demand, Demand.id == EmployerAnswer.demand_id)
            .where(Demand.unit_id == unit.id).order_by(EmployerAnswer.recorded_on, EmployerAnswer.id)):
        answers.setdefault(demand_id, []).append(SummaryAnswer(response, note, day))
    # Only the names members allowed are opened.
    names = dict(db.session.execute(
        sa.select(Demand.id, Account.display_name).join(Account, Account.id == Demand.account_id)
        .where(Demand.unit_id == unit.id, Demand.is_attributable == sa.true())).all())
    combined: dict[int, list[_DemandRow]] = {}
    for demand in every:
        if demand.same_as_id is not None:
            combined.setdefault(demand.same_as_id, []).append(demand)
    listed = [d for d in every if d.same_as_id is None]
    backings, notes = _backings_in_every_language(unit, listed)
    ranked_by_members = member_priorities.latest_released(unit)
    items = []
    for demand in listed:
        group = [demand, *combined.get(demand.id, [])]
        backing = backings[demand.subject_ref]
        items.append(SummaryItem(
            demand=SummaryDemand(demand.id, demand.text, demand.kind, demand.tier, demand.basis, demand.category,
                                 tuple(answers.get(demand.id, ()))),
            backing=backing, raised_by=len(group), attributed_to=[names[d.id] for d in group if d.id in names],
            score=_score(backing, [d.tier for d in group],
                         member_priorities.factor(ranked_by_members, demand.category)),
            backing_notes=notes[demand.subject_ref]))

    def ranked(chosen: list[SummaryItem]) -> list[SummaryItem]:
        return sorted(chosen, key=lambda i: (-i.score, i.demand.tier.rank, i.demand.id))

    sections = []
    for category in Category:
        chosen = [i for i in items if i.demand.kind == DemandKind.DEMAND and i.demand.category == category]
        if chosen:
            sections.append(CategorySection(category, ranked(chosen)))
    sections.sort(key=lambda s: -max(i.score for i in s.items))
    if ranked_by_members is not None:
        # Stable: categories with as many points keep the order their scores gave them.
        sections.sort(key=lambda s: -ranked_by_members.points(s.category))
    counted = Counter((d.tier, d.kind) for d in every)
    return RankedItems(
        tier_counts={tier: (counted[(tier, DemandKind.DEMAND)], counted[(tier, DemandKind.QUESTION)])
                     for tier in Tier},
        demand_sections=sections,
        questions=ranked([i for i in items if i.demand.kind == DemandKind.QUESTION]),
        priorities=ranked_by_members)


def _backings_in_every_language(unit: BargainingUnit, listed: list[_DemandRow]
                                ) -> tuple[dict[str, metrics.Backing], dict[str, dict[str, str]]]:
    """Each item's backing in the language of the moment, and its note (words) in every language."""
    by_language: dict[str, dict[str, metrics.Backing]] = {}
    for code in i18n.LANGUAGES:
        with i18n.in_language(code):
            by_language[code] = {ref: dataclasses.replace(backing, note=str(backing.note))
                                 for ref, backing in metrics.backings(unit, listed).items()}
    notes = {demand.subject_ref: {code: by_language[code][demand.subject_ref].note for code in by_language}
             for demand in listed}
    return by_language[_language_now()], notes


def _language_now() -> str:
    code = i18n.current_language()
    return code if i18n.is_language(code) else i18n.DEFAULT_LANGUAGE


# -- as stored: one line of JSON for the counts and the sections, then one line per item ----------

#: 3: the header carries the members' priorities (`Priorities.to_json`, or null); 2: each backing's
#: note is kept in every language (1 kept it in one). Items of an older format are ranked afresh
#: when read and stored again by the job (`prepared.prepare_missing`), as any unreadable ones: a
#: format 2 row of a unit with released priorities would otherwise show scores without them.
FORMAT = 3

#: One encoder for every line (json.dumps with options makes one per call); keys in a fixed order,
#: so equal items give equal lines.
_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)

#: What is kept of each item's backing: all of `metrics.Backing`'s fields but its note, kept per language.
_BACKING_FIELDS = tuple(field.name for field in dataclasses.fields(metrics.Backing) if field.name != "note")


class RankingFormatError(ValueError):
    """Stored ranked items that do not decode: of another format, or altered."""


def encode(ranked: RankedItems) -> bytes:
    """The items as lines of JSON: first the counts and the sections (category and length),
    then each item in the order shown, so that a page decodes only its own lines."""
    header = {"format": FORMAT,
              "tier_counts": {tier.value: list(counts) for tier, counts in ranked.tier_counts.items()},
              "sections": [[s.category.value, len(s.items)] for s in ranked.demand_sections],
              "questions": len(ranked.questions),
              "priorities": ranked.priorities.to_json() if ranked.priorities is not None else None}
    lines = [_JSON.encode(header)] + [_JSON.encode(_item_json(item)) for item in ranked.items]
    return "\n".join(lines).encode("utf-8")


def _item_json(item: SummaryItem) -> dict:
    d = item.demand
    return {"id": d.id, "text": d.text, "kind": d.kind.value, "tier": d.tier.value, "basis": d.basis.value,
            "category": d.category.value, "raised_by": item.raised_by, "named": item.attributed_to,
            "score": item.score, "backing": {name: getattr(item.backing, name) for name in _BACKING_FIELDS},
            "notes": item.backing_notes or {_language_now(): str(item.backing.note)},
            "answers": [[a.response.value, a.note, a.recorded_on.isoformat()] for a in d.employer_answers]}


def decode_item(line: bytes) -> SummaryItem:
    try:
        raw = json.loads(line)
        demand = SummaryDemand(
            raw["id"], raw["text"], DemandKind(raw["kind"]), Tier(raw["tier"]), Basis(raw["basis"]),
            Category(raw["category"]),
            tuple(SummaryAnswer(EmployerResponse(r), note, date.fromisoformat(day)) for r, note, day in raw["answers"]))
        notes = {str(code): str(note) for code, note in raw["notes"].items()}
        note = notes.get(_language_now(), notes.get(i18n.DEFAULT_LANGUAGE, ""))
        return SummaryItem(demand, metrics.Backing(**raw["backing"], note=note), raw["raised_by"],
                           list(raw["named"]), float(raw["score"]), notes)
    except (ValueError, KeyError, TypeError, AttributeError) as unreadable:
        raise RankingFormatError(f"a stored item does not decode: {unreadable}") from None


@dataclass(frozen=True)
class StoredRanking:
    """Ranked items as stored: the counts and sections read, each item's line kept undecoded
    until asked for (a page of 25 need not make objects of 600)."""

    tier_counts: dict[Tier, tuple[int, int]]
    #: (category, number of items) of each section of demands, in order.
    sections: list[tuple[Category, int]]
    questions: int
    lines: list[bytes]
    #: The counts and sections as stored (the first line).
    header: bytes = b""
    #: The members' priorities the items were ranked with, or None.
    priorities: Priorities | None = None

    @classmethod
    def decode(cls, data: bytes) -> StoredRanking:
        header, *lines = data.split(b"\n") if data else [b""]
        try:
            raw = json.loads(header)
            if raw.get("format") != FORMAT:
                raise RankingFormatError(f"unknown format {raw.get('format')!r}")
            counts = raw["tier_counts"]
            priorities = Priorities.from_json(raw["priorities"]) if raw["priorities"] is not None else None
            # In the tiers' own order (the stored keys are sorted by name).
            stored = cls({tier: (int(counts[tier.value][0]), int(counts[tier.value][1])) for tier in Tier},
                         [(Category(c), int(n)) for c, n in raw["sections"]], int(raw["questions"]), lines, header,
                         priorities)
        except (ValueError, KeyError, TypeError, AttributeError) as unreadable:
            raise RankingFormatError(f"stored ranked items do not decode: {unreadable}") from None
        if sum(n for _, n in stored.sections) + stored.questions != len(lines):
            raise RankingFormatError("the stored items do not match their sections")
        return stored

    def __len__(self) -> int:
        return len(self.lines)

    def with_answers(self, answers: dict[int, tuple[SummaryAnswer, ...]]) -> bytes:
        """The stored form again, with these demands' answers (by demand id) in place of theirs.
        Answers change neither a score nor an order, so nothing else is ranked again; a demand
        not listed (one combined with another, whose answers the summary does not show) is left out."""
        lines = list(self.lines)
        for demand_id, given in answers.items():
            # Keys are sorted, so an item's line holds `"id": N, "kind"` once; member text cannot
            # hold it (its quotes are escaped).
            marker = b'"id": %d, "kind": ' % demand_id
            at = next((i for i, line in enumerate(lines) if marker in line), None)
            if at is not None:
                item = decode_item(lines[at])
                demand = dataclasses.replace(item.demand, employer_answers=tuple(given))
                lines[at] = _JSON.encode(_item_json(dataclasses.replace(item, demand=demand))).encode("utf-8")
        return b"\n".join([self.header, *lines])

    def item(self, index: int) -> SummaryItem:
        return decode_item(self.lines[index])

    def place_of(self, index: int) -> tuple[Category | None, int]:
        """(section's category, None for the questions; rank within it from 1) of the item at `index`."""
        start = 0
        for category, count in self.sections:
            if index < start + count:
                return category, index - start + 1
            start += count
        return None, index - start + 1

    def ranked(self) -> RankedItems:
        """Every item decoded, grouped as `rank` made them."""
        items = [decode_item(line) for line in self.lines]
        sections, start = [], 0
        for category, count in self.sections:
            sections.append(CategorySection(category, items[start:start + count]))
            start += count
        return RankedItems(self.tier_counts, sections, items[start:], self.priorities)
