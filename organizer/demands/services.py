"""Leverage profiles, claims and demands, endorsement requests and the
employer's responses, and the collective context each demand is shown with.

A member writes claims (qualifications at hire, each year's performance,
needs) and demands; asks coworkers to endorse them; an organizer sends an
endorsement survey (server-held key, k = the union's endorsement floor) to the
rest of the unit, one item per survey unless every item of it names its author;
once it is released the weights stand beside the demand wherever it is shown. Stewards
see the unit's demands (names only where the author allowed it) and record the
employer's answer to each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext
from sqlalchemy.orm import joinedload, selectinload

from core.clock import today, utcnow
from core.extensions import db
from core.i18n import DEFAULT_LANGUAGE
from core.text import is_word_character
from organizer import policy
from organizer.accounts.models import Account, RoleAssignment
from organizer.accounts.services import account_ref
from organizer.charting.models import BargainingUnit
from organizer.demands.models import (
    Basis,
    Category,
    Claim,
    ClaimSection,
    Demand,
    DemandKind,
    EmployerAnswer,
    EmployerResponse,
    EndorsementState,
    Tier,
)
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from organizer.strength import metrics
from organizer.unit_surveys import pay as unit_pay
from organizer.unit_surveys import services as unit_surveys
from organizer.unit_surveys.services import electorate
from surveys import definitions, launch
from surveys.errors import SurveyError
from surveys.models import KeyMode, QuestionType, SurveyKind, SurveyState

DEMAND_TEXT = (10, 600)

#: The marks a question is written with: "?" (Latin, Devanagari and most scripts), the Arabic "؟"
#: and the full-width "？" of Chinese.
QUESTION_MARKS = ("?", "\u061f", "\uff1f")

CLAIM_TEXT = (5, 500)

NOTE_MAX = 1000

FIRST_YEAR = 1950

ENDORSEMENT_DAYS = (1, 30)

# The endorsement survey's own words (its title, intro, prompts and scale) are stored with the
# survey in every language the interface is written in, each member reading theirs: written in
# English, and again in each other language from the catalogue (surveys.definitions).
AGREEMENT_LABELS = (lazy_gettext("Strongly disagree"), lazy_gettext("Disagree"), lazy_gettext("Neither"),
                    lazy_gettext("Agree"), lazy_gettext("Strongly agree"))

DEMAND_PROMPT = lazy_gettext("How strongly do you back this demand?")

QUESTION_PROMPT = lazy_gettext("How strongly do you back this question to the employer?")

CLAIM_PROMPT = lazy_gettext("Does this match what you have seen at work?")

#: The endorsement survey's title and intro: for a claim, one demand, several demands.
ENDORSEMENT_WORDS = {
    "claim": (lazy_gettext("Back a coworker's claim"),
              lazy_gettext("A coworker asked the unit to weigh in. Say how strongly you agree with it; the weights "
                           "stand beside it at the bargaining table.")),
    "demand": (lazy_gettext("Back a coworker's demand"),
               lazy_gettext("A coworker asked the unit to weigh in. Say how strongly you agree with it; the weights "
                            "stand beside it at the bargaining table.")),
    "demands": (lazy_gettext("Back a coworker's demands"),
                lazy_gettext("A coworker asked the unit to weigh in. Say how strongly you agree with each item; the "
                             "weights stand beside it at the bargaining table.")),
}


@dataclass(frozen=True)
class DemandDetails:
    kind: DemandKind
    tier: Tier
    basis: Basis
    category: Category
    text: str
    is_attributable: bool = False
    claim_ids: Sequence[int] = ()


@dataclass(frozen=True)
class ClaimDetails:
    section: ClaimSection
    text: str
    year: int | None = None
    #: For an achievement, the id of the member's qualification at hire it grew from.
    grew_from_id: int | None = None


# -- who may act ----------------------------------------------------------------------------------

def member_unit(actor: Account) -> BargainingUnit:
    """The unit a member raises demands in (a member belongs to one unit)."""
    unit_ids = sorted(actor.unit_ids_as(Role.MEMBER))
    if not unit_ids:
        raise NotAllowed(gettext("Only members of a bargaining unit keep demands."))
    return db.session.get(BargainingUnit, unit_ids[0])


def _require_owner(actor: Account, item: Claim | Demand) -> None:
    if item.account_id != actor.id:
        raise NotAllowed(gettext("Only its author can change it."))


_STEWARDS_ONLY = lazy_gettext("Only the unit's stewards record the employer's answers.")


_ORGANIZERS_ONLY = lazy_gettext("Only the union's organizers send surveys.")


# -- demands --------------------------------------------------------------------------------------

def _clean_text(text: str, bounds: tuple[int, int], field_name: str = "text") -> str:
    text = " ".join((text or "").split())
    low, high = bounds
    if not low <= len(text) <= high:
        raise DomainError(gettext("Write between %(low)d and %(high)d characters.", low=low, high=high),
                          field=field_name)
    return text


def _validated(actor: Account, details: DemandDetails) -> tuple[DemandDetails, list[Claim]]:
    text = _clean_text(details.text, DEMAND_TEXT)
    if not any(mark in text for mark in QUESTION_MARKS):
        raise DomainError(gettext("Phrase it as a question the employer must answer, e.g. “Will you …?”"),
                          field="text")
    if details.tier == Tier.CURIOUS and details.kind != DemandKind.QUESTION:
        raise DomainError(gettext("“Curious” is for questions that ask for information; choose another tier for "
                                  "a demand."), field="tier")
    claims = []
    for claim_id in dict.fromkeys(details.claim_ids):
        claim = db.session.get(Claim, claim_id)
        if claim is None or claim.account_id != actor.id:
            raise DomainError(gettext("A demand can rest only on claims from your own profile."), field="claim_ids")
        claims.append(claim)
    return DemandDetails(details.kind, details.tier, details.basis, details.category, text,
                         details.is_attributable), claims


def create_demand(actor: Account, details: DemandDetails) -> Demand:
    unit = member_unit(actor)
    clean, claims = _validated(actor, details)
    _refuse_a_repeat(actor, clean.text)
    demand = Demand(account_id=actor.id, unit_id=unit.id, kind=clean.kind, tier=clean.tier, basis=clean.basis,
                    category=clean.category, text=clean.text, is_attributable=clean.is_attributable, claims=claims)
    db.session.add(demand)
    db.session.flush()
    return demand


def _refuse_a_repeat(actor: Account, text: str, besides: Demand | None = None) -> None:
    """One member asking the same question twice (a second click, a paste) is one demand.
    Compared in the app: the texts are sealed. Case, spacing and punctuation aside."""
    said = "".join(ch for ch in text.casefold() if is_word_character(ch))
    for other in db.session.scalars(sa.select(Demand).where(Demand.account_id == actor.id)):
        if other is not besides and "".join(ch for ch in other.text.casefold() if is_word_character(ch)) == said:
            raise DomainError(gettext("You have already asked this: it is in your demands."), field="text")


def update_demand(actor: Account, demand: Demand, details: DemandDetails) -> Demand:
    _require_owner(actor, demand)
    clean, claims = _validated(actor, details)
    _refuse_a_repeat(actor, clean.text, besides=demand)
    if demand.was_weighed and clean.text != demand.text:
        # Coworkers weighed these exact words; new words would borrow their backing.
        raise DomainError(gettext("Coworkers have been asked about this wording, so it can no longer change. "
                                  "Write a new demand instead."), field="text")
    if demand.is_attributable and not clean.is_attributable and _surveyed_beside_other_items(demand):
        # Named demands may share a survey; once they did, the unnamed one would still be tied to its author.
        raise DomainError(gettext("Coworkers weighed this demand in one survey with your other named demands, so "
                                  "taking your name off it would not make it anonymous. Write a new demand without "
                                  "your name instead, and remove this one once no survey is open about it."),
                          field="is_attributable")
    demand.kind, demand.tier, demand.basis, demand.category = clean.kind, clean.tier, clean.basis, clean.category
    demand.text, demand.is_attributable, demand.claims = clean.text, clean.is_attributable, claims
    db.session.flush()
    return demand


def _surveyed_beside_other_items(demand: Demand) -> bool:
    """Whether any endorsement survey asked about this demand together with another item."""
    for survey in definitions.surveys_in_scope(unit_surveys.unit_scope_of(demand.unit_id)):
        refs = {q.subject_ref for q in survey.questions}
        if survey.kind == SurveyKind.ENDORSEMENT and demand.subject_ref in refs and len(refs) > 1:
            return True
    return False


def _refuse_while_surveyed(item: Claim | Demand) -> None:
    survey = item.survey_being_answered
    if survey is not None and survey.state in (SurveyState.DRAFT, SurveyState.OPEN):
        raise DomainError(gettext("Coworkers are answering a survey about it; remove it after the survey closes."))


def remove_item(actor: Account, item: Claim | Demand) -> None:
    """Remove one of the author's claims or demands (not while coworkers are answering about it)."""
    _require_owner(actor, item)
    _refuse_while_surveyed(item)
    db.session.delete(item)
    db.session.flush()


#: What every listing of demands shows beside each one, loaded with it rather than one query per demand:
#: what a demand points to comes joined to its row, its lists one statement each for the whole list
#: (a page of it), so the statements are the same whatever the page holds. Not the authors' accounts:
#: only the names they allowed are shown, and `in_context` reads those alone.
_SHOWN_WITH = (joinedload(Demand.same_as), joinedload(Demand.endorsement_survey),
               selectinload(Demand.claims).joinedload(Claim.endorsement_survey),
               selectinload(Demand.claims).joinedload(Claim.grew_from),
               selectinload(Demand.employer_answers))

#: How many demands one page of a unit's demands lists.
UNIT_DEMANDS_PAGE_SIZE = 25


def demands_of(actor: Account) -> list[Demand]:
    demands = db.session.scalars(sa.select(Demand).where(Demand.account_id == actor.id).options(*_SHOWN_WITH))
    return sorted(demands, key=lambda d: (d.tier.rank, d.id))


def _require_officer(actor: Account, unit: BargainingUnit) -> None:
    if not policy.is_officer_of(actor, unit):
        raise NotAllowed(gettext("Only the unit's stewards and the union's organizers see all its demands."))


def unit_demands(actor: Account, unit: BargainingUnit) -> list[Demand]:
    _require_officer(actor, unit)
    demands = db.session.scalars(sa.select(Demand).where(Demand.unit_id == unit.id).options(*_SHOWN_WITH))
    return sorted(demands, key=lambda d: (d.kind != DemandKind.DEMAND, d.tier.rank, str(d.category.label), d.id))


# -- a unit's demands, a page at a time ------------------------------------------------------------

@dataclass(frozen=True)
class DemandFilters:
    """Which of a unit's demands a page lists; None lets any through."""

    kind: DemandKind | None = None
    tier: Tier | None = None
    category: Category | None = None
    #: The employer's answer now. NO_ANSWER also takes in demands with no answer recorded yet.
    answer: EmployerResponse | None = None


@dataclass(frozen=True)
class DemandsPage:
    """One page of a unit's demands, each with its collective context, and where it stands in the list."""

    items: list[DemandInContext]
    #: How many demands match the filters, over every page, and of them how many are questions.
    matching: int
    questions: int
    page: int
    pages: int
    per_page: int

    @property
    def demands(self) -> int:
        return self.matching - self.questions

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_shown(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)


def _listing_order() -> tuple:
    """`unit_demands`' order, in SQL: demands before questions, by tier, by category's words (in the
    reader's language, as the page names them), by id."""
    by_words = sorted(Category, key=lambda category: str(category.label))
    return (sa.case((Demand.kind == DemandKind.DEMAND, 0), else_=1),
            sa.case({tier: tier.rank for tier in Tier}, value=Demand.tier),
            sa.case({category: by_words.index(category) for category in Category}, value=Demand.category),
            Demand.id)


def _answer_now() -> sa.ScalarSelect:
    """The demand's latest answer, as a subquery of the row it is asked beside."""
    return (sa.select(EmployerAnswer.response).where(EmployerAnswer.demand_id == Demand.id)
            .order_by(EmployerAnswer.recorded_on.desc(), EmployerAnswer.id.desc()).limit(1)
            .correlate(Demand).scalar_subquery())


def _matching(unit: BargainingUnit, filters: DemandFilters) -> list:
    # Kind, tier and category are plain columns, and the answer's response too: SQL filters
    # and orders them all, so a page loads only its own demands.
    where = [Demand.unit_id == unit.id]
    if filters.kind is not None:
        where.append(Demand.kind == filters.kind)
    if filters.tier is not None:
        where.append(Demand.tier == filters.tier)
    if filters.category is not None:
        where.append(Demand.category == filters.category)
    if filters.answer is EmployerResponse.NO_ANSWER:
        answer = _answer_now()
        where.append(sa.or_(answer.is_(None), answer == EmployerResponse.NO_ANSWER))
    elif filters.answer is not None:
        where.append(_answer_now() == filters.answer)
    return where


def unit_demands_page(actor: Account, unit: BargainingUnit, filters: DemandFilters = DemandFilters(),
                      page: int = 1, per_page: int = UNIT_DEMANDS_PAGE_SIZE) -> DemandsPage:
    """One page of the unit's demands that match `filters`, in `unit_demands`' order, each
    with its collective context. The same statements for any size of unit: the counts,
    the page's demands, and what they are shown with. A page past the last shows the last."""
    _require_officer(actor, unit)
    if page < 1:
        raise DomainError(gettext("Pages start at 1."), field="page")
    where = _matching(unit, filters)
    counts = dict(db.session.execute(
        sa.select(Demand.kind, sa.func.count()).where(*where).group_by(Demand.kind)).all())
    matching = sum(counts.values())
    pages = max(1, -(-matching // per_page))
    page = min(page, pages)
    shown = list(db.session.scalars(sa.select(Demand).where(*where).options(*_SHOWN_WITH)
                                    .order_by(*_listing_order()).offset((page - 1) * per_page).limit(per_page)))
    return DemandsPage(items=in_context(unit, shown), matching=matching,
                       questions=counts.get(DemandKind.QUESTION, 0), page=page, pages=pages, per_page=per_page)


def page_of(actor: Account, demand: Demand, filters: DemandFilters = DemandFilters(),
            per_page: int = UNIT_DEMANDS_PAGE_SIZE) -> int | None:
    """The page of the unit's demands (under `filters`) that lists `demand`, or None when it does not match."""
    _require_officer(actor, demand.unit)
    ordered = (sa.select(Demand.id, sa.func.row_number().over(order_by=_listing_order()).label("position"))
               .where(*_matching(demand.unit, filters)).subquery())
    position = db.session.scalar(sa.select(ordered.c.position).where(ordered.c.id == demand.id))
    return None if position is None else -(-position // per_page)


def same_as_choices(actor: Account, demand: Demand) -> list[tuple[int, str]]:
    """(id, words) of the unit's other demands this one could be combined with: of its kind, not
    themselves combined with another. Only those two columns are read, in the unit's order."""
    _require_officer(actor, demand.unit)
    return [(other_id, text) for other_id, text in db.session.execute(
        sa.select(Demand.id, Demand.text).where(
            Demand.unit_id == demand.unit_id, Demand.kind == demand.kind, Demand.same_as_id.is_(None),
            Demand.id != demand.id).order_by(*_listing_order()))]


def record_response(actor: Account, demand: Demand, response: EmployerResponse, note: str | None) -> Demand:
    """Add the employer's answer of today to the demand's history; earlier answers stay, each with its day."""
    policy.require_steward(actor, demand.unit, _STEWARDS_ONLY)
    note = " ".join((note or "").split()) or None
    if note is not None and len(note) > NOTE_MAX:
        raise DomainError(gettext("Keep the note under %(max)d characters.", max=NOTE_MAX), field="note")
    latest, day = demand.latest_answer, today()
    # The same answer sent twice in one day (a second click, a reload) is one answer, not two.
    if latest is None or (latest.response, latest.note, latest.recorded_on) != (response, note, day):
        demand.employer_answers.append(EmployerAnswer(response=response, note=note, recorded_on=day))
    db.session.flush()
    return demand


def mark_same_as(actor: Account, demand: Demand, other: Demand | None) -> Demand:
    """A steward combines two members' demands that ask the same thing: the
    bargaining summary lists `other` once and counts both members. None undoes it."""
    policy.require_steward(actor, demand.unit, _STEWARDS_ONLY)
    if other is not None:
        if other.unit_id != demand.unit_id or other.id == demand.id:
            raise DomainError(gettext("Choose another demand of the same unit."), field="same_as")
        if other.kind != demand.kind:
            raise DomainError(gettext("A demand can only be combined with a demand, a question with a question."),
                              field="same_as")
        if other.same_as_id is not None:
            raise DomainError(gettext("That one is itself combined with another; choose the one it is combined "
                                      "with."), field="same_as")
        followers = db.session.scalar(sa.select(sa.func.count()).select_from(Demand).where(Demand.same_as_id == demand.id))
        if followers:
            raise DomainError(gettext("Other demands are combined with this one; combine them with the other first."),
                              field="same_as")
    demand.same_as = other
    db.session.flush()
    return demand


# -- claims ---------------------------------------------------------------------------------------

def add_claim(actor: Account, details: ClaimDetails) -> Claim:
    member_unit(actor)
    text = _clean_text(details.text, CLAIM_TEXT)
    year = details.year
    if year is not None and not FIRST_YEAR <= year <= today().year:
        raise DomainError(gettext("Give a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=today().year),
                          field="year")
    if details.section == ClaimSection.PERFORMANCE and year is None:
        raise DomainError(gettext("Say which year this achievement belongs to."), field="year")
    claim = Claim(account_id=actor.id, section=details.section, year=year, text=text)
    if details.grew_from_id is not None:
        claim.grow_from(_own_claim(actor, details.grew_from_id))
    db.session.add(claim)
    db.session.flush()
    return claim


def _own_claim(actor: Account, claim_id: int) -> Claim:
    claim = db.session.get(Claim, claim_id)
    if claim is None or claim.account_id != actor.id:
        raise DomainError(gettext("Choose one of your own qualifications at hire."), field="grew_from_id")
    return claim


def link_achievement(actor: Account, achievement: Claim, grew_from_id: int | None) -> None:
    """Say which of the actor's qualifications at hire an achievement of theirs grew from (None: none)."""
    _require_owner(actor, achievement)
    achievement.grow_from(None if grew_from_id is None else _own_claim(actor, grew_from_id))
    db.session.flush()


def claims_of(actor: Account) -> list[Claim]:
    """The profile in chronological order: hire, then each year's performance, then needs."""
    claims = db.session.scalars(sa.select(Claim).where(Claim.account_id == actor.id))
    order = list(ClaimSection)
    return sorted(claims, key=lambda c: (order.index(c.section), c.year or 0, c.id))


@dataclass(frozen=True)
class Lineage:
    """One qualification at hire and the achievements that grew from it, oldest first."""

    qualification: Claim
    achievements: tuple[Claim, ...]


def lineages(claims: Sequence[Claim]) -> list[Lineage]:
    """Each qualification at hire among `claims` (a profile, in `claims_of`'s order) with what it
    became: the conversion from why someone was hired to what they have done since, year by year."""
    grown: dict[int, list[Claim]] = {}
    for claim in claims:
        if claim.section is ClaimSection.PERFORMANCE and claim.grew_from_id is not None:
            grown.setdefault(claim.grew_from_id, []).append(claim)
    return [Lineage(claim, tuple(grown.get(claim.id, ()))) for claim in claims
            if claim.section is ClaimSection.HIRE]


# -- endorsements ---------------------------------------------------------------------------------

def request_endorsement(actor: Account, item: Claim | Demand) -> None:
    """Ask coworkers to weigh in. Asking again is possible once the last survey about it is released."""
    _require_owner(actor, item)
    member_unit(actor)
    item.ask_coworkers(today())
    db.session.flush()


@dataclass
class EndorsementRequest:
    """Items that go into one endorsement survey. The organizer is not told who asked.

    An item an author did not put their name to is always a request of its own:
    shown beside an item that names its author, it would be tied to that author
    (PRIVACY.md, "bundling that ties a non-attributed item to its author"). So a
    request holds either one item, or only demands whose author chose to be
    named on every one of them. Claims carry no such choice, so each claim is
    a request of its own."""

    author_id: int
    demands: list[Demand] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    @property
    def items(self) -> list[Claim | Demand]:
        return [*self.demands, *self.claims]

    @property
    def key(self) -> str:
        """How pages name the request: one of its items, never the person who asked."""
        return self.items[0].subject_ref

    @property
    def is_attributed(self) -> bool:
        return bool(self.demands) and not self.claims and all(d.is_attributable for d in self.demands)

    @property
    def requested_on(self):
        return min(item.endorsement_requested_on for item in self.items)


def pending_requests(actor: Account, unit: BargainingUnit) -> list[EndorsementRequest]:
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    requests: list[EndorsementRequest] = []
    named: dict[int, EndorsementRequest] = {}
    demands = db.session.scalars(sa.select(Demand).where(
        Demand.unit_id == unit.id, Demand.endorsement_state == EndorsementState.REQUESTED).order_by(Demand.id))
    for demand in demands:
        if demand.is_attributable:
            if demand.account_id not in named:
                named[demand.account_id] = EndorsementRequest(demand.account_id)
                requests.append(named[demand.account_id])
            named[demand.account_id].demands.append(demand)
        else:
            requests.append(EndorsementRequest(demand.account_id, demands=[demand]))
    claims = db.session.scalars(sa.select(Claim).where(
        Claim.account_id.in_(_member_accounts(unit)), Claim.endorsement_state == EndorsementState.REQUESTED)
        .order_by(Claim.id))
    requests += [EndorsementRequest(claim.account_id, claims=[claim]) for claim in claims]
    # Oldest request first: who waited longest is served first. Never ordered by
    # author, so one author's separate requests are not set side by side for that reason.
    return sorted(requests, key=lambda r: (r.requested_on, r.key))


def _member_accounts(unit: BargainingUnit) -> sa.Select:
    """The unit's members' accounts, as a subquery: a list of their ids would grow with the unit."""
    return sa.select(RoleAssignment.account_id).where(RoleAssignment.role == Role.MEMBER,
                                                      RoleAssignment.unit_id == unit.id)


def pending_request_count(actor: Account, unit: BargainingUnit) -> int:
    """How many requests `pending_requests` lists, counted in one statement, no item loaded: each
    unnamed demand and each claim alone, a named author's demands together."""
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    waiting = Demand.endorsement_state == EndorsementState.REQUESTED
    named = Demand.is_attributable == sa.true()
    demand_requests = sa.select(
        sa.func.count(sa.distinct(sa.case((named, Demand.account_id))))
        + sa.func.coalesce(sa.func.sum(sa.case((named, 0), else_=1)), 0)
    ).where(Demand.unit_id == unit.id, waiting).scalar_subquery()
    claim_requests = sa.select(sa.func.count()).select_from(Claim).where(
        Claim.account_id.in_(_member_accounts(unit)), Claim.endorsement_state == EndorsementState.REQUESTED
    ).scalar_subquery()
    return db.session.scalar(sa.select(demand_requests + claim_requests))


def launch_endorsement_survey(actor: Account, unit: BargainingUnit, request_key: str,
                              days_open: int = 7) -> launch.LaunchReport:
    """One survey per request (one item, or demands all named by their author; see
    `EndorsementRequest`): every other member of the unit rates each item on a
    1-5 agreement scale with "can't say". Server-held key and the union's
    endorsement floor as k, so the weights appear by themselves when it closes."""
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    if not ENDORSEMENT_DAYS[0] <= days_open <= ENDORSEMENT_DAYS[1]:
        raise DomainError(gettext("Keep it open %(low)d to %(high)d days.", low=ENDORSEMENT_DAYS[0],
                                  high=ENDORSEMENT_DAYS[1]), field="days_open")
    request = next((r for r in pending_requests(actor, unit) if r.key == request_key), None)
    if request is None:
        raise DomainError(gettext("This request no longer awaits an endorsement survey."))
    union = unit.union
    k = union.floor_for(SurveyKind.ENDORSEMENT)
    single = len(request.items) == 1
    title, intro = ENDORSEMENT_WORDS["claim" if request.claims else "demand" if single else "demands"]
    words = definitions.in_each_language(lambda: definitions.SurveyWording(str(title), str(intro)))
    own = words.pop(DEFAULT_LANGUAGE)
    survey = unit_surveys.create(actor, unit, definitions.SurveySettings(
        kind=SurveyKind.ENDORSEMENT, key_mode=KeyMode.SERVER_KEY, title=own.title,
        release_threshold=k, comment_threshold=max(k, union.comment_threshold), intro=own.intro,
        closes_at=utcnow() + timedelta(days=days_open)), standard_questions=False)
    for language, wording in words.items():
        definitions.write_wording(survey, language, wording)
    for demand in request.demands:
        _add_backing_question(survey, demand.subject_ref,
                              QUESTION_PROMPT if demand.kind == DemandKind.QUESTION else DEMAND_PROMPT)
    for claim in request.claims:
        _add_backing_question(survey, claim.subject_ref, CLAIM_PROMPT)
    author = db.session.get(Account, request.author_id)
    voters = {ref: segments for ref, segments in electorate(unit).voters.items() if ref != account_ref(author)}
    try:
        # No breakdown: an endorsement is about the item, and its groups are small.
        report = launch.launch(survey, voters, ())
    except SurveyError as refused:
        raise DomainError(refused.message) from None
    for item in request.items:
        item.put_to_survey(survey)
    db.session.flush()
    unit_surveys.record_launch(actor, unit, report)
    return report


def _add_backing_question(survey, subject_ref: str, prompt) -> None:
    """One item's agreement scale, with "can't say", worded in every language."""
    definitions.add_standard_question(
        survey, type=QuestionType.SCALE, allows_cant_say=True, subject_ref=subject_ref,
        word=lambda: definitions.QuestionWording(str(prompt), tuple(str(label) for label in AGREEMENT_LABELS)))


def subject_texts(questions) -> dict[str, str]:
    """The words of the claims and demands that endorsement questions ask about,
    for the answer form and the results page (the survey stores only the ref)."""
    ids: dict[str, list[int]] = {"demand": [], "claim": []}
    for question in questions:
        prefix, _, number = (question.subject_ref or "").partition(":")
        if prefix in ids and number.isdigit():
            ids[prefix].append(int(number))
    texts = {}
    if ids["demand"]:
        for demand in db.session.scalars(sa.select(Demand).where(Demand.id.in_(ids["demand"]))):
            texts[demand.subject_ref] = demand.text
    if ids["claim"]:
        for claim in db.session.scalars(sa.select(Claim).where(Claim.id.in_(ids["claim"]))):
            texts[claim.subject_ref] = claim.text
    return texts


# -- collective context ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DemandInContext:
    demand: Demand
    backing: metrics.Backing
    #: The claims it rests on, each with its own backing.
    claims: list[tuple[Claim, metrics.Backing]]
    #: The author's display name, only when they made the demand attributable.
    attributed_to: str | None
    #: A pay demand's pay: the released scale of its author's role, or the unit's (see `unit_surveys.pay`).
    pay: unit_pay.PayContext | None = None


def in_context(unit: BargainingUnit, demands: list[Demand], *, viewer: Account | None = None) -> list[DemandInContext]:
    """The demands with their collective context. `viewer`: who is looking, so that their own pay
    demands show their own role (to anyone else, a role shows only as `unit_surveys.pay` allows)."""
    claims = [claim for demand in demands for claim in demand.claims]
    weights = metrics.backings(unit, [*demands, *claims])
    # The names their authors allowed, and no other column of any account: one statement, always
    # (an empty list asks for nothing), so a page's statements do not depend on what it holds.
    names = dict(db.session.execute(
        sa.select(Demand.id, Account.display_name).join(Account, Account.id == Demand.account_id)
        .where(Demand.id.in_([demand.id for demand in demands if demand.is_attributable]))).all())
    pay = unit_pay.pay_contexts(unit, {demand.id: [demand.account_id] for demand in demands
                                       if demand.category == Category.PAY}, viewer=viewer)
    return [
        DemandInContext(
            demand=demand, backing=weights[demand.subject_ref],
            claims=[(claim, weights[claim.subject_ref]) for claim in demand.claims],
            attributed_to=names.get(demand.id) if demand.is_attributable else None, pay=pay.get(demand.id))
        for demand in demands
    ]


def pay_of_items(unit: BargainingUnit, demand_ids: Sequence[int]) -> dict[int, unit_pay.PayContext]:
    """The pay each of these listed demands (pay items of the bargaining summary, by id) is shown
    with: the released scales of the roles of every member raising it, its author and the
    authors of the demands combined with it, as anyone but an author sees them."""
    ids = sorted(set(demand_ids))
    raisers: dict[int, list[int]] = {}
    for demand_id, account_id, same_as_id in db.session.execute(
            sa.select(Demand.id, Demand.account_id, Demand.same_as_id).where(
                Demand.unit_id == unit.id, sa.or_(Demand.id.in_(ids), Demand.same_as_id.in_(ids)))
            .order_by(Demand.id)):
        raisers.setdefault(same_as_id if same_as_id in ids else demand_id, []).append(account_id)
    return unit_pay.pay_contexts(unit, raisers)
