"""Union strength and coworker weighting: the collective context every demand carries.

Strength is per bargaining unit: density from the chart (from valid union cards,
once a unit has any: see `organizer.cards`), participation and
support from the unit's temperature check (its latest released recurring pulse,
or a one-off pulse an organizer marked: see `temperature`), and a tier read
from *recent* evidence only, each figure a share of the *whole* unit, the
chart's headcount, never of the account holders alone. Evidence older than the
union's window is kept as history; where two recent figures disagree, the
strength says so instead of letting the best one speak alone.

Coworker weighting comes from released endorsement surveys only: the engine has
already refused every figure fewer than k people stand behind, and a backing is
shown only when at least k coworkers gave an agreement answer (not "can't say")."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext

from core.clock import today
from core.extensions import db
from core.i18n import format_day, format_number, format_percent
from organizer.cards import density as unit_density
from organizer.charting import roster
from organizer.charting.models import BargainingUnit
from organizer.strength import temperature
from organizer.strength.card import BackingWords, StrengthCard, backing_words, strength_card
from organizer.strength.models import StructureTest
from organizer.unit_surveys.services import unit_scope, who_can_decrypt
from surveys import results
from surveys.models import QuestionType, Survey, SurveyKind
from surveys.results import ReleasedResult
from surveys.stats import wilson_interval

#: A coworker weight starts from this many imaginary neutral answers, so that
#: three enthusiastic answers do not outweigh thirty mixed ones.
PRIOR_ANSWERS = 3

NEUTRAL_WEIGHT = 0.5

#: Scale points 1..5 mapped to 0..1.
AGREEMENT_SCORES = (0.0, 0.25, 0.5, 0.75, 1.0)

#: The scale points that mean "agree": 4 (agree) and 5 (strongly agree), as indexes.
AGREEING_POINTS = (3, 4)

#: What the ranking weight is, for the page that ranks by it (it is not a share of anyone).
WEIGHT_RULE = lazy_gettext("Backing in the score is a weight from 0 to 1 made from coworkers' average answer "
                           "(1 = strongly disagree is 0, 5 = strongly agree is 1), pulled toward the middle (0.5) as "
                           "if %(prior)s more coworkers had answered \u201cneither\u201d, so that a few keen answers "
                           "do not outrank many mixed ones; it is not the share who agree.", prior=PRIOR_ANSWERS)

#: A figure that fewer than this share of the unit stands behind is marked as such.
SMALL_SHARE = 1 / 3

#: Two recent figures disagree when one reads at least this many tiers below the other.
DISAGREEMENT_GAP = 2


class StrengthTier(enum.Enum):
    """Organizing milestones, each a share of the whole unit (PRODUCT.md)."""

    BUILDING = ("building", lazy_gettext("Building"), lazy_gettext("under %(share)s of the unit"), 0.3)
    SHOWING_OF_INTEREST = ("showing_of_interest", lazy_gettext("Showing of interest"),
                           lazy_gettext("at least %(share)s of the unit, enough to petition for an election"), 0.3)
    MAJORITY = ("majority", lazy_gettext("Majority"), lazy_gettext("more than half the unit"), 0.5)
    SUPERMAJORITY = ("supermajority", lazy_gettext("Supermajority"),
                     lazy_gettext("at least %(share)s of the unit, where campaigns commonly go public"), 0.7)
    STRIKE_READY = ("strike_ready", lazy_gettext("Strike-ready"),
                    lazy_gettext("at least %(share)s of the unit in a vote or a structure test"), 0.9)

    def __init__(self, key: str, label: str, meaning: str, share: float) -> None:
        self.key, self.label = key, label
        self._meaning, self._share = meaning, share

    @property
    def meaning(self) -> str:
        """What the tier means, in the language of the moment (its share written the language's way)."""
        return self._meaning % {"share": format_percent(self._share)}

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


@dataclass(frozen=True)
class Participation:
    """Who answered the temperature check, of the whole unit (not only those with accounts)."""

    answered: int
    #: The unit's headcount: the chart's (or the answers, should the chart have shrunk below them).
    headcount: int
    #: Coworkers with accounts the pulse was sent to.
    with_accounts: int

    @property
    def share(self) -> float:
        return self.answered / self.headcount

    @property
    def is_small_share(self) -> bool:
        """Answered by so few of the unit that its figures say little about the rest."""
        return self.answered < self.headcount * SMALL_SHARE


class EvidenceSource(enum.Enum):
    MEMBERSHIP = "membership"
    #: Valid union cards, in place of the chart's member ticks once a unit has cards.
    UNION_CARDS = "union_cards"
    PULSE = "pulse"
    VOTE = "vote"
    STRUCTURE_TEST = "structure_test"


@dataclass(frozen=True)
class Evidence:
    """One figure the tier may rest on, as people of the whole unit."""

    source: EvidenceSource
    #: How many of the unit it shows: members, yes answers, people who took part.
    count: int
    #: Of how many: the chart's headcount, or a structure test's headcount that day.
    total: int
    #: The day it is from (membership: today's chart).
    day: date
    #: Within the union's evidence window, so counted in the tier; older evidence is history.
    is_recent: bool
    #: The survey's title, or the action's kind ("Rally"); None for membership.
    name: str | None = None
    #: A survey's yes answers among those who answered, with its 95% interval.
    among_answered: Share | None = None
    #: The structure test it comes from, if any.
    test: StructureTest | None = None

    @property
    def share(self) -> float:
        return self.count / self.total

    @property
    def from_action(self) -> bool:
        """People voting or acting, not cards or answers: only that can make a unit strike-ready."""
        return self.source in (EvidenceSource.VOTE, EvidenceSource.STRUCTURE_TEST)

    @property
    def tier(self) -> StrengthTier:
        return tier_for([(self.share, self.from_action)])

    @property
    def most_it_allows(self) -> float | None:
        """The highest share of the unit behind the union this evidence leaves possible: a
        survey's answers, at the top of their interval; an action, its turnout. Membership
        says nothing against support (many back the union before they join), so None."""
        if self.among_answered is not None:
            return self.among_answered.high
        return self.share if self.source is EvidenceSource.STRUCTURE_TEST else None

    def contradicts(self, tier: StrengthTier) -> bool:
        """Whether even the kindest reading of this evidence sits far below `tier`."""
        most = self.most_it_allows
        return most is not None and tier.level - tier_for([(most, True)]).level >= DISAGREEMENT_GAP


#: Organizers chase segments whose response rate falls below this.
PARTICIPATION_TARGET = 0.65


@dataclass(frozen=True)
class SegmentParticipation:
    """Response rate of one released segment (at least k people) of the temperature check."""

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
    #: The chart's headcount: every share of the whole unit is of this.
    headcount: int
    members: int
    #: The temperature check the support and participation come from, if any.
    pulse: Survey | None
    participation: Participation | None
    #: Share answering yes to the pulse's first yes/no question, among respondents.
    support: Share | None
    #: Why there is no support figure, when there is none.
    support_note: str | None
    tier: StrengthTier
    #: The recent evidence the tier rests on; None when there is none.
    rests_on: Evidence | None
    #: The union's evidence window, in days, and the first day inside it.
    window_days: int
    window_start: date
    #: Every piece of evidence, recent and older, newest first.
    evidence: list[Evidence] = field(default_factory=list)
    #: Every structure test recorded, newest first (the organizers' list, to correct or remove).
    structure_tests: list[StructureTest] = field(default_factory=list)
    #: A released one-off pulse newer than the temperature check, left out of its figures.
    one_off_pulse: Survey | None = None
    #: Organizers' figures, when asked for.
    organizer: OrganizerFigures | None = None
    #: `members` counts valid union cards (the unit has cards), not the chart's member ticks.
    members_from_cards: bool = False

    @property
    def density(self) -> float | None:
        return self.members / self.headcount if self.headcount else None

    @property
    def recent_evidence(self) -> list[Evidence]:
        return [item for item in self.evidence if item.is_recent]

    @property
    def history(self) -> list[Evidence]:
        """Evidence older than the window: listed, never counted."""
        return [item for item in self.evidence if not item.is_recent]

    @property
    def disagreements(self) -> list[Evidence]:
        """Recent evidence that even at its kindest reads far below the tier."""
        return [item for item in self.recent_evidence if item is not self.rests_on and item.contradicts(self.tier)]

    @property
    def pulse_is_recent(self) -> bool:
        return self.pulse is not None and self.pulse.closed_on is not None and self.pulse.closed_on >= self.window_start

    @property
    def key_mode_label(self) -> str | None:
        """Who could decrypt the temperature check, in the words every result uses."""
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
    if not counts or not result.whole.respondents:
        return None
    return counts[0], result.whole.respondents


def temperature_check(unit: BargainingUnit) -> tuple[Survey | None, Survey | None]:
    """The unit's latest released temperature check, and the newest released one-off
    pulse closed after it (or at all, when there is no temperature check), which its
    figures leave out."""
    marked = temperature.marked_survey_ids(unit)
    newer_one_off = None
    for survey in results.released_surveys(unit_scope(unit), SurveyKind.PULSE):  # newest first
        if temperature.counts_as_temperature_check(survey, marked):
            return survey, newer_one_off
        newer_one_off = newer_one_off or survey
    return None, newer_one_off


def unit_strength(unit: BargainingUnit, *, for_organizers: bool = False) -> UnitStrength:
    """The unit's strength; `for_organizers` adds assessed support and per-segment participation
    (the caller decides who is an organizer)."""
    # The one density every page shows (valid union cards once the unit has any, else the chart).
    density = unit_density.density_of(unit)
    headcount, members = density.headcount, density.counted
    window_days = unit.union.evidence_window_days
    window_start = today() - timedelta(days=window_days)
    evidence: list[Evidence] = []
    if headcount:
        source = EvidenceSource.UNION_CARDS if density.from_cards else EvidenceSource.MEMBERSHIP
        evidence.append(Evidence(source, members, headcount, today(), True))
    pulse, one_off = temperature_check(unit)
    pulse_result = results.released(pulse) if pulse is not None else None
    participation = support = None
    support_note = (gettext("No pulse survey has been released yet.") if one_off is None else
                    gettext("No temperature check yet: no recurring pulse, or one an organizer counts, has been "
                            "released."))
    if pulse_result is not None:
        answered = pulse_result.whole.respondents
        if max(headcount, answered):
            participation = Participation(answered, max(headcount, answered), pulse_result.eligible)
        yes = _yes_count(pulse_result)
        if yes is None:
            support_note = gettext("The temperature check had fewer than %(k)s answers, or no yes/no question.",
                                   k=format_number(pulse.release_threshold))
        else:
            support, support_note = Share.of(*yes), None
            evidence.append(_survey_evidence(EvidenceSource.PULSE, pulse, yes, participation.headcount, window_start))
    vote = results.latest_released(unit_scope(unit), SurveyKind.VOTE)
    vote_yes = _yes_count(vote) if vote is not None else None
    if vote_yes is not None and headcount:
        evidence.append(_survey_evidence(EvidenceSource.VOTE, vote.survey, vote_yes, max(headcount, vote_yes[1]),
                                         window_start))
    tests = list(db.session.scalars(sa.select(StructureTest).where(StructureTest.unit_id == unit.id)
                                    .order_by(StructureTest.held_on.desc(), StructureTest.id.desc())))
    evidence += [Evidence(EvidenceSource.STRUCTURE_TEST, test.participants, test.headcount, test.held_on,
                          test.held_on >= window_start, test.kind.label, test=test) for test in tests]
    evidence.sort(key=lambda item: item.day, reverse=True)
    recent = [item for item in evidence if item.is_recent]
    rests_on = max(recent, key=lambda item: (item.tier.level, item.share, item.day), default=None)
    tier = rests_on.tier if rests_on is not None else StrengthTier.BUILDING
    organizer = _organizer_figures(unit, pulse_result, headcount) if for_organizers else None
    return UnitStrength(unit, headcount, members, pulse, participation, support, support_note, tier, rests_on,
                        window_days, window_start, evidence, tests, one_off, organizer,
                        members_from_cards=density.from_cards)


def _survey_evidence(source: EvidenceSource, survey: Survey, yes: tuple[int, int], unit_headcount: int,
                     window_start: date) -> Evidence:
    day = survey.closed_on or today()
    return Evidence(source, yes[0], unit_headcount, day, day >= window_start, survey.title,
                    among_answered=Share.of(*yes))


def _organizer_figures(unit: BargainingUnit, pulse: ReleasedResult | None, headcount: int) -> OrganizerFigures:
    # Assessments are sealed, so SQL cannot count them: the roster's summary has the counts.
    levels = roster.summaries([unit])[unit.id].counts_by_assessment
    supporters = levels[1] + levels[2]
    segments = segment_participation(pulse, pulse.survey.release_threshold) if pulse is not None else []
    return OrganizerFigures(Share.of(supporters, headcount) if headcount else None, segments)


def segment_participation(pulse: ReleasedResult, k: int) -> list[SegmentParticipation]:
    """How many answered in each released segment, held back as complementary suppression holds
    back results: in each dimension, those who answered in no segment shown (a withheld one's, or
    counted in the whole only) must be none or at least k, since the whole's participation is shown
    too; otherwise the smallest segment shown is held back as well, until they are."""
    segments = []
    for groups in pulse.breakdowns.values():
        shown = [group for group in groups if group.is_approved and group.eligible]
        while shown and 0 < pulse.whole.respondents - sum(group.respondents for group in shown) < k:
            shown.remove(min(shown, key=lambda group: (group.respondents, group.label)))
        segments += [SegmentParticipation(group.dimension or "", group.label, group.respondents, group.eligible)
                     for group in shown]
    return segments


# -- coworker weighting ---------------------------------------------------------------------------

NOT_YET_ASKED = lazy_gettext("Not yet put to coworkers.")


@dataclass(frozen=True)
class Backing:
    """How strongly coworkers back one claim or demand: shown as the share who agree
    ("5 of 6 coworkers agree"), ranked by the shrunk weight (`WEIGHT_RULE`)."""

    #: The ranking weight, 0..1 shrunk toward neutral; None until an endorsement survey
    #: about it is released with enough agreement answers.
    weight: float | None = None
    #: Coworkers who gave an agreement answer (not "can't say"); only shown with a weight.
    answers: int | None = None
    #: Mean agreement on the 1-5 scale.
    mean_agreement: float | None = None
    #: What to say when there is no weight.
    note: str = NOT_YET_ASKED
    #: The released endorsement survey the weight comes from.
    survey_id: int | None = None
    #: Of `answers`, those who answered 4 (agree) or 5 (strongly agree).
    agree: int | None = None

    @property
    def is_known(self) -> bool:
        return self.weight is not None

    @property
    def share_agreeing(self) -> float | None:
        return self.agree / self.answers if self.is_known and self.agree is not None and self.answers else None

    @property
    def words(self) -> BackingWords:
        """The backing as the page and the exports write it."""
        return backing_words(self)


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


def agreeing_from_counts(counts: list[int]) -> tuple[int, int] | None:
    """(coworkers who agree, coworkers who gave an agreement answer) from the released counts
    of a 1-5 agreement question: 4 and 5 count as agreeing; "can't say" is no answer."""
    scale = counts[:len(AGREEMENT_SCORES)]
    answers = sum(scale)
    if answers == 0:
        return None
    return sum(scale[point] for point in AGREEING_POINTS if point < len(scale)), answers


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
            found[ref] = Backing(note=pending or gettext("Not yet put to coworkers."))
            continue
        question, result = latest[ref]
        survey = result.survey
        k = survey.release_threshold
        counts = result.whole.counts_for(question)
        counted = weight_from_counts(list(counts)) if counts is not None else None
        if counted is None or counted[1] < k:
            found[ref] = Backing(note=pending or gettext("Not enough answers yet (fewer than %(k)s coworkers).",
                                                         k=format_number(k)),
                                 survey_id=survey.id)
            continue
        weight, answers, mean = counted
        agree, _ = agreeing_from_counts(list(counts))
        found[ref] = Backing(weight=weight, answers=answers, mean_agreement=mean, survey_id=survey.id,
                             note=pending or "", agree=agree)
    return found


def _pending_note(item) -> str | None:
    survey = item.survey_being_answered
    if survey is not None:
        if survey.closes_at:
            return gettext("Coworkers are weighing in until %(day)s.", day=format_day(survey.closes_at.date()))
        return gettext("Coworkers are weighing in.")
    if item.awaits_endorsement_survey:
        return gettext("Asked for coworkers' endorsement; waiting for an organizer to send the survey.")
    return None
