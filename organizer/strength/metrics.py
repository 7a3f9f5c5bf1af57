"""Union strength and coworker weighting: the collective context every demand carries.

Strength is per bargaining unit: density from the chart, participation and
support from the latest released pulse (with 95% Wilson intervals), and a tier
read from the evidence, each figure taken as a share of the *whole* unit.
Coworker weighting comes from released endorsement surveys only: the engine has
already refused every figure fewer than k people stand behind, and a weight is
shown only when at least k coworkers gave an agreement answer (not "can't say")."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from core.extensions import db
from organizer.charting import unions
from organizer.charting.models import BargainingUnit, Person
from organizer.strength.card import StrengthCard, strength_card
from organizer.strength.models import StructureTest
from organizer.unit_surveys.services import unit_scope, who_can_decrypt
from surveys import results
from surveys.models import QuestionType, Survey, SurveyKind, SurveyState
from surveys.results import ReleasedResult
from surveys.stats import wilson_interval

#: A coworker weight starts from this many imaginary neutral answers, so that
#: three enthusiastic answers do not outweigh thirty mixed ones.
PRIOR_ANSWERS = 3

NEUTRAL_WEIGHT = 0.5

#: Scale points 1..5 mapped to 0..1.
AGREEMENT_SCORES = (0.0, 0.25, 0.5, 0.75, 1.0)


class StrengthTier(enum.Enum):
    """Organizing milestones, each a share of the whole unit (PRODUCT.md)."""

    BUILDING = ("building", "Building", "under 30% of the unit")
    SHOWING_OF_INTEREST = ("showing_of_interest", "Showing of interest",
                           "at least 30%: enough to petition for an election")
    MAJORITY = ("majority", "Majority", "more than half the unit")
    SUPERMAJORITY = ("supermajority", "Supermajority", "at least 70%: where campaigns commonly go public")
    STRIKE_READY = ("strike_ready", "Strike-ready", "at least 90% in a vote or a structure test")

    def __init__(self, key: str, label: str, meaning: str) -> None:
        self.key, self.label, self.meaning = key, label, meaning

    @property
    def level(self) -> int:
        return list(StrengthTier).index(self) + 1


def tier_for(evidence: Iterable[tuple[float, bool]]) -> StrengthTier:
    """The highest tier the evidence supports; each item is (share of the unit,
    whether it comes from a vote or a structure test). Strike-ready needs people
    acting or voting, not a card count or a survey answer."""
    tier = StrengthTier.BUILDING
    for share, from_action in evidence:
        if share >= 0.9 and from_action:
            reached = StrengthTier.STRIKE_READY
        elif share >= 0.7:
            reached = StrengthTier.SUPERMAJORITY
        elif share > 0.5:
            reached = StrengthTier.MAJORITY
        elif share >= 0.3:
            reached = StrengthTier.SHOWING_OF_INTEREST
        else:
            reached = StrengthTier.BUILDING
        tier = max(tier, reached, key=lambda t: t.level)
    return tier


@dataclass(frozen=True)
class Share:
    count: int
    total: int
    low: float
    high: float

    @property
    def share(self) -> float:
        return self.count / self.total

    @classmethod
    def of(cls, count: int, total: int) -> Share:
        return cls(count, total, *wilson_interval(count, total))


#: Organizers chase segments whose response rate falls below this.
PARTICIPATION_TARGET = 0.65


@dataclass(frozen=True)
class SegmentParticipation:
    """Response rate of one released segment (at least k people) of the latest pulse."""

    dimension: str
    label: str
    respondents: int
    eligible: int

    @property
    def share(self) -> float:
        return self.respondents / self.eligible

    @property
    def below_target(self) -> bool:
        return self.share < PARTICIPATION_TARGET


@dataclass(frozen=True)
class OrganizerFigures:
    """What only the union's organizers see: the chart's assessments and the gaps to chase."""

    #: Coworkers assessed 1 or 2 (leader, supporter) of the headcount.
    assessed_support: Share | None
    segments: list[SegmentParticipation]
    target: float = PARTICIPATION_TARGET


@dataclass(frozen=True)
class UnitStrength:
    unit: BargainingUnit
    headcount: int
    members: int
    #: The latest released pulse, if any.
    pulse: Survey | None
    participation: Share | None
    #: Share answering yes to the pulse's first yes/no question, among respondents.
    support: Share | None
    #: Why there is no support figure, when there is none.
    support_note: str | None
    tier: StrengthTier
    #: What the tier rests on, in words.
    tier_evidence: str
    #: Recorded structure tests, newest first.
    structure_tests: list[StructureTest]
    #: Organizers' figures, when asked for.
    organizer: OrganizerFigures | None = None

    @property
    def density(self) -> float | None:
        return self.members / self.headcount if self.headcount else None

    @property
    def key_mode_label(self) -> str | None:
        """Who could decrypt the latest pulse, in the words every result uses."""
        if self.pulse is None:
            return None
        return who_can_decrypt(self.pulse)

    @property
    def card(self) -> StrengthCard:
        """The card's words, which the page and every export share."""
        return strength_card(self)


def _yes_count(result: ReleasedResult) -> tuple[int, int] | None:
    """(yes answers, respondents) of the survey's first yes/no question, when released for the whole unit."""
    question = result.first_question(QuestionType.YES_NO)
    counts = result.whole.counts_for(question) if question is not None else None
    if not counts:
        return None
    return counts[0], result.whole.respondents


def unit_strength(unit: BargainingUnit, *, for_organizers: bool = False) -> UnitStrength:
    """The unit's strength; `for_organizers` adds assessed support and per-segment participation
    (the caller decides who is an organizer)."""
    [figures] = unions.unit_figures([unit])
    headcount, members = figures.headcount, figures.members
    pulse_result = results.latest_released(unit_scope(unit), SurveyKind.PULSE)
    pulse = pulse_result.survey if pulse_result is not None else None
    participation = support = None
    support_note = "No pulse survey has been released yet."
    evidence: list[tuple[float, bool]] = []
    words: list[str] = []
    if headcount:
        evidence.append((members / headcount, False))
        words.append(f"{members} of {headcount} are members")
    if pulse_result is not None:
        if pulse_result.eligible:
            participation = Share.of(pulse_result.whole.respondents, pulse_result.eligible)
        yes = _yes_count(pulse_result)
        if yes is None:
            support_note = (f"The latest pulse had fewer than {pulse.release_threshold} answers, "
                            "or no yes/no question.")
        else:
            support, support_note = Share.of(*yes), None
            if headcount:
                evidence.append((yes[0] / headcount, False))
                words.append(f"{yes[0]} answered yes in the latest pulse")
    vote = results.latest_released(unit_scope(unit), SurveyKind.VOTE)
    vote_yes = _yes_count(vote) if vote is not None else None
    if vote_yes is not None and headcount:
        evidence.append((vote_yes[0] / headcount, True))
        words.append(f"{vote_yes[0]} voted yes in “{vote.survey.title}”")
    tests = list(db.session.scalars(sa.select(StructureTest).where(StructureTest.unit_id == unit.id)
                                    .order_by(StructureTest.held_on.desc(), StructureTest.id.desc())))
    for test in tests:
        evidence.append((test.share, True))
    if tests:
        best = max(tests, key=lambda t: t.share)
        words.append(f"{best.participants} of {best.headcount} took part in the {best.kind.label.lower()} "
                     f"of {best.held_on}")
    tier = tier_for(evidence)
    tier_evidence = ("; ".join(words) + f" (headcount {headcount})") if words else "No evidence yet."
    organizer = _organizer_figures(unit, pulse_result, headcount) if for_organizers else None
    return UnitStrength(unit, headcount, members, pulse, participation, support, support_note, tier, tier_evidence,
                        tests, organizer)


def _organizer_figures(unit: BargainingUnit, pulse: ReleasedResult | None, headcount: int) -> OrganizerFigures:
    # Assessments are sealed, so they are counted here rather than in SQL.
    people = db.session.scalars(sa.select(Person).where(Person.unit_id == unit.id))
    supporters = sum(1 for person in people if person.assessment in (1, 2))
    segments = []
    if pulse is not None:
        for group in pulse.breakdown_groups:
            if group.is_approved and group.eligible:
                segments.append(SegmentParticipation(group.dimension or "", group.label, group.respondents,
                                                     group.eligible))
    return OrganizerFigures(Share.of(supporters, headcount) if headcount else None, segments)


# -- coworker weighting ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Backing:
    """How strongly coworkers back one claim or demand."""

    #: None until an endorsement survey about it is released with enough agreement answers.
    weight: float | None = None
    #: Coworkers who gave an agreement answer (not "can't say"); only shown with a weight.
    answers: int | None = None
    #: Mean agreement on the 1-5 scale.
    mean_agreement: float | None = None
    #: What to say when there is no weight.
    note: str = "Not yet put to coworkers."
    #: The released endorsement survey the weight comes from.
    survey_id: int | None = None

    @property
    def is_known(self) -> bool:
        return self.weight is not None


def weight_from_counts(counts: list[int]) -> tuple[float, int, float] | None:
    """(weight 0..1 shrunk toward neutral, answers, mean agreement 1..5) from the
    released counts of a 1-5 agreement question (a trailing "can't say" slot is ignored)."""
    scale = counts[:len(AGREEMENT_SCORES)]
    answers = sum(scale)
    if answers == 0:
        return None
    total = sum(count * score for count, score in zip(scale, AGREEMENT_SCORES))
    weight = (total + PRIOR_ANSWERS * NEUTRAL_WEIGHT) / (answers + PRIOR_ANSWERS)
    mean = sum(count * (point + 1) for point, count in enumerate(scale)) / answers
    return weight, answers, mean


def backings(unit: BargainingUnit, items: Iterable) -> dict[str, Backing]:
    """Backing of each claim or demand (anything with `subject_ref`,
    `survey_being_answered` and `awaits_endorsement_survey`: demands' models,
    a layer above, provide them), keyed by subject ref: one query for all of them."""
    items = list(items)
    refs = [item.subject_ref for item in items]
    if not refs:
        return {}
    latest = results.latest_released_about(unit_scope(unit), SurveyKind.ENDORSEMENT, refs)
    found: dict[str, Backing] = {}
    for item in items:
        ref = item.subject_ref
        pending = _pending_note(item)
        if ref not in latest:
            found[ref] = Backing(note=pending or "Not yet put to coworkers.")
            continue
        question, result = latest[ref]
        survey = result.survey
        k = survey.release_threshold
        counts = result.whole.counts_for(question)
        counted = weight_from_counts(list(counts)) if counts is not None else None
        if counted is None or counted[1] < k:
            found[ref] = Backing(note=pending or f"Not enough answers yet (fewer than {k} coworkers).",
                                 survey_id=survey.id)
            continue
        weight, answers, mean = counted
        found[ref] = Backing(weight=weight, answers=answers, mean_agreement=mean, survey_id=survey.id,
                             note=pending or "")
    return found


def _pending_note(item) -> str | None:
    survey = item.survey_being_answered
    if survey is not None:
        closes = f" until {survey.closes_at:%d %b %Y}" if survey.closes_at else ""
        return f"Coworkers are weighing in{closes}."
    if item.awaits_endorsement_survey:
        return "Asked for coworkers' endorsement; waiting for an organizer to send the survey."
    return None
