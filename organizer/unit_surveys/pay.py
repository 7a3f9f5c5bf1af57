"""Pay surveys of a bargaining unit, and the roles they break pay down by.

An organizer declares the unit's roles (job titles or classifications) and a
pay survey's bands and basis; each member chooses their own role on their
"Your role" page; a pay survey is launched to the unit's members with accounts,
broken down by role (`surveys.pay` says why that way); its released scale per
role stands beside pay demands (`pay_board`).

Where a member's role comes from. The member chooses it, for themselves,
sealed at rest: it is never read from a ballot, and a ballot never carries it.
A launch hands the engine each member's role as the breakdown's segment, as it
hands departments: a role chosen (or an account opened) less than
SEGMENT_FREEZE_DAYS before launch counts in the whole survey only, so a rogue
organizer cannot have k-1 puppets choose a target's role on the eve of a
survey and read the target's band from it (PRIVACY.md invariant 10).

Where a role's scale is shown beside a demand, who may see it and what it can
narrow (`PayBoard.context`). Its author sees their role's released scale, or
that their role has too few answers and the whole unit's. Anyone else (a
steward, the bargaining summary) sees the same lines beside every pay demand,
whoever raised it: the scale of each role that may be shown (its group
released, at least k of the unit's members holding it now, and, like "Other"
in a breakdown, the members whose role is not shown either none or at least
k), else the whole unit's. A line chosen by the raiser's role would tell on
them: in two summaries a month apart, "Picker" then "Lead" names whoever was
made lead between them, and an hourly line for one role beside a yearly line
for the whole unit can leave fewer than k who fit both. A member's name is
shown only where they put it on the demand."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext, ngettext
from sqlalchemy.orm import Mapped, mapped_column

from core import i18n
from core.clock import today
from core.columns import enum_column
from core.extensions import db
from core.i18n import format_day
from core.labels import LabelledEnum
from core.sealing import SealedDate, SealedText
from organizer import policy
from organizer.accounts.models import Account, RoleAssignment
from organizer.accounts.services import account_ref
from organizer.charting.models import BargainingUnit
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from organizer.unit_surveys import services as unit_surveys
from surveys import definitions, launch, results
from surveys.errors import SurveyError
from surveys.models import KeyMode, Question, QuestionType, Survey, SurveyKind
from surveys.pay import (
    MAX_BANDS,
    ROLE,
    Band,
    GroupScale,
    PayRelease,
    amount_text,
    bands_in_steps,
    check_bands,
    parse_band_list,
    pay_release,
)
from surveys.release import OTHER, plan_segments
from surveys.scopes import Electorate

#: The most roles a unit declares: each is a group of its own in every pay survey.
MAX_ROLES = 30
#: How long a role's name may be (the engine keeps it as a group's label).
MAX_ROLE_NAME = 80



class PayBasis(LabelledEnum):
    """How a pay survey asks pay. One per survey: no figure mixes the two."""

    HOURLY = "hourly", lazy_gettext("By the hour")
    YEARLY = "yearly", lazy_gettext("By the year")


class UnitPayRoles(db.Model):
    """The roles (job titles or classifications) an organizer declared for a unit's pay surveys."""

    __tablename__ = "unit_pay_roles"

    #: The unit.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), primary_key=True)
    #: The roles' names, in the order declared. The employer's own titles: not sealed.
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Day the list was last changed.
    changed_on: Mapped[date] = mapped_column(default=today)


class MemberPayRole(db.Model):
    """The role a member chose for themselves, for pay surveys and beside their pay demands.

    Sealed, and never read from or written with a ballot: choosing it says only
    which role's figures the member's answers and demands stand beside."""

    __tablename__ = "member_pay_roles"

    #: The member.
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    #: The unit whose roles it is one of.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)
    #: The role's name, as the unit's list had it when chosen. Sealed.
    role: Mapped[str] = mapped_column(SealedText("member_pay_role.role"))
    #: Day it was chosen: a role chosen less than the freeze before a launch is not broken out. Sealed.
    chosen_on: Mapped[date] = mapped_column(SealedDate("member_pay_role.chosen_on"), default=today)


class PayScale(db.Model):
    """What makes a survey a pay survey: its basis, its bands and the roles declared with it."""

    __tablename__ = "pay_scales"

    #: The survey.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    #: By the hour or by the year.
    basis: Mapped[PayBasis] = mapped_column(enum_column(PayBasis))
    #: The bands, lowest first, in cents: [[low, high], ...], the last high None for "and over".
    bands: Mapped[list[list[int | None]]] = mapped_column(sa.JSON)
    #: The roles it breaks pay down by, as declared when it was made.
    roles: Mapped[list[str]] = mapped_column(sa.JSON)
    #: Its pay question (one option per band); None once an organizer removed it from the draft.
    band_question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("survey_questions.id", ondelete="SET NULL"))
    #: How long they have worked there, when asked.
    tenure_question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("survey_questions.id", ondelete="SET NULL"))
    #: Their usual hours a week, when asked.
    hours_question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("survey_questions.id", ondelete="SET NULL"))

    @property
    def band_list(self) -> tuple[Band, ...]:
        return tuple(Band.from_json(band) for band in self.bands)


# -- words --------------------------------------------------------------------------------------

#: An amount of pay per its basis.
PER_BASIS = {PayBasis.HOURLY: lazy_gettext("%(amount)s an hour"), PayBasis.YEARLY: lazy_gettext("%(amount)s a year")}

#: The pay question, per basis.
BAND_PROMPTS = {
    PayBasis.HOURLY: lazy_gettext("What is your base pay an hour, before tax? If it is exactly where two bands "
                                  "meet, choose the higher one."),
    PayBasis.YEARLY: lazy_gettext("What is your base pay a year, before tax? If it is exactly where two bands "
                                  "meet, choose the higher one."),
}
TENURE_PROMPT = lazy_gettext("How long have you worked here?")
TENURE_BANDS = (lazy_gettext("Under 1 year"), lazy_gettext("1 up to 3 years"), lazy_gettext("3 up to 6 years"),
                lazy_gettext("6 up to 10 years"), lazy_gettext("10 years or more"))
HOURS_PROMPT = lazy_gettext("How many hours do you work in a usual week?")
HOURS_BANDS = (lazy_gettext("Under 20 hours"), lazy_gettext("20 to 29 hours"), lazy_gettext("30 to 39 hours"),
               lazy_gettext("40 to 49 hours"), lazy_gettext("50 hours or more"))

STANDARD_TITLE = lazy_gettext("Pay survey")
STANDARD_INTRO = lazy_gettext(
    "Coworkers who share their pay close the gaps between them. Say your base pay: it is counted by role, and a "
    "role's figures are shown only when enough people in it answered. Your role is the one you chose on your "
    "“Your role” page. Nobody, not even the organizers, sees your own answer.")

#: The standard pay survey's bands: by the hour, $1 wide from $15, and "$40 and over".
STANDARD_START, STANDARD_WIDTH, STANDARD_COUNT = 15_00, 1_00, 25


def money(cents: int) -> str:
    return gettext("$%(amount)s", amount=amount_text(cents))


def band_words(band: Band) -> str:
    """A band as its option reads: "$19 to $20", "$40 and over"."""
    if band.is_open:
        return gettext("$%(low)s and over", low=amount_text(band.low))
    return gettext("$%(low)s to $%(high)s", low=amount_text(band.low), high=amount_text(band.high))


def per_basis(words: str, basis: PayBasis) -> str:
    return str(PER_BASIS[basis]) % {"amount": words}


@dataclass(frozen=True)
class ScaleWords:
    """One released group's pay scale in words: what a results page and a demand show."""

    answered: int
    #: "$15 to $16 an hour": the band holding the bottom quarter's end, as "under $16 an hour".
    bottom: str
    #: "$19 to $20 an hour".
    middle: str
    #: "$23 an hour": where the top quarter starts.
    top: str

    @property
    def sentence(self) -> str:
        return ngettext("Middle of the pay: %(middle)s. Top quarter starts at %(top)s. %(num)d answered.",
                        "Middle of the pay: %(middle)s. Top quarter starts at %(top)s. %(num)d answered.",
                        self.answered, middle=self.middle, top=self.top)


def scale_words(group: GroupScale, bands: tuple[Band, ...], basis: PayBasis) -> ScaleWords | None:
    """The group's quarters in words, or None when it is withheld."""
    if not group.is_shown or group.quarters is None:
        return None
    bottom_band = bands[group.quarters.bottom]
    bottom = (gettext("under %(amount)s", amount=money(bottom_band.high)) if not bottom_band.is_open
              else band_words(bottom_band))
    return ScaleWords(group.respondents, per_basis(bottom, basis),
                      per_basis(band_words(bands[group.quarters.middle]), basis),
                      per_basis(money(bands[group.quarters.top].low), basis))


def role_name(group: GroupScale) -> str:
    """The role as a page names it: its own name, or the merged small roles in the reader's words."""
    return gettext("Other roles") if group.is_other else (group.role or gettext("Everyone"))


# -- the unit's roles, and a member's own -------------------------------------------------------

def declared_roles(unit: BargainingUnit) -> list[str]:
    row = db.session.get(UnitPayRoles, unit.id)
    return list(row.roles) if row is not None else []


def checked_roles(given: Iterable[str]) -> tuple[str, ...]:
    """Roles as an organizer typed them, one a line, refused when they would break nothing down
    or could be confused with one another or with the merged "Other"."""
    roles = tuple(" ".join(role.split()) for role in given if role.strip())
    if len(roles) < 2:
        raise DomainError(gettext("Give at least two roles, one a line: with one, pay cannot be compared between "
                                  "roles, and the whole unit's figures already show it."), field="roles")
    if len(roles) > MAX_ROLES:
        raise DomainError(gettext("Give at most %(max)d roles.", max=MAX_ROLES), field="roles")
    seen: set[str] = set()
    for role in roles:
        if len(role) > MAX_ROLE_NAME:
            raise DomainError(gettext("Keep each role to %(max)d characters.", max=MAX_ROLE_NAME), field="roles")
        if role.casefold() in (OTHER.casefold(), str(gettext("Other")).casefold(),
                               str(gettext("Other roles")).casefold()):
            raise DomainError(gettext("“%(role)s” is the name of the group small roles are counted in: name the "
                                      "role itself.", role=role), field="roles")
        if role.casefold() in seen:
            raise DomainError(gettext("“%(role)s” is given twice: each role once.", role=role), field="roles")
        seen.add(role.casefold())
    return roles


def declare_roles(actor: Account, unit: BargainingUnit, roles: Iterable[str]) -> tuple[str, ...]:
    """The unit's roles, from now on: what members choose from."""
    policy.require_organizer(actor, unit, gettext("Only the union's organizers declare a unit's roles."))
    checked = checked_roles(roles)
    row = db.session.get(UnitPayRoles, unit.id)
    if row is None:
        row = UnitPayRoles(unit_id=unit.id)
        db.session.add(row)
    if list(row.roles or []) != list(checked):
        row.roles, row.changed_on = list(checked), today()
    db.session.flush()
    return checked


def member_unit(actor: Account) -> BargainingUnit:
    unit_ids = sorted(actor.unit_ids_as(Role.MEMBER))
    if not unit_ids:
        raise NotAllowed(gettext("Only members of a bargaining unit choose a role."))
    return db.session.get(BargainingUnit, unit_ids[0])


def own_role(actor: Account) -> MemberPayRole | None:
    unit_ids = actor.unit_ids_as(Role.MEMBER)
    row = db.session.get(MemberPayRole, actor.id)
    return row if row is not None and row.unit_id in unit_ids else None


def choose_role(actor: Account, role: str | None) -> MemberPayRole | None:
    """The actor's own role (one of their unit's), or none (None). Choosing the same again keeps its day."""
    unit = member_unit(actor)
    row = db.session.get(MemberPayRole, actor.id)
    if role is None:
        if row is not None:
            db.session.delete(row)
            db.session.flush()
        return None
    name = next((declared for declared in declared_roles(unit) if declared.casefold() == role.strip().casefold()), None)
    if name is None:
        raise DomainError(gettext("Choose one of the roles your unit's organizers listed."), field="role")
    if row is not None and row.unit_id == unit.id and row.role == name:
        return row
    if row is None:
        row = MemberPayRole(account_id=actor.id, unit_id=unit.id, role=name)
        db.session.add(row)
    row.unit_id, row.role, row.chosen_on = unit.id, name, today()
    db.session.flush()
    return row


def roles_of_accounts(unit: BargainingUnit, account_ids: Iterable[int]) -> dict[int, str]:
    """The role each of these accounts chose in the unit (those who chose none are left out): one
    statement, always, so a page's statements do not depend on what it holds."""
    ids = sorted(set(account_ids))
    return dict(db.session.execute(sa.select(MemberPayRole.account_id, MemberPayRole.role).where(
        MemberPayRole.unit_id == unit.id, MemberPayRole.account_id.in_(ids))).all())


def _member_accounts(unit: BargainingUnit) -> list:
    return list(db.session.execute(
        sa.select(Account.id, Account.created_on).join(RoleAssignment)
        .where(RoleAssignment.role == Role.MEMBER, RoleAssignment.unit_id == unit.id)))


def _chosen(unit: BargainingUnit) -> dict[int, tuple[str, date]]:
    return {account_id: (role, chosen_on) for account_id, role, chosen_on in db.session.execute(
        sa.select(MemberPayRole.account_id, MemberPayRole.role, MemberPayRole.chosen_on)
        .where(MemberPayRole.unit_id == unit.id))}


# -- who a pay survey goes to, by role ----------------------------------------------------------

def pay_electorate(unit: BargainingUnit, roles: Iterable[str]) -> Electorate:
    """The unit's members with accounts, each with the role they chose, when it is one
    of `roles` and both it and their account are older than the freeze (see the module
    docstring); else with none, counted in the whole survey only."""
    settled_since = today() - timedelta(days=unit_surveys.SEGMENT_FREEZE_DAYS)
    declared = {role.casefold(): role for role in roles}
    chosen = _chosen(unit)
    voters = {}
    for account in _member_accounts(unit):
        role, chosen_on = chosen.get(account.id, (None, None))
        settled = chosen_on is not None and chosen_on <= settled_since and account.created_on <= settled_since
        voters[account_ref(account)] = {ROLE: declared.get(role.casefold()) if settled and role else None}
    return Electorate(voters, (ROLE,))


@dataclass(frozen=True)
class RoleCount:
    role: str
    #: Members whose choice of it would count in a launch today.
    settled: int
    #: Members who chose it within the freeze: counted in the whole survey only, this time.
    fresh: int
    #: Whether a launch today would break it out on its own (else it counts under "Other roles").
    kept: bool


@dataclass(frozen=True)
class PayLaunchFacts:
    """What launching a pay survey today would break pay down by, for the organizer to read first."""

    basis: PayBasis
    bands: tuple[Band, ...]
    roles: list[RoleCount]
    #: Members with accounts who chose no role (or one no longer declared).
    without_role: int
    eligible: int
    #: What stops the launch, in words; empty when nothing does.
    blockers: list[str]
    k: int
    #: A role chosen (or an account opened) fewer days than this before launch counts in the whole only.
    freeze_days: int = unit_surveys.SEGMENT_FREEZE_DAYS

    #: Whether a launch today would break pay down by role at all (`plan_segments` says).
    breakdown_possible: bool = False


def pay_scale_of(survey: Survey) -> PayScale | None:
    return db.session.get(PayScale, survey.id) if survey.kind == SurveyKind.PAY else None


def band_question(survey: Survey) -> Question | None:
    scale = pay_scale_of(survey)
    return _question(survey, scale.band_question_id if scale is not None else None)


def _question(survey: Survey, question_id: int | None) -> Question | None:
    return next((q for q in survey.questions if q.id == question_id), None) if question_id is not None else None


def _blockers(survey: Survey, scale: PayScale | None) -> list[str]:
    question = band_question(survey)
    if scale is None or question is None or len(question.options) != len(scale.bands):
        return [gettext("This pay survey has lost its pay question: start a new pay survey instead.")]
    return []


def launch_facts(survey: Survey, unit: BargainingUnit) -> PayLaunchFacts | None:
    scale = pay_scale_of(survey)
    if scale is None:
        return None
    settled_since = today() - timedelta(days=unit_surveys.SEGMENT_FREEZE_DAYS)
    declared = {role.casefold(): role for role in scale.roles}
    chosen, members = _chosen(unit), _member_accounts(unit)
    settled, fresh, without = Counter(), Counter(), 0
    for account in members:
        role, chosen_on = chosen.get(account.id, (None, None))
        name = declared.get(role.casefold()) if role else None
        if name is None:
            without += 1
        elif chosen_on <= settled_since and account.created_on <= settled_since:
            settled[name] += 1
        else:
            fresh[name] += 1
    # The engine's own planner, on the electorate a launch would hand it: what it says is what a launch does.
    plan, _ = plan_segments(pay_electorate(unit, scale.roles).voters, (ROLE,), survey.release_threshold)
    kept = {cell.get(ROLE) for cell in plan.cells.values()} - {OTHER, None}
    return PayLaunchFacts(scale.basis, scale.band_list,
                          [RoleCount(role, settled[role], fresh[role], role in kept) for role in scale.roles],
                          without, len(members), _blockers(survey, scale), survey.release_threshold,
                          breakdown_possible=bool(plan.dimensions))


# -- making and launching a pay survey ----------------------------------------------------------

@dataclass(frozen=True)
class BandSteps:
    """Bands of one width from a start, in cents; `open_top` adds one "and over"."""

    start: int
    width: int
    count: int
    open_top: bool = True


@dataclass(frozen=True)
class BandList:
    """Bands written one a line ("15-16", "40+")."""

    text: str


@dataclass(frozen=True)
class PaySurveyDetails:
    title: str
    basis: PayBasis
    roles: tuple[str, ...]
    bands: BandSteps | BandList
    with_tenure: bool = True
    with_hours: bool = True
    key_mode: KeyMode = KeyMode.SERVER_KEY
    release_threshold: int | None = None
    trustee_threshold: int | None = None
    closes_at: datetime | None = None
    intro: str | None = None
    language: str = i18n.DEFAULT_LANGUAGE


def bands_of(spec: BandSteps | BandList) -> tuple[Band, ...]:
    try:
        if isinstance(spec, BandSteps):
            return bands_in_steps(spec.start, spec.width, spec.count, open_top=spec.open_top)
        return parse_band_list(spec.text)
    except SurveyError as refused:
        raise DomainError(refused.message, field="bands") from None


def create_pay_survey(actor: Account, unit: BargainingUnit, details: PaySurveyDetails, *,
                      standard_words: bool = False) -> Survey:
    """A pay survey draft of the unit: its pay question (one band to choose, no
    "can't say": whoever would rather not say leaves the survey unanswered), and, if
    asked, how long they have worked there and their usual weekly hours (each with
    "can't say"). The roles become the unit's. Everything is checked before anything
    is written. `standard_words`: the title and intro are the catalogue's, in every language."""
    policy.require_organizer(actor, unit, gettext("Only the union's organizers can run its surveys."))
    roles = checked_roles(details.roles)
    bands = bands_of(details.bands)
    settings = unit_surveys.settings_within_floors(
        unit.union, kind=SurveyKind.PAY, title=details.title, intro=details.intro, key_mode=details.key_mode,
        release_threshold=details.release_threshold, comment_threshold=None,
        trustee_threshold=details.trustee_threshold, opens_at=None, closes_at=details.closes_at,
        recurrence_weeks=None, language=details.language)
    survey = unit_surveys.create(actor, unit, settings, standard_questions=False)
    if standard_words:
        for language, wording in definitions.in_each_language(lambda: definitions.SurveyWording(
                str(STANDARD_TITLE), str(STANDARD_INTRO))).items():
            if language != survey.language:
                definitions.write_wording(survey, language, wording)
    band = definitions.add_standard_question(
        survey, type=QuestionType.SINGLE_CHOICE, most_options=MAX_BANDS,
        word=lambda: definitions.QuestionWording(str(BAND_PROMPTS[details.basis]),
                                                 tuple(band_words(band) for band in bands)))
    tenure = definitions.add_standard_question(
        survey, type=QuestionType.SINGLE_CHOICE, allows_cant_say=True,
        word=lambda: definitions.QuestionWording(str(TENURE_PROMPT), tuple(str(b) for b in TENURE_BANDS)),
    ) if details.with_tenure else None
    hours = definitions.add_standard_question(
        survey, type=QuestionType.SINGLE_CHOICE, allows_cant_say=True,
        word=lambda: definitions.QuestionWording(str(HOURS_PROMPT), tuple(str(b) for b in HOURS_BANDS)),
    ) if details.with_hours else None
    db.session.add(PayScale(survey_id=survey.id, basis=details.basis, bands=[band.to_json() for band in bands],
                            roles=list(roles), band_question_id=band.id,
                            tenure_question_id=tenure.id if tenure is not None else None,
                            hours_question_id=hours.id if hours is not None else None))
    declare_roles(actor, unit, roles)
    db.session.flush()
    return survey


def standard_details(unit: BargainingUnit, *, language: str | None = None) -> PaySurveyDetails:
    """The standard pay survey of the unit: by the hour, $1 bands from $15 and "$40 and over",
    tenure and hours asked, the unit's declared roles, the server unlocking the results
    unless the union's trustees have made its survey key."""
    key = unit_surveys.union_key(unit)
    language = language if i18n.is_language(language) else i18n.DEFAULT_LANGUAGE
    with i18n.in_language(language):
        title, intro = str(STANDARD_TITLE), str(STANDARD_INTRO)
    return PaySurveyDetails(
        title=title, intro=intro, basis=PayBasis.HOURLY, roles=tuple(declared_roles(unit)),
        bands=BandSteps(STANDARD_START, STANDARD_WIDTH, STANDARD_COUNT, open_top=True),
        key_mode=KeyMode.TRUSTEES if key is not None else KeyMode.SERVER_KEY,
        trustee_threshold=key.threshold if key is not None else None, language=language)


def create_standard_pay_survey(actor: Account, unit: BargainingUnit, language: str | None = None) -> Survey:
    """The standard pay survey, as a draft to check and launch: the first of its two clicks."""
    if len(declared_roles(unit)) < 2:
        raise DomainError(gettext("First list the unit's roles (on the pay survey form below): the standard pay "
                                  "survey breaks pay down by them."))
    return create_pay_survey(actor, unit, standard_details(unit, language=language), standard_words=True)


def launch_pay_survey(actor: Account, survey: Survey, *,
                      device_encryption_required: bool | None = None) -> launch.LaunchReport:
    """Launch a pay survey to the unit's members with accounts, broken down by the role each chose."""
    unit = unit_surveys.unit_of(survey)
    policy.require_organizer(actor, unit, gettext("Only the union's organizers can run its surveys."))
    scale = pay_scale_of(survey)
    blockers = _blockers(survey, scale)
    if blockers:
        raise DomainError(blockers[0])
    check_bands(scale.band_list)
    return unit_surveys.launch_for_unit(actor, survey, device_encryption_required=device_encryption_required,
                                        people=pay_electorate(unit, scale.roles))


# -- what a released pay survey shows -----------------------------------------------------------

@dataclass(frozen=True)
class BandRow:
    words: str
    count: int
    share: float


@dataclass(frozen=True)
class GroupView:
    """One group of a released pay survey as its results page shows it."""

    name: str
    scale: GroupScale
    words: ScaleWords | None
    #: The bands from the lowest to the highest with an answer, each with its count.
    rows: list[BandRow]
    #: Why it is not shown, in the reader's words (None when shown).
    withheld: str | None


@dataclass(frozen=True)
class PayResults:
    survey: Survey
    basis: PayBasis
    bands: tuple[Band, ...]
    release: PayRelease
    whole: GroupView
    roles: list[GroupView]
    #: The gap between the highest and the lowest middle of pay among the roles shown, in words.
    spread: str | None
    #: The tenure and hours questions, when asked (the engine's own tables show them).
    other_questions: list[Question]


def _rows(counts: tuple[int, ...] | None, bands: tuple[Band, ...]) -> list[BandRow]:
    if not counts or not any(counts):
        return []
    answered = sum(counts)
    first = next(i for i, c in enumerate(counts) if c)
    last = max(i for i, c in enumerate(counts) if c)
    return [BandRow(band_words(bands[i]), counts[i], counts[i] / answered) for i in range(first, last + 1)]


def _withheld_words(group: GroupScale, k: int) -> str | None:
    if group.is_shown:
        return None
    if group.respondents < k:
        return gettext("Not enough answers")
    return unit_surveys.plain_withheld_reason(group.withheld_reason)


def _group_view(group: GroupScale, bands: tuple[Band, ...], basis: PayBasis, k: int) -> GroupView:
    return GroupView(role_name(group), group, scale_words(group, bands, basis), _rows(group.counts, bands),
                     _withheld_words(group, k))


def spread_words(release: PayRelease, bands: tuple[Band, ...], basis: PayBasis) -> str | None:
    spread = release.spread
    if spread is None:
        return None
    high, low = bands[spread.highest.quarters.middle], bands[spread.lowest.quarters.middle]
    names = {"high_role": role_name(spread.highest), "low_role": role_name(spread.lowest),
             "high": band_words(high), "low": band_words(low)}
    gap = spread.gap
    if gap.bands_apart == 0:
        return gettext("Every role shown has its middle of the pay in the same band (%(high)s).", **names)
    if gap.most is None:
        amount = per_basis(gettext("at least %(least)s", least=money(gap.least)), basis)
    elif gap.least == 0:
        amount = per_basis(gettext("up to %(most)s", most=money(gap.most)), basis)
    else:
        amount = per_basis(gettext("%(least)s to %(most)s", least=money(gap.least), most=money(gap.most)), basis)
    return ngettext(
        "The middle of the pay of %(high_role)s (%(high)s) is %(num)d band above that of %(low_role)s (%(low)s): "
        "%(amount)s more.",
        "The middle of the pay of %(high_role)s (%(high)s) is %(num)d bands above that of %(low_role)s (%(low)s): "
        "%(amount)s more.", gap.bands_apart, amount=amount, **names)


def pay_results(survey: Survey) -> PayResults:
    """A released pay survey's figures, in words, for its results page."""
    scale = pay_scale_of(survey)
    result = results.released(survey)
    question = band_question(survey)
    if scale is None or result is None or question is None:
        raise ValueError("pay results exist only for a released pay survey with its pay question")
    bands, k = scale.band_list, survey.release_threshold
    release = pay_release(result, question, bands)
    return PayResults(
        survey, scale.basis, bands, release, _group_view(release.whole, bands, scale.basis, k),
        [_group_view(group, bands, scale.basis, k) for group in release.roles],
        spread_words(release, bands, scale.basis),
        [q for q in (_question(survey, scale.tenure_question_id), _question(survey, scale.hours_question_id)) if q])


# -- pay beside a demand ------------------------------------------------------------------------

@dataclass(frozen=True)
class PayLine:
    """One pay scale beside a demand: a role's, or the whole unit's."""

    #: The role named, or None for the whole unit.
    role: str | None
    basis: PayBasis
    words: ScaleWords
    survey_title: str
    closed_on: date | None
    survey_id: int

    @property
    def source(self) -> str:
        return gettext("from “%(title)s”, closed %(day)s", title=self.survey_title, day=format_day(self.closed_on))


@dataclass(frozen=True)
class PayContext:
    """The pay scales a pay demand is shown with, and, for its author only, a note."""

    #: Per basis: for the author, their role's line, else the whole unit's; for anyone else, the
    #: line of each role that may be shown, else the whole unit's (`PayBoard.shared`).
    lines: tuple[PayLine, ...]
    #: For the author: why their role's own scale is not among the lines.
    note: str | None = None
    for_author: bool = False

    def heading(self, line: PayLine) -> str:
        if line.role is None:
            return gettext("Pay across the unit (every role)")
        if self.for_author:
            return gettext("Pay in your role, %(role)s", role=line.role)
        return gettext("Pay in the role %(role)s", role=line.role)

    def text_lines(self) -> list[str]:
        """Each line as one sentence, for the exports."""
        return [f"{self.heading(line)}: {line.words.sentence}" for line in self.lines]


@dataclass(frozen=True)
class BasisBoard:
    """The latest released pay survey of one basis in a unit, as demands are shown with it."""

    survey: Survey
    basis: PayBasis
    bands: tuple[Band, ...]
    release: PayRelease
    #: Roles (case-folded) whose scale may stand beside anyone's demand (see the module docstring).
    public_roles: frozenset[str]

    def line(self, group: GroupScale) -> PayLine | None:
        words = scale_words(group, self.bands, self.basis)
        if words is None:
            return None
        return PayLine(group.role if group.role is not None else None, self.basis, words,
                       self.survey.title_in(i18n.current_language()), self.survey.closed_on, self.survey.id)

    def whole_lines(self) -> list[PayLine]:
        whole = self.line(self.release.whole)
        return [whole] if whole is not None else []

    def shown_role_lines(self) -> list[PayLine]:
        """The lines of the roles that may stand beside anyone's demand, by name."""
        groups = sorted((group for group in self.release.roles
                         if group.role and group.role.casefold() in self.public_roles),
                        key=lambda group: group.role.casefold())
        return [line for group in groups if (line := self.line(group)) is not None]


def _public_roles(release: PayRelease, unit: BargainingUnit, k: int) -> frozenset[str]:
    """The roles whose scale may be shown beside any member's demand: released on their
    own, held by at least k of the unit's members now, and leaving the members whose role
    is not shown either none or at least k (the smallest such role is folded back until so)."""
    members = {account.id for account in _member_accounts(unit)}
    holding = Counter(role.casefold() for account_id, (role, _) in _chosen(unit).items() if account_id in members)
    shown = {group.role.casefold() for group in release.roles
             if group.is_shown and not group.is_other and group.role and holding[group.role.casefold()] >= k}
    while shown:
        rest = len(members) - sum(holding[role] for role in shown)
        if rest == 0 or rest >= k:
            break
        shown.remove(min(shown, key=lambda role: (holding[role], role)))
    return frozenset(shown)


@dataclass(frozen=True)
class PayBoard:
    """A unit's released pay scales, as pay demands are shown with them."""

    boards: tuple[BasisBoard, ...]

    def context(self, roles: Iterable[str | None], *, for_author: bool) -> PayContext | None:
        """The pay beside a demand raised by members holding `roles` (None: no role chosen),
        seen by its one author (`for_author`: their role is theirs to see); anyone else is
        shown `shared`, whoever raised it."""
        if not for_author:
            return self.shared()
        wanted = [role for role in dict.fromkeys(roles)]
        lines: list[PayLine] = []
        notes: list[str] = []
        for board in self.boards:
            found = []
            for role in wanted:
                line = board.line(group) if role and (group := board.release.role(role)) is not None else None
                if line is not None:
                    found.append(line)
                elif role:
                    notes.append(gettext("Your role, %(role)s, is not shown on its own in the latest pay survey: too "
                                         "few in it answered, or showing it would let someone work out a few "
                                         "people's pay.", role=role))
            lines += found or board.whole_lines()
        if not any(wanted):
            notes.append(gettext("Choose your role to see your role's pay here."))
        if not lines and not notes:
            return None
        return PayContext(tuple(lines), " ".join(dict.fromkeys(notes)) or None, True)

    def shared(self) -> PayContext | None:
        """What anyone but its author sees beside a pay demand: the same for every demand
        (see the module's docstring), each basis's shown roles, else its whole unit."""
        lines = [line for board in self.boards for line in (board.shown_role_lines() or board.whole_lines())]
        return PayContext(tuple(lines)) if lines else None


def pay_board(unit: BargainingUnit) -> PayBoard:
    """The latest released pay survey of each basis in the unit (by the hour, by the year)."""
    boards = []
    for survey in results.released_surveys(unit_surveys.unit_scope(unit), SurveyKind.PAY):
        scale = pay_scale_of(survey)
        question = band_question(survey)
        result = results.released(survey)
        if scale is None or question is None or result is None or any(b.basis == scale.basis for b in boards):
            continue
        bands = scale.band_list
        release = pay_release(result, question, bands)
        boards.append(BasisBoard(survey, scale.basis, bands, release,
                                 _public_roles(release, unit, survey.release_threshold)))
    return PayBoard(tuple(sorted(boards, key=lambda board: list(PayBasis).index(board.basis))))


def pay_contexts(unit: BargainingUnit, raisers: Mapping[int, Iterable[int]], *,
                 viewer: Account | None = None) -> dict[int, PayContext]:
    """For each item (by id), the pay it is shown with, from the roles of the accounts raising
    it; `viewer`, when they are an item's only author, sees it as its author. The same statements
    whatever the items are, or whether any is a pay item: a page of a large unit costs what a small one does."""
    board = pay_board(unit)
    if not board.boards:
        return {}
    roles = roles_of_accounts(unit, [account for accounts in raisers.values() for account in accounts])
    contexts = {}
    for item_id, accounts in raisers.items():
        accounts = list(accounts)
        for_author = viewer is not None and accounts == [viewer.id]
        context = board.context([roles.get(account) for account in accounts], for_author=for_author)
        if context is not None:
            contexts[item_id] = context
    return contexts
