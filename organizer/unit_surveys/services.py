"""Surveys of a bargaining unit: the union side of the survey engine.

The engine knows scopes and opaque refs; this module maps them to units and
accounts, decides who may answer (the unit's members with accounts) and who may
hold a key share (the unit's stewards and the union's organizers), checks
that the actor may act on the unit, and holds every survey of the union to
the union's floors (PRIVACY.md invariant 10)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from core.clock import today
from core.extensions import db
from core.timezones import DEFAULT_TIME_ZONE
from organizer import policy
from organizer.accounts.models import Account, RoleAssignment
from organizer.accounts.services import account_ref
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.charting import roster
from organizer.charting.people import segment_names
from organizer.charting.models import BargainingUnit, Department, Shift, Union
from organizer.errors import DomainError, NotAllowed
from organizer.ontology import Category
from organizer.roles import Role
from surveys import ballot_box, ceremony, definitions, keys, launch, results, scopes, tally
from surveys.definitions import MIN_TRUSTEE_QUORUM
from surveys.errors import AlreadyAnswered, SurveyError, SurveyNotOpen
from surveys.keys import trustee_key
from surveys.models import KeyMode, QuestionType, Survey, SurveyKind, SurveyState
from surveys.scopes import Electorate

SCOPE_PREFIX = "unit"
#: The scope a union's survey keys (its key ceremonies) are made for: every unit's surveys use them.
KEY_SCOPE_PREFIX = "union"

DIMENSIONS = ("department", "shift")

#: The pulse's standard top issues: the job-quality categories of the importance
#: ontology, by label. Released surveys store these strings as their options, so
#: they come from `Category` itself and never from a copy that could drift.
ISSUE_CATEGORIES = [category.label for category in Category]


def unit_scope(unit: BargainingUnit) -> str:
    return unit_scope_of(unit.id)


def unit_scope_of(unit_id: int) -> str:
    return f"{SCOPE_PREFIX}:{unit_id}"


def unit_of(survey: Survey) -> BargainingUnit | None:
    prefix, _, unit_id = survey.scope.partition(":")
    if prefix != SCOPE_PREFIX or not unit_id.isdigit():
        return None
    return db.session.get(BargainingUnit, int(unit_id))


def union_key_scope(union_id: int) -> str:
    return f"{KEY_SCOPE_PREFIX}:{union_id}"


def union_key(unit_or_union: BargainingUnit | Union) -> ceremony.CeremonyStatus | None:
    """The union's survey key: its newest finished key ceremony, which new trustee surveys use."""
    union_id = getattr(unit_or_union, "union_id", None) or unit_or_union.id
    return ceremony.current(union_key_scope(union_id))


def _account_id(ref: str) -> int | None:
    prefix, _, number = ref.partition(":")
    return int(number) if prefix == "account" and number.isdigit() else None


#: Days after a move (or a new account) during which a voter is left out of the breakdowns.
SEGMENT_FREEZE_DAYS = 30


def electorate(unit: BargainingUnit) -> Electorate:
    """The unit's members with accounts, each with their department and shift.

    A voter charted or moved to another department or shift less than
    SEGMENT_FREEZE_DAYS days ago, or whose account is that new, is handed to the
    engine with no department and no shift: they count in the whole survey, and
    at most in the merged "Other" group, never in a group of their own segment.
    This answers a rogue organizer who charts k-1 puppets, moves them and a target
    into a fresh department ("Audit") just before a pulse, and reads the target's
    answer from that department's breakdown (PRIVACY.md invariant 10): until the
    freeze has passed such a department holds nobody the engine can break out, and
    meanwhile the other officers can see the moves in the audit log.
    """
    settled_since = today() - timedelta(days=SEGMENT_FREEZE_DAYS)
    # The roster holds each linked coworker's segments and last move, by account: no row is opened.
    people = roster.of(unit).linked()
    departments, shifts = segment_names(Department, unit), segment_names(Shift, unit)
    members = db.session.execute(
        sa.select(Account.id, Account.created_on).join(RoleAssignment)
        .where(RoleAssignment.role == Role.MEMBER, RoleAssignment.unit_id == unit.id))
    voters = {}
    for account in members:
        person = people.get(account.id)
        settled = (person is not None and person.segment_changed_on <= settled_since
                   and account.created_on <= settled_since)
        voters[account_ref(account)] = {
            "department": departments.get(person.department_id) if settled else None,
            "shift": shifts.get(person.shift_id) if settled else None,
        }
    return Electorate(voters, DIMENSIONS)


def _resolve_scope(scope: str) -> Electorate:
    unit = db.session.get(BargainingUnit, int(scope.partition(":")[2]))
    if unit is None:
        raise LookupError(f"no unit for scope {scope!r}")
    return electorate(unit)


def init_app(app: Flask) -> None:
    scopes.register_resolver(app, SCOPE_PREFIX, _resolve_scope)
    app.add_template_global(time_zone_of)


def time_zone_of(survey: Survey) -> str:
    """The zone the survey's times are shown in: its union's."""
    unit = unit_of(survey)
    return unit.union.time_zone if unit is not None else DEFAULT_TIME_ZONE


def trustee_candidates(unit: BargainingUnit) -> list[Account]:
    """Stewards of the unit and organizers of its union, ready or not."""
    accounts = db.session.scalars(
        sa.select(Account).join(RoleAssignment).where(sa.or_(
            sa.and_(RoleAssignment.role == Role.STEWARD, RoleAssignment.unit_id == unit.id),
            sa.and_(RoleAssignment.role == Role.ORGANIZER, RoleAssignment.union_id == unit.union_id)))
        .distinct())
    return sorted(set(accounts), key=lambda a: a.display_name.casefold())


def has_trustee_key(account: Account) -> bool:
    return trustee_key(account_ref(account)) is not None


def ready_trustees(unit: BargainingUnit) -> list[Account]:
    """The unit's possible trustees who have set a trustee passphrase."""
    return [account for account in trustee_candidates(unit) if has_trustee_key(account)]


def enough_trustees_ready(unit: BargainingUnit, needed: int = MIN_TRUSTEE_QUORUM) -> bool:
    """A survey key the trustees made together, or enough trustees with a passphrase for a key dealt at launch."""
    return union_key(unit) is not None or len(ready_trustees(unit)) >= needed


@dataclass(frozen=True)
class TrusteeOfKey:
    """A key ceremony a trustee is part of, for their Surveys page."""

    status: ceremony.CeremonyStatus
    union: Union | None
    #: Whether the ceremony waits for this trustee's step now.
    needs_them: bool


def key_ceremonies_of(ref: str) -> list[TrusteeOfKey]:
    """The key ceremonies the trustee is part of, newest first."""
    found = []
    for status in ceremony.ceremonies_of_trustee(ref):
        prefix, _, union_id = status.scope.partition(":")
        union = db.session.get(Union, int(union_id)) if prefix == KEY_SCOPE_PREFIX and union_id.isdigit() else None
        mine = status.trustee(ref)
        found.append(TrusteeOfKey(status, union, status.state.is_running and not mine.has_done(status.state)))
    return found


def browser_decryption_or_none(survey: Survey, ref: str) -> tally.BrowserDecryption | None:
    """The trustee's decryption task for their browser, when it is their turn; else None (the page says why)."""
    try:
        return tally.browser_decryption(survey, ref)
    except SurveyError:
        return None


def accounts_by_ref(refs: list[str]) -> dict[str, Account]:
    ids = [i for i in (_account_id(ref) for ref in refs) if i is not None]
    found = db.session.scalars(sa.select(Account).where(Account.id.in_(ids))) if ids else []
    return {account_ref(a): a for a in found}


_ORGANIZERS_ONLY = "Only the union's organizers can run its surveys."


def settings_within_floors(union: Union, *, kind: SurveyKind, title: str, intro: str | None, key_mode: KeyMode,
                           release_threshold: int | None, comment_threshold: int | None,
                           trustee_threshold: int | None, opens_at: datetime | None, closes_at: datetime | None,
                           recurrence_weeks: int | None) -> definitions.SurveySettings:
    """A survey's settings as an organizer gave them, with what they left empty
    filled in: k and the comment threshold default to the union's floors for the
    kind (comments never below k), and only a trustee survey keeps a t."""
    k = release_threshold or union.floor_for(kind)
    return definitions.SurveySettings(
        kind=kind, title=title.strip(), intro=(intro or "").strip() or None, key_mode=key_mode,
        release_threshold=k, comment_threshold=comment_threshold or max(union.comment_threshold, k),
        trustee_threshold=trustee_threshold if key_mode == KeyMode.TRUSTEES else None,
        opens_at=opens_at, closes_at=closes_at, recurrence_weeks=recurrence_weeks)


def require_floors(union: Union, settings: definitions.SurveySettings) -> None:
    """Refuse settings below the union's floors for the survey's kind. Every survey
    the union side makes passes here, whichever page or service asked for it."""
    floor = union.floor_for(settings.kind)
    if settings.release_threshold < floor:
        raise DomainError(f"Results must wait for at least {floor} people: k must be at least {floor}, the union's "
                          f"floor for {settings.kind.value} surveys. A survey may raise it, never go below it.",
                          field="release_threshold")
    if settings.comment_threshold < union.comment_threshold:
        raise DomainError(f"Comments need at least {union.comment_threshold} answers: the union's floor for "
                          "comments. A survey may raise it, never go below it.", field="comment_threshold")


def create(actor: Account, unit: BargainingUnit, settings: definitions.SurveySettings,
           standard_questions: bool) -> Survey:
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    require_floors(unit.union, settings)
    survey = definitions.create_survey(unit_scope(unit), settings)
    if standard_questions and settings.kind == SurveyKind.PULSE:
        add_standard_pulse_questions(survey)
    elif standard_questions and settings.kind == SurveyKind.VOTE:
        definitions.add_standard_vote_question(survey)
    return survey


def update(actor: Account, survey: Survey, settings: definitions.SurveySettings) -> Survey:
    """Change a draft's settings, held to the same floors as at creation."""
    unit = unit_of(survey)
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    require_floors(unit.union, settings)
    definitions.update_settings(survey, settings)
    return survey


def switch_to_server_key(actor: Account, survey: Survey) -> Survey:
    """Let the server unlock a draft's results, for a union whose trustees are not ready."""
    settings = definitions.SurveySettings(
        kind=survey.kind, title=survey.title, intro=survey.intro, key_mode=survey.key_mode,
        release_threshold=survey.release_threshold, comment_threshold=survey.comment_threshold,
        trustee_threshold=survey.trustee_threshold, opens_at=survey.opens_at, closes_at=survey.closes_at,
        recurrence_weeks=survey.recurrence_weeks)
    return update(actor, survey, replace(settings, key_mode=KeyMode.SERVER_KEY, trustee_threshold=None))


def add_standard_pulse_questions(survey: Survey) -> None:
    definitions.add_question(survey, type=QuestionType.YES_NO, allows_cant_say=True,
                             prompt="If a union vote were held tomorrow, would you vote yes?")
    definitions.add_question(survey, type=QuestionType.SCALE, allows_cant_say=True,
                             prompt="I am willing to take part in collective action to win our demands.")
    definitions.add_question(survey, type=QuestionType.MULTIPLE_CHOICE, options=ISSUE_CATEGORIES, max_choices=3,
                             prompt="Which issues matter most to you? Choose up to three.")
    definitions.add_question(survey, type=QuestionType.FREE_TEXT,
                             prompt="Anything else the organizing committee should hear?")


@dataclass(frozen=True)
class LaunchCheck:
    """What launching a draft would do, and what stands in its way, for the page
    that shows it before the organizer confirms."""

    #: The unit's members with accounts today: who the survey would go to.
    eligible: int
    #: Possible trustees who have set a trustee passphrase (trustee surveys).
    ready_trustees: list[Account]
    #: Possible trustees who have not yet.
    waiting_trustees: list[Account]
    #: Trustee surveys: how many more trustees must set a passphrase before launch.
    trustees_short: int
    #: Everything else to fix first, in words; empty when it can launch.
    blockers: list[str]
    #: Trustee surveys in a union with a survey key: the key ceremony whose key the survey will use.
    union_key: ceremony.CeremonyStatus | None = None

    @property
    def can_launch(self) -> bool:
        return not self.blockers and not self.trustees_short


def launch_check(survey: Survey, unit: BargainingUnit) -> LaunchCheck:
    """What launching the draft now would do, and what must be fixed first. The
    engine checks all of this again at launch; this is so that the page shows the
    way past each obstacle before it shows a launch button."""
    candidates = trustee_candidates(unit)
    ready = [account for account in candidates if has_trustee_key(account)]
    eligible = len(electorate(unit).voters)
    blockers = []
    if not definitions.ballot_questions(survey):
        blockers.append("Add at least one question that is not a written comment: results are counted from those.")
    try:
        definitions.require_ready_to_launch(survey)
    except SurveyError as refused:
        blockers.append(refused.message)
    if eligible < survey.release_threshold:
        members = ("1 member of the unit has an account" if eligible == 1
                   else f"{eligible} members of the unit have accounts")
        blockers.append(f"Only {members}, and results are shown only when at "
                        f"least {survey.release_threshold} answered: none could ever be shown. Invite more "
                        "coworkers first.")
    short = 0
    key = union_key(unit) if survey.key_mode == KeyMode.TRUSTEES else None
    if key is not None:
        holders = list(accounts_by_ref(list(key.trustee_refs)).values())
        if len(holders) < key.threshold:
            blockers.append(f"Only {len(holders)} of the survey key's trustees still have an account, and "
                            f"{key.threshold} must take part to open results: run a new key ceremony first.")
        return LaunchCheck(eligible, sorted(holders, key=lambda a: a.display_name.casefold()), [], 0, blockers, key)
    if survey.key_mode == KeyMode.TRUSTEES:
        short = max(0, (survey.trustee_threshold or MIN_TRUSTEE_QUORUM) - len(ready))
    ready_ids = {account.id for account in ready}
    return LaunchCheck(eligible, ready, [a for a in candidates if a.id not in ready_ids], short, blockers)


def device_encryption_by_default(kind: SurveyKind) -> bool:
    """Votes take only answers locked on the member's own device unless their
    organizer says otherwise; other kinds let the server lock them for a member
    without JavaScript, unless their organizer asks for the device."""
    return kind == SurveyKind.VOTE


def launch_for_unit(actor: Account, survey: Survey, trustee_ids: list[int], *,
                    device_encryption_required: bool | None = None) -> launch.LaunchReport:
    """Launch the draft to the unit's members with accounts. `device_encryption_required`
    None takes the kind's default (`device_encryption_by_default`).

    A trustee survey in a union with a survey key uses it, and its trustees are
    the key's (`trustee_ids` is not asked for). Without one, the key is dealt at
    launch to the chosen trustees, each of whom has set a trustee passphrase."""
    unit = unit_of(survey)
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    key = union_key(unit) if survey.key_mode == KeyMode.TRUSTEES else None
    allowed = {a.id: a for a in trustee_candidates(unit)}
    if key is None and any(i not in allowed for i in trustee_ids):
        raise NotAllowed("Trustees must be stewards of this unit or organizers of the union.")
    survey.device_encryption_required = (device_encryption_by_default(survey.kind)
                                         if device_encryption_required is None else device_encryption_required)
    people = electorate(unit)
    report = launch.launch(survey, people.voters, people.dimensions,
                           [] if key is not None else [account_ref(allowed[i]) for i in trustee_ids],
                           key_ceremony_id=key.id if key is not None else None)
    record_launch(actor, unit, report)
    return report


def record_launch(actor: Account, unit: BargainingUnit, report: launch.LaunchReport) -> None:
    survey = report.survey
    audit.record(actor, AuditAction.SURVEY_LAUNCHED,
                 f"Launched {survey.kind.value} survey \u201c{survey.title}\u201d to {report.eligible} members "
                 f"with accounts (results only when at least {survey.release_threshold} answered; "
                 f"{answers_locked_where(survey)}; {who_can_decrypt(survey)}).", unit=unit)


def end_voting(actor: Account, survey: Survey) -> bool:
    unit = unit_of(survey)
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    if survey.state != SurveyState.OPEN:
        raise SurveyNotOpen("Only an open survey can be closed.")
    ended = tally.end_voting(survey)
    if ended:
        audit.record(actor, AuditAction.SURVEY_CLOSED,
                     f"Closed {survey.kind.value} survey \u201c{survey.title}\u201d by hand.", unit=unit)
    return ended


def tally_and_release(actor: Account, survey: Survey) -> None:
    """Form the approved sums; with the server-held key, decrypt and release them too."""
    policy.require_organizer(actor, unit_of(survey), _ORGANIZERS_ONLY)
    tally.prepare_release(survey)
    tally.release_with_server_key(survey)


def require_answerable(survey: Survey, ref: str) -> None:
    """Refuse, before the form is shown, a member who cannot answer. The ballot
    box checks all of this again when a ballot arrives, in the transaction that
    stores it; this is only so that nobody fills in a form that will be refused."""
    if survey.state != SurveyState.OPEN:
        raise SurveyNotOpen("This survey is not open for answers.")
    if ballot_box.eligibility(survey, ref) is None:
        raise SurveyNotOpen("This survey was not sent to you: it was launched before you joined, "
                            "or it asks your coworkers about your own claims and demands.")
    if ballot_box.has_answered(survey, ref):
        raise AlreadyAnswered("You have already answered this survey. Each person answers once.")


def require_closed(survey: Survey) -> None:
    """Ballot fingerprints are published once voting has ended, never while it runs."""
    if survey.state not in (SurveyState.CLOSED, SurveyState.RELEASED):
        raise SurveyNotOpen("The list of ballot fingerprints is published when the survey closes.")


def require_released(survey: Survey) -> None:
    if survey.state != SurveyState.RELEASED:
        raise SurveyNotOpen("Results appear only after the survey closes and they are released.")


# -- what pages may say about a survey ------------------------------------------------------------

#: What the server-held key risks, in the words the survey form offers it with
#: and every result shows it with (PRIVACY.md invariant 5).
SERVER_KEY_RISK = "whoever runs the server could read answers as they arrive"

SERVER_KEY_WORDS = f"Decrypted by the server alone (one key holder): {SERVER_KEY_RISK}"


#: A survey's state as its page names it.
STATE_WORDS = {SurveyState.DRAFT: "Draft", SurveyState.OPEN: "Open", SurveyState.CLOSED: "Closed",
               SurveyState.RELEASED: "Results out"}


def who_can_decrypt(survey: Survey) -> str:
    """Who can decrypt, in plain words with the survey's own t and n (PRIVACY.md invariant 5:
    the choice is shown on every result)."""
    if survey.key_mode == KeyMode.SERVER_KEY:
        return SERVER_KEY_WORDS
    t, n = survey.trustee_threshold, len(keys.trustees_of(survey))
    if not n:
        key = union_key(unit_of(survey)) if unit_of(survey) is not None else None
        if key is not None:
            return (f"{key.threshold} of the {key.trustee_count} trustees (stewards or organizers) of the union's "
                    f"survey key will have to take part, each in their own browser")
        return f"{t} trustees (stewards or organizers), of those named at launch, will have to take part"
    verb = "had to" if survey.state == SurveyState.RELEASED else "must"
    if survey.key_made_in_ceremony:
        return (f"{t} of {n} trustees (stewards or organizers) {verb} take part, each in their own browser: they "
                "made the key together, and nobody, the server included, ever held all of it")
    return f"{t} of {n} trustees (stewards or organizers) {verb} take part"


def answers_locked_where(survey: Survey) -> str:
    """Where a member's answers are locked (encrypted), in plain words."""
    if survey.device_encryption_required:
        return "answers locked on members' own devices, never by the server"
    return "answers locked on members' own devices, or by the server for a member without JavaScript"


#: The engine words its breakdown notes for any caller ("fewer than 5 people");
#: here those people are the unit's members with accounts, which an organizer
#: must read to square a note with the chart's bigger headcount. Each pattern is
#: one kind of note of `surveys.release.plan_segments` (the unit-survey tests
#: check every kind against the engine's own output); a note no pattern knows
#: is shown as the engine wrote it.
_VALUE = r"(?P<value>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_BREAKDOWN_NOTES = (
    (re.compile(rf"^(?P<dimension>\w+) {_VALUE} has fewer than (?P<k>\d+) people: counted in 'Other'\.$"),
     "{value} ({dimension}) has fewer than {k} people with accounts: its answers count under \u201cOther\u201d."),
    (re.compile(rf"^(?P<dimension>\w+) {_VALUE} also counted in 'Other', so that 'Other' is not a group of "
                r"fewer than (?P<k>\d+)\.$"),
     "{value} ({dimension}) counts under \u201cOther\u201d too, so that \u201cOther\u201d has at least {k} "
     "people with accounts."),
    (re.compile(r"^No breakdown by (?P<dimension>\w+): it would not hide anyone behind (?P<k>\d+) others\.$"),
     "No results by {dimension}: too few people with accounts in each {dimension} to keep every answer among "
     "at least {k}."),
    (re.compile(r"^No breakdown by (?P<dimension>\w+): combined with (?P<rest>.+), some groups would have "
                r"fewer than (?P<k>\d+) people\.$"),
     "No results by {dimension}: together with {rest}, some groups would have fewer than {k} people with accounts."),
)


def breakdown_notes(survey: Survey) -> list[str]:
    """What the breakdown declared at launch had to merge or leave out, in words
    for the organizer ("Packing (department) has fewer than 5 people with accounts:
    its answers count under “Other”."); empty before launch."""
    breakdown = results.declared_breakdown(survey)
    return [plain_breakdown_note(note) for note in breakdown.notes] if breakdown is not None else []


def plain_breakdown_note(note: str) -> str:
    for pattern, words in _BREAKDOWN_NOTES:
        found = pattern.match(note)
        if found:
            parts = {**found.groupdict(), "dimension": found["dimension"].lower()}
            if "value" in parts:
                parts["value"] = f"\u201c{ast.literal_eval(parts['value'])}\u201d"
            return words.format(**parts)
    return note


def answered_count(survey: Survey) -> int | None:
    """How many answered, once the survey is closed; None while it is open or a draft
    (the engine shows no live count: PRIVACY.md invariants 9 and 10)."""
    counted = results.participation(survey)
    return counted.answered if counted is not None else None
