"""Surveys of a bargaining unit: the union side of the survey engine.

The engine knows scopes and opaque refs; this module maps them to units and
accounts, decides who may answer (the unit's members with accounts) and who may
hold a key share (the unit's stewards and the union's organizers), checks
that the actor may act on the unit, and holds every survey of the union to
the union's floors (PRIVACY.md invariant 10)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from babel.lists import format_list
from flask import Flask
from flask_babel import gettext, lazy_gettext, ngettext

from core import i18n
from core.clock import today
from core.i18n import format_number
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
from organizer.errors import DomainError
from organizer.ontology import Category
from organizer.roles import Role
from organizer.unit_surveys import question_bank
from surveys import ballot_box, ceremony, definitions, keys, launch, results, scopes, tally
from surveys.errors import AlreadyAnswered, SurveyError, SurveyNotOpen
from surveys.models import KeyMode, QuestionType, Survey, SurveyKind, SurveyState
from surveys.release import OTHER
from surveys.scopes import Electorate

SCOPE_PREFIX = "unit"
#: The scope a union's survey keys (its key ceremonies) are made for: every unit's surveys use them.
KEY_SCOPE_PREFIX = "union"

DIMENSIONS = ("department", "shift")

#: The pulse's standard top issues: the job-quality categories of the importance
#: ontology, by label. Released surveys store these strings as their options, so
#: they come from `Category` itself and never from a copy that could drift. Fixed in
#: English at import (outside any request); `issue_categories` says them in the
#: language of the moment, as a survey stores them in each language it is written in.
ISSUE_CATEGORIES = [str(category.label) for category in Category]


def issue_categories() -> tuple[str, ...]:
    """The pulse's standard top issues, in the language of the moment."""
    return tuple(str(category.label) for category in Category)


#: The standard pulse's questions, as the catalogue words them in each language.
SUPPORT_PROMPT = lazy_gettext("If a union vote were held tomorrow, would you vote yes?")
WILLINGNESS_PROMPT = lazy_gettext("I am willing to take part in collective action to win our demands.")
ISSUES_PROMPT = lazy_gettext("Which issues matter most to you? Choose up to three.")
COMMENT_PROMPT = lazy_gettext("Anything else the organizing committee should hear?")


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
    app.add_template_global(plain_withheld_reason)
    app.add_template_global(group_label)
    app.add_template_global(DIMENSION_WORDS, "dimension_words")
    app.add_template_global(DIMENSION_NAMES, "dimension_names")
    app.add_template_global(STATE_WORDS, "state_words")
    app.add_template_global(KIND_WORDS, "kind_words")
    app.add_template_global(SURVEY_KIND_WORDS, "survey_kind_words")
    app.add_template_global(definitions.PLACE_NAMES, "place_names")


def time_zone_of(survey: Survey) -> str:
    """The zone the survey's times are shown in: its union's."""
    unit = unit_of(survey)
    return unit.union.time_zone if unit is not None else DEFAULT_TIME_ZONE


def trustee_candidates(union: Union) -> list[Account]:
    """Who may hold part of the union's survey key: its organizers and the stewards of its units."""
    units = sa.select(BargainingUnit.id).where(BargainingUnit.union_id == union.id)
    accounts = db.session.scalars(sa.select(Account).join(RoleAssignment).where(sa.or_(
        sa.and_(RoleAssignment.role == Role.STEWARD, RoleAssignment.unit_id.in_(units)),
        sa.and_(RoleAssignment.role == Role.ORGANIZER, RoleAssignment.union_id == union.id))).distinct())
    return sorted(set(accounts), key=lambda a: a.display_name.casefold())


def enough_trustees_ready(unit: BargainingUnit) -> bool:
    """Whether a trustee survey can launch: the union's trustees have made its survey key together."""
    return union_key(unit) is not None


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


_ORGANIZERS_ONLY = lazy_gettext("Only the union's organizers can run its surveys.")


def settings_within_floors(union: Union, *, kind: SurveyKind, title: str, intro: str | None, key_mode: KeyMode,
                           release_threshold: int | None, comment_threshold: int | None,
                           trustee_threshold: int | None, opens_at: datetime | None, closes_at: datetime | None,
                           recurrence_weeks: int | None,
                           language: str = i18n.DEFAULT_LANGUAGE) -> definitions.SurveySettings:
    """A survey's settings as an organizer gave them, with what they left empty
    filled in: k and the comment threshold default to the union's floors for the
    kind (comments never below k), and only a trustee survey keeps a t."""
    k = release_threshold or union.floor_for(kind)
    return definitions.SurveySettings(
        kind=kind, title=title.strip(), intro=(intro or "").strip() or None, key_mode=key_mode,
        release_threshold=k, comment_threshold=comment_threshold or max(union.comment_threshold, k),
        trustee_threshold=trustee_threshold if key_mode == KeyMode.TRUSTEES else None,
        opens_at=opens_at, closes_at=closes_at, recurrence_weeks=recurrence_weeks, language=language)


def require_floors(union: Union, settings: definitions.SurveySettings) -> None:
    """Refuse settings below the union's floors for the survey's kind. Every survey
    the union side makes passes here, whichever page or service asked for it."""
    floor = union.floor_for(settings.kind)
    if settings.release_threshold < floor:
        raise DomainError(gettext("Results must wait for at least %(floor)d people: k must be at least %(floor)d, "
                                  "the union's floor for %(surveys)s. A survey may raise it, never go below it.",
                                  floor=floor, surveys=KIND_PLURALS[settings.kind]), field="release_threshold")
    if settings.comment_threshold < union.comment_threshold:
        raise DomainError(gettext("Comments need at least %(floor)d answers: the union's floor for comments. A "
                                  "survey may raise it, never go below it.", floor=union.comment_threshold),
                          field="comment_threshold")


def create(actor: Account, unit: BargainingUnit, settings: definitions.SurveySettings,
           standard_questions: bool) -> Survey:
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    require_floors(unit.union, settings)
    survey = definitions.create_survey(unit_scope(unit), settings)
    if standard_questions and settings.kind == SurveyKind.PULSE:
        add_standard_pulse_questions(survey)
    elif standard_questions and settings.kind == SurveyKind.VOTE:
        definitions.add_standard_vote_question(survey)
    elif standard_questions and settings.kind == SurveyKind.BARGAINING:
        question_bank.add_bargaining_questions(survey)
    return survey


def start_standard_survey(actor: Account, unit: BargainingUnit, key: str) -> Survey:
    """A draft of the question bank's survey `key`, ready to launch: its title,
    introduction and questions in every language (its own the reader's), the
    union's floors, and the union's survey key when its trustees have made one
    (else the server unlocks the results, as the survey form would offer)."""
    standard = question_bank.standard_survey(key)
    trustee_key = union_key(unit)
    settings = settings_within_floors(
        unit.union, kind=standard.kind, title=str(standard.title), intro=str(standard.intro),
        key_mode=KeyMode.TRUSTEES if trustee_key is not None else KeyMode.SERVER_KEY, release_threshold=None,
        comment_threshold=None, trustee_threshold=trustee_key.threshold if trustee_key is not None else None,
        opens_at=None, closes_at=None, recurrence_weeks=None, language=i18n.current_language())
    survey = create(actor, unit, settings, standard_questions=False)
    question_bank.fill(survey, standard)
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
        recurrence_weeks=survey.recurrence_weeks, language=survey.language)
    return update(actor, survey, replace(settings, key_mode=KeyMode.SERVER_KEY, trustee_threshold=None))


def add_standard_pulse_questions(survey: Survey) -> None:
    """Support, willingness to act, the issues that matter most and a comment, in
    every language the interface is written in (the scale with its standard labels)."""
    wording = definitions.QuestionWording
    definitions.add_standard_question(survey, type=QuestionType.YES_NO, allows_cant_say=True,
                                      word=lambda: wording(str(SUPPORT_PROMPT)))
    definitions.add_standard_question(survey, type=QuestionType.SCALE, allows_cant_say=True,
                                      word=lambda: wording(str(WILLINGNESS_PROMPT)))
    definitions.add_standard_question(survey, type=QuestionType.MULTIPLE_CHOICE, max_choices=3,
                                      word=lambda: wording(str(ISSUES_PROMPT), issue_categories()))
    definitions.add_standard_question(survey, type=QuestionType.FREE_TEXT, word=lambda: wording(str(COMMENT_PROMPT)))


def write_wording(actor: Account, survey: Survey, language: str, wording: definitions.SurveyWording,
                  questions: dict[int, definitions.QuestionWording | None]) -> Survey:
    """A draft's title, intro and questions written again in `language` (see
    `surveys.definitions.write_wording`), by one of its union's organizers."""
    policy.require_organizer(actor, unit_of(survey), _ORGANIZERS_ONLY)
    definitions.write_wording(survey, language, wording, questions)
    return survey


@dataclass(frozen=True)
class WordingStatus:
    """How far a survey is written in one of its other languages."""

    #: The language's code.
    language: str
    #: The survey's own language, which its readers read wherever words are missing.
    own_language: str
    #: Whether its title is written in it.
    has_title: bool
    #: Whether the survey has an introduction that is not written in it.
    lacks_intro: bool
    #: The numbers (from 1) of its questions not written in it.
    missing: list[int]
    #: How many questions the survey has.
    questions: int

    @property
    def is_started(self) -> bool:
        return self.has_title or len(self.missing) < self.questions

    @property
    def is_complete(self) -> bool:
        return self.has_title and not self.lacks_intro and not self.missing

    @property
    def name(self) -> str:
        return definitions.language_name(self.language)

    def notes(self) -> list[str]:
        """What is not written in the language, each in a sentence that says what its readers see instead."""
        language, own = self.name, definitions.language_name(self.own_language)
        if not self.is_started:
            return [gettext("Nothing is written in %(language)s yet: members who read Leverage in %(language)s "
                            "will see the whole survey in %(own)s.", language=language, own=own)]
        if self.is_complete:
            return [gettext("The title and every question are written in %(language)s too.", language=language)]
        notes = []
        if not self.has_title:
            notes.append(gettext("The title is not written in %(language)s: members who read Leverage in "
                                 "%(language)s will see it in %(own)s.", language=language, own=own))
        if self.lacks_intro:
            notes.append(gettext("The introduction is not written in %(language)s: members who read Leverage in "
                                 "%(language)s will see it in %(own)s.", language=language, own=own))
        if self.missing:
            numbers = format_list([format_number(number) for number in self.missing], locale=i18n.locale())
            notes.append(ngettext(
                "Question %(numbers)s is not written in %(language)s: members who read Leverage in %(language)s "
                "will see it in %(own)s.",
                "Questions %(numbers)s are not written in %(language)s: members who read Leverage in %(language)s "
                "will see them in %(own)s.", len(self.missing), numbers=numbers, language=language, own=own))
        return notes


def wording_status(survey: Survey) -> list[WordingStatus]:
    """For each language the survey is not written in: what is written in it already."""
    statuses = []
    for language in definitions.other_languages(survey):
        written = (survey.translations or {}).get(language, {})
        statuses.append(WordingStatus(
            language, survey.language, bool(written.get("title")), bool(survey.intro) and not written.get("intro"),
            [question.position + 1 for question in survey.missing_wording(language)], len(survey.questions)))
    return statuses


@dataclass(frozen=True)
class LaunchCheck:
    """What launching a draft would do, and what stands in its way, for the page
    that shows it before the organizer confirms."""

    #: The unit's members with accounts today: who the survey would go to.
    eligible: int
    #: Trustee surveys with the union's survey key: those of its trustees who still have an account.
    key_trustees: list[Account]
    #: Trustee surveys without one: who could make it together (the union's organizers and stewards).
    possible_trustees: list[Account]
    #: A trustee survey in a union whose trustees have not yet made its survey key: they must first.
    needs_union_key: bool
    #: Everything else to fix first, in words; empty when it can launch.
    blockers: list[str]
    #: Trustee surveys in a union with a survey key: the key ceremony whose key the survey will use.
    union_key: ceremony.CeremonyStatus | None = None
    #: How far the survey is written in each of its other languages. Never a blocker: where
    #: words are missing, their readers read the survey's own language.
    wording: list[WordingStatus] = field(default_factory=list)

    @property
    def can_launch(self) -> bool:
        return not self.blockers and not self.needs_union_key


def launch_check(survey: Survey, unit: BargainingUnit) -> LaunchCheck:
    """What launching the draft now would do, and what must be fixed first. The
    engine checks all of this again at launch; this is so that the page shows the
    way past each obstacle before it shows a launch button."""
    eligible = len(electorate(unit).voters)
    wording = wording_status(survey)
    blockers = []
    if not definitions.ballot_questions(survey):
        blockers.append(gettext("Add at least one question that is not a written comment: results are counted "
                                "from those."))
    try:
        definitions.require_ready_to_launch(survey)
    except SurveyError as refused:
        blockers.append(refused.message)
    if eligible < survey.release_threshold:
        blockers.append(ngettext(
            "Only %(num)d member of the unit has an account, and results are shown only when at least %(k)d "
            "answered: none could ever be shown. Invite more coworkers first.",
            "Only %(num)d members of the unit have accounts, and results are shown only when at least %(k)d "
            "answered: none could ever be shown. Invite more coworkers first.", eligible, k=survey.release_threshold))
    key = union_key(unit) if survey.key_mode == KeyMode.TRUSTEES else None
    if key is not None:
        holders = list(accounts_by_ref(list(key.trustee_refs)).values())
        if len(holders) < key.threshold:
            blockers.append(gettext("Only %(left)d of the survey key's trustees still have an account, and "
                                    "%(t)d must take part to open results: run a new key ceremony first.",
                                    left=len(holders), t=key.threshold))
        return LaunchCheck(eligible, sorted(holders, key=lambda a: a.display_name.casefold()), [], False, blockers,
                           key, wording)
    if survey.key_mode == KeyMode.TRUSTEES:
        # No key is dealt at launch any more: the trustees make the union's survey key together first.
        return LaunchCheck(eligible, [], trustee_candidates(unit.union), True, blockers, wording=wording)
    return LaunchCheck(eligible, [], [], False, blockers, wording=wording)


def device_encryption_by_default(kind: SurveyKind) -> bool:
    """Votes take only answers locked on the member's own device unless their
    organizer says otherwise; other kinds let the server lock them for a member
    without JavaScript, unless their organizer asks for the device."""
    return kind == SurveyKind.VOTE


def launch_for_unit(actor: Account, survey: Survey, *, device_encryption_required: bool | None = None,
                    people: Electorate | None = None) -> launch.LaunchReport:
    """Launch the draft to the unit's members with accounts. `device_encryption_required`
    None takes the kind's default (`device_encryption_by_default`). `people` replaces the
    unit's electorate by department and shift: a pay survey's, by role (`unit_surveys.pay`,
    which launches pay surveys; they are refused here without it).

    A trustee survey uses the union's survey key, which its trustees made
    together in a key ceremony, and its trustees are the key's. Without one it is
    refused: no key is dealt at launch any more, so nobody, the server included,
    ever holds a new survey's whole key (surveys launched with a dealt key stay
    decryptable: `surveys.tally.contribute`)."""
    unit = unit_of(survey)
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    key = union_key(unit) if survey.key_mode == KeyMode.TRUSTEES else None
    if survey.key_mode == KeyMode.TRUSTEES and key is None:
        raise DomainError(gettext("The trustees must first make the union's survey key together: an organizer "
                                  "starts it on the union's Survey key page. Or let the server unlock the "
                                  "results instead."))
    if survey.kind == SurveyKind.PAY and people is None:
        raise DomainError(gettext("A pay survey is broken down by role: launch it from its own launch page."))
    survey.device_encryption_required = (device_encryption_by_default(survey.kind)
                                         if device_encryption_required is None else device_encryption_required)
    people = people if people is not None else electorate(unit)
    report = launch.launch(survey, people.voters, people.dimensions,
                           key_ceremony_id=key.id if key is not None else None)
    record_launch(actor, unit, report)
    return report


def record_launch(actor: Account, unit: BargainingUnit, report: launch.LaunchReport) -> None:
    survey = report.survey
    # The audit log stores its sentences in English (docs/translating.md), whoever launched.
    with i18n.in_language(i18n.DEFAULT_LANGUAGE):
        decrypted_by = who_can_decrypt(survey)
    audit.record(actor, AuditAction.SURVEY_LAUNCHED,
                 f"Launched {survey.kind.value} survey \u201c{survey.title}\u201d to {report.eligible} members "
                 f"with accounts (results only when at least {survey.release_threshold} answered; "
                 f"{answers_locked_where(survey)}; {decrypted_by}).", unit=unit)


def end_voting(actor: Account, survey: Survey) -> bool:
    unit = unit_of(survey)
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    if survey.state != SurveyState.OPEN:
        raise SurveyNotOpen(gettext("Only an open survey can be closed."))
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
        raise SurveyNotOpen(gettext("This survey is not open for answers."))
    if ballot_box.eligibility(survey, ref) is None:
        raise SurveyNotOpen(gettext("This survey was not sent to you: it was launched before you joined, "
                                    "or it asks your coworkers about your own claims and demands."))
    if ballot_box.has_answered(survey, ref):
        raise AlreadyAnswered(gettext("You have already answered this survey. Each person answers once."))


def require_closed(survey: Survey) -> None:
    """Ballot fingerprints are published once voting has ended, never while it runs."""
    if survey.state not in (SurveyState.CLOSED, SurveyState.RELEASED):
        raise SurveyNotOpen(gettext("The list of ballot fingerprints is published when the survey closes."))


def require_released(survey: Survey) -> None:
    if survey.state != SurveyState.RELEASED:
        raise SurveyNotOpen(gettext("Results appear only after the survey closes and they are released."))


# -- what pages may say about a survey ------------------------------------------------------------

#: What the server-held key risks, in the words the survey form offers it with
#: and every result shows it with (PRIVACY.md invariant 5).
SERVER_KEY_RISK = lazy_gettext("whoever runs the server could read answers as they arrive")

SERVER_KEY_WORDS = lazy_gettext("Decrypted by the server alone (one key holder): %(risk)s", risk=SERVER_KEY_RISK)


#: A survey's state as its page names it.
STATE_WORDS = {SurveyState.DRAFT: lazy_gettext("Draft"), SurveyState.OPEN: lazy_gettext("Open"),
               SurveyState.CLOSED: lazy_gettext("Closed"), SurveyState.RELEASED: lazy_gettext("Results out")}

#: A survey's kind as a list of surveys names it.
KIND_WORDS = {SurveyKind.PULSE: lazy_gettext("Pulse"), SurveyKind.ENDORSEMENT: lazy_gettext("Endorsement"),
              SurveyKind.BARGAINING: lazy_gettext("Bargaining"), SurveyKind.VOTE: lazy_gettext("Vote"),
              SurveyKind.PAY: lazy_gettext("Pay")}

#: A survey's kind as its own page names it.
SURVEY_KIND_WORDS = {SurveyKind.PULSE: lazy_gettext("Pulse survey"),
                     SurveyKind.ENDORSEMENT: lazy_gettext("Endorsement survey"),
                     SurveyKind.BARGAINING: lazy_gettext("Bargaining survey"), SurveyKind.VOTE: lazy_gettext("Vote"),
                     SurveyKind.PAY: lazy_gettext("Pay survey")}

#: Surveys of a kind, as a sentence names them ("the union's floor for pulse surveys").
KIND_PLURALS = {SurveyKind.PULSE: lazy_gettext("pulse surveys"),
                SurveyKind.ENDORSEMENT: lazy_gettext("endorsement surveys"),
                SurveyKind.BARGAINING: lazy_gettext("bargaining surveys"), SurveyKind.VOTE: lazy_gettext("vote surveys"),
                SurveyKind.PAY: lazy_gettext("pay surveys")}

#: The breakdowns' dimensions as a results page names them: its heading, and its table's column.
DIMENSION_WORDS = {"department": (lazy_gettext("By department"), lazy_gettext("Department")),
                   "shift": (lazy_gettext("By shift"), lazy_gettext("Shift")),
                   "role": (lazy_gettext("By role"), lazy_gettext("Role"))}

#: A dimension inside a sentence ("no results by department").
DIMENSION_NAMES = {"department": lazy_gettext("department"), "shift": lazy_gettext("shift"),
                   "role": lazy_gettext("role")}


def who_can_decrypt(survey: Survey) -> str:
    """Who can decrypt, in plain words with the survey's own t and n (PRIVACY.md invariant 5:
    the choice is shown on every result)."""
    if survey.key_mode == KeyMode.SERVER_KEY:
        return str(SERVER_KEY_WORDS)
    t, n = survey.trustee_threshold, len(keys.trustees_of(survey))
    if not n:
        key = union_key(unit_of(survey)) if unit_of(survey) is not None else None
        if key is not None:
            return gettext("%(t)d of the %(n)d trustees (stewards or organizers) of the union's survey key will "
                           "have to take part, each in their own browser", t=key.threshold, n=key.trustee_count)
        return gettext("Trustees (stewards or organizers) will have to take part, each in their own browser, "
                       "with the survey key they first make together")
    released = survey.state == SurveyState.RELEASED
    if survey.key_made_in_ceremony:
        if released:
            return gettext("%(t)d of %(n)d trustees (stewards or organizers) had to take part, each in their own "
                           "browser: they made the key together, and nobody, the server included, ever held all "
                           "of it", t=t, n=n)
        return gettext("%(t)d of %(n)d trustees (stewards or organizers) must take part, each in their own "
                       "browser: they made the key together, and nobody, the server included, ever held all of it",
                       t=t, n=n)
    if released:
        return gettext("%(t)d of %(n)d trustees (stewards or organizers) had to take part", t=t, n=n)
    return gettext("%(t)d of %(n)d trustees (stewards or organizers) must take part", t=t, n=n)


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
     lazy_gettext("%(value)s (%(dimension)s) has fewer than %(k)s people with accounts: its answers count under "
                  "\u201cOther\u201d.")),
    (re.compile(rf"^(?P<dimension>\w+) {_VALUE} also counted in 'Other', so that 'Other' is not a group of "
                r"fewer than (?P<k>\d+)\.$"),
     lazy_gettext("%(value)s (%(dimension)s) counts under \u201cOther\u201d too, so that \u201cOther\u201d has at "
                  "least %(k)s people with accounts.")),
    (re.compile(r"^No breakdown by (?P<dimension>\w+): it would not hide anyone behind (?P<k>\d+) others\.$"),
     lazy_gettext("No results by %(dimension)s: too few people with accounts in each %(dimension)s to keep every "
                  "answer among at least %(k)s.")),
    (re.compile(r"^No breakdown by (?P<dimension>\w+): combined with (?P<rest>.+), some groups would have "
                r"fewer than (?P<k>\d+) people\.$"),
     lazy_gettext("No results by %(dimension)s: together with %(rest)s, some groups would have fewer than %(k)s "
                  "people with accounts.")),
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
            parts = {**found.groupdict(), "dimension": _dimension_name(found["dimension"])}
            if "value" in parts:
                parts["value"] = f"\u201c{ast.literal_eval(parts['value'])}\u201d"
            if "rest" in parts:
                parts["rest"] = ", ".join(_dimension_name(d) for d in parts["rest"].split(", "))
            return str(words) % parts
    return note


def _dimension_name(engine_word: str) -> str:
    """A dimension (or the planner's "the rest") as the engine's note names it, in the reader's words."""
    word = engine_word.lower()
    return gettext("the rest") if word == "the rest" else str(DIMENSION_NAMES.get(word, word))


#: The release rules' reasons for withholding a group, as `surveys.release` and
#: `surveys.record` store them (in English, with the survey's k), and the words a
#: results page shows for each. A reason no pattern knows is shown as stored.
_WITHHELD_REASONS = (
    (re.compile(r"^fewer than (?P<k>\d+) answered$"), lazy_gettext("fewer than %(k)s answered")),
    (re.compile(r"^fewer than (?P<k>\d+) answered in the whole survey$"),
     lazy_gettext("fewer than %(k)s answered in the whole survey")),
    (re.compile(r"^the whole survey is withheld$"), lazy_gettext("the whole survey is withheld")),
    (re.compile(r"^withheld so that no group of fewer than (?P<k>\d+) can be worked out by subtraction from this "
                r"survey's other groups$"),
     lazy_gettext("withheld so that no group of fewer than %(k)s can be worked out by subtraction from this "
                  "survey's other groups")),
    (re.compile(r"^withheld: taking away people whose answers may already be known would leave fewer than "
                r"(?P<k>\d+), and their answers could be worked out by subtraction$"),
     lazy_gettext("withheld: taking away people whose answers may already be known would leave fewer than "
                  "%(k)s, and their answers could be worked out by subtraction")),
    (re.compile(r"^withheld: it overlaps earlier surveys' results in too many small ways to check that no group "
                r"of fewer than (?P<k>\d+) can be worked out$"),
     lazy_gettext("withheld: it overlaps earlier surveys' results in too many small ways to check that no group "
                  "of fewer than %(k)s can be worked out")),
    (re.compile(r"^withheld: it differs from earlier surveys' results by fewer than (?P<k>\d+) people, whose "
                r"answers could be worked out by subtraction$"),
     lazy_gettext("withheld: it differs from earlier surveys' results by fewer than %(k)s people, whose answers "
                  "could be worked out by subtraction")),
    (re.compile(r"^withheld so that the published list of ballots never puts fewer than (?P<k>\d+) people's "
                r"ballots in a group of their own$"),
     lazy_gettext("withheld so that the published list of ballots never puts fewer than %(k)s people's ballots "
                  "in a group of their own")),
)


def plain_withheld_reason(reason: str | None) -> str:
    """Why a group of a released survey is withheld, in the reader's language."""
    for pattern, words in _WITHHELD_REASONS:
        found = pattern.match(reason or "")
        if found:
            return str(words) % found.groupdict()
    return reason or ""


def group_label(group) -> str:
    """A released group's name as a results page shows it: a department's or a
    shift's own name, or the engine's merged group in the reader's words."""
    return gettext("Other") if group.dimension and group.label == OTHER else group.label


def answered_count(survey: Survey) -> int | None:
    """How many answered, once the survey is closed; None while it is open or a draft
    (the engine shows no live count: PRIVACY.md invariants 9 and 10)."""
    counted = results.participation(survey)
    return counted.answered if counted is not None else None
