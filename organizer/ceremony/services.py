"""The union's survey key: the organizers' and the trustees' side of a key
ceremony (the engine's `surveys.ceremony`), reminders to late trustees, and a
trustee's decryption, in their browser, of a survey made with the key.

The server never sees a passphrase or a secret here: the trustees' browsers
send personal public keys with their proofs, secrets sealed with passphrases
typed only there, dealings, signatures and partial decryptions, and the engine
checks each before keeping it. This module decides who may do what (the
union's organizers start and stop; only a ceremony's trustees take its steps)
and says where things stand in words a steward reads."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext, ngettext
from sqlalchemy.exc import IntegrityError

from core import mail
from core.clock import today
from core.extensions import db
from organizer import policy
from organizer.accounts.models import Account
from organizer.accounts.services import account_ref
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.ceremony.models import CeremonyAnnouncement, CeremonyNotice
from organizer.charting.models import Union
from organizer.charting.unions import lock_union
from organizer.errors import DomainError, NotAllowed
from organizer.notifications import services as notifications
from organizer.unit_surveys import services as unit_surveys
from surveys import ceremony, definitions, keys, tally
from surveys.ceremony import CeremonyFailure, CeremonyState, CeremonyStatus, TrusteeProgress
from surveys.models import KeyMode, Survey, SurveyState

log = logging.getLogger(__name__)

_ORGANIZERS_ONLY = lazy_gettext("Only the union's organizers can choose who holds its survey key.")
#: A step that has waited this many days sends one reminder to the trustees it waits for.
REMIND_AFTER_DAYS = 2
#: A step that has waited this many days is shown as stalled, naming who it waits for.
STALLED_AFTER_DAYS = 7
#: The notices, by kind.
NOTICE_TEMPLATES = {
    CeremonyNotice.YOUR_TURN: "ceremony/email_your_turn.txt",
    CeremonyNotice.REMINDER: "ceremony/email_reminder.txt",
}

#: Each running step: its number, what it asks of the trustee reading it, and of everyone.
STEP_WORDS = {
    CeremonyState.JOINING: (1, lazy_gettext("choose your passphrase and make your part of the key"),
                            lazy_gettext("each trustee chooses a passphrase and makes their part of the key")),
    CeremonyState.DEALING: (2, lazy_gettext("make the pieces of the key you send the others"),
                            lazy_gettext("each trustee makes the pieces of the key they send the others")),
    CeremonyState.CHECKING: (3, lazy_gettext("check the pieces the others sent you"),
                             lazy_gettext("each trustee checks the pieces the others sent them")),
}


def _progress_words(state: CeremonyState, done: int, count: int) -> str:
    """"2 of 3 trustees have joined": what a trustee did in the step under way, for the progress line."""
    if state == CeremonyState.JOINING:
        return ngettext("%(num)d of %(count)d trustees has joined", "%(num)d of %(count)d trustees have joined",
                        done, count=count)
    if state == CeremonyState.DEALING:
        return ngettext("%(num)d of %(count)d trustees has sent their pieces",
                        "%(num)d of %(count)d trustees have sent their pieces", done, count=count)
    if state == CeremonyState.CHECKING:
        return ngettext("%(num)d of %(count)d trustees has checked their pieces",
                        "%(num)d of %(count)d trustees have checked their pieces", done, count=count)
    return ngettext("%(num)d of %(count)d trustees has taken part", "%(num)d of %(count)d trustees have taken part",
                    done, count=count)


def key_scope(union: Union) -> str:
    return unit_surveys.union_key_scope(union.id)


def union_of(status: CeremonyStatus) -> Union | None:
    prefix, _, number = status.scope.partition(":")
    if prefix != unit_surveys.KEY_SCOPE_PREFIX or not number.isdigit():
        return None
    return db.session.get(Union, int(number))


def trustee_candidates(union: Union) -> list[Account]:
    """Who may hold a part of the union's survey key: its organizers and the stewards of its units."""
    return unit_surveys.trustee_candidates(union)


def names_of(status: CeremonyStatus) -> dict[str, str]:
    """Each trustee's name by ref; a trustee whose account is gone is "a former trustee"."""
    accounts = unit_surveys.accounts_by_ref(list(status.trustee_refs))
    return {ref: accounts[ref].display_name if ref in accounts else gettext("a former trustee")
            for ref in status.trustee_refs}


def quorum_words(threshold: int, count: int) -> str:
    """"2 of 3 must take part to open the results" and what it means when one is lost."""
    spare = count - threshold
    if spare == 0:
        losing = gettext("If any one of them loses their passphrase, results can no longer be opened.")
    elif spare == 1:
        losing = gettext("If one of them loses their passphrase, the others can still open the results.")
    else:
        losing = gettext("Up to %(spare)d of them can lose their passphrase and the others can still open the "
                         "results.", spare=spare)
    needed = gettext("%(t)d of %(n)d must take part to open the results; fewer than %(t)d cannot, whoever they "
                     "are.", t=threshold, n=count)
    return f"{needed} {losing}"


# -- organizers ----------------------------------------------------------------------------------

def start(actor: Account, union: Union, trustee_ids: list[int], threshold: int | None) -> CeremonyStatus:
    """A new ceremony among the chosen stewards and organizers. Surveys already
    launched keep their key; new ones use this one once it is ready."""
    policy.require_organizer(actor, union, _ORGANIZERS_ONLY)
    allowed = {a.id: a for a in trustee_candidates(union)}
    chosen = list(dict.fromkeys(trustee_ids))
    if not chosen:
        raise DomainError(gettext("Choose the trustees."), field="trustees")
    if any(i not in allowed for i in chosen):
        raise NotAllowed(gettext("Trustees must be organizers of the union or stewards of one of its units."))
    if threshold is None:
        raise DomainError(gettext("Say how many trustees must take part to open the results."), field="threshold")
    accounts = sorted((allowed[i] for i in chosen), key=lambda a: a.display_name.casefold())
    # Two organizers starting the union's first ceremony at the same instant would
    # otherwise both find none under way (the engine can lock only ceremonies that
    # exist) and both start one: the second waits here, then sees the first's and is refused.
    lock_union(union)
    started = ceremony.start(key_scope(union), [account_ref(a) for a in accounts], threshold)
    # The audit log stores its sentences in English (docs/translating.md), whoever started it.
    audit.record(actor, AuditAction.KEY_CEREMONY_STARTED,
                 f"Started a survey key ceremony: {threshold} of {len(accounts)} trustees "
                 f"({', '.join(a.display_name for a in accounts)}) will have to take part to open results.",
                 union_id=union.id)
    return started


def stop(actor: Account, union: Union, ceremony_id: int) -> CeremonyStatus:
    policy.require_organizer(actor, union, _ORGANIZERS_ONLY)
    found = ceremony.status(ceremony_id)
    if found is None or found.scope != key_scope(union):
        raise NotAllowed(gettext("That key ceremony is not this union's."))
    stopped = ceremony.stop(ceremony_id)
    audit.record(actor, AuditAction.KEY_CEREMONY_STOPPED, "Stopped the survey key ceremony under way.",
                 union_id=union.id)
    return stopped


@dataclass(frozen=True)
class CeremonyView:
    """A ceremony with its trustees' names, and what it waits for."""

    status: CeremonyStatus
    names: dict[str, str]

    @property
    def state(self) -> CeremonyState:
        return self.status.state

    def name(self, progress: TrusteeProgress | None) -> str:
        if progress is None:
            return gettext("nobody")
        return self.names.get(progress.trustee_ref) or gettext("a former trustee")

    @property
    def trustee_names(self) -> list[str]:
        return [self.name(t) for t in self.status.trustees]

    @property
    def waiting_names(self) -> list[str]:
        return [self.name(t) for t in self.status.waiting]

    @property
    def quorum(self) -> str:
        return quorum_words(self.status.threshold, self.status.trustee_count)

    @property
    def step_number(self) -> int | None:
        return STEP_WORDS.get(self.state, (None, "", ""))[0]

    @property
    def step_words(self) -> str:
        """What the step asks of the trustee reading it."""
        return str(STEP_WORDS.get(self.state, (None, "", ""))[1])

    @property
    def step_words_for_all(self) -> str:
        """What the step asks of every trustee, for the organizers."""
        return str(STEP_WORDS.get(self.state, (None, "", ""))[2])

    @property
    def progress(self) -> str:
        """"2 of 3 trustees have taken part" in the step under way."""
        return _progress_words(self.state, self.status.done_in_step, self.status.trustee_count)

    @property
    def days_waiting(self) -> int:
        return (today() - self.status.step_started_on).days

    @property
    def is_stalled(self) -> bool:
        return self.state.is_running and self.days_waiting >= STALLED_AFTER_DAYS

    @property
    def failure_words(self) -> str | None:
        """Who and why, for a ceremony that stopped."""
        status = self.status
        if status.state != CeremonyState.FAILED:
            return None
        if status.failure == CeremonyFailure.BAD_PIECE:
            return gettext(
                "%(dealer)s sent a piece of the key that does not match what they published: %(accuser)s's browser "
                "found it and proved it. It may be a fault of their device rather than anything they did. No key "
                "was made; start again, with the same trustees or others.",
                dealer=self.name(status.by_index(status.blamed_index)),
                accuser=self.name(status.by_index(status.accuser_index)))
        if status.failure == CeremonyFailure.TRUSTEE_LEFT:
            return gettext("A trustee left: their account was deleted before the key was ready. No key was made; "
                           "start again with the trustees who remain.")
        return gettext("An organizer stopped it before the key was ready. No key was made.")


def view_of(status: CeremonyStatus) -> CeremonyView:
    return CeremonyView(status, names_of(status))


@dataclass(frozen=True)
class SurveyHolders:
    """An unreleased trustee survey, and who can still open its results."""

    survey: Survey
    threshold: int
    #: Trustees still in office who have not given their part yet, by name.
    can_give: list[str]
    #: Trustees who have given their part.
    given: int
    #: Trustees who left, or no longer hold office in the union.
    gone: int
    #: Made with a union survey key (rather than a key dealt at launch).
    made_in_ceremony: bool

    @property
    def can_open(self) -> bool:
        return self.given + len(self.can_give) >= self.threshold


def survey_holders(union: Union) -> list[SurveyHolders]:
    """Every trustee survey of the union's units not yet released, with who can still open it:
    what a change of trustees leaves decryptable, and by whom."""
    in_office = {account_ref(a): a.display_name for a in trustee_candidates(union)}
    found = []
    for unit in sorted(union.units, key=lambda u: u.name.casefold()):
        for survey in definitions.surveys_in_scope(unit_surveys.unit_scope(unit)):
            if survey.key_mode != KeyMode.TRUSTEES or not survey.is_launched or survey.state == SurveyState.RELEASED:
                continue
            trustees = keys.trustees_of(survey)
            given = sum(t.has_decrypted for t in trustees)
            can_give = [in_office[t.trustee_ref] for t in trustees
                        if not t.has_decrypted and t.trustee_ref in in_office]
            gone = len(trustees) - given - len(can_give)
            found.append(SurveyHolders(survey, survey.trustee_threshold or 0, can_give, given, gone,
                                       survey.key_made_in_ceremony))
    return found


@dataclass(frozen=True)
class UnionKeyPage:
    """What the organizers' page of the union's survey key shows."""

    union: Union
    #: The key new trustee surveys use.
    current: CeremonyView | None
    #: The ceremony under way, if one is.
    running: CeremonyView | None
    #: Earlier ceremonies, newest first (finished keys that were replaced, stopped ones).
    earlier: list[CeremonyView]
    surveys: list[SurveyHolders]
    #: Who may be chosen as trustees.
    candidates: list[Account]
    #: Current trustees who no longer hold office (a reason to run a new ceremony).
    departed: list[str]
    #: The organizer reading the page is a trustee the ceremony under way waits for.
    actor_waits: bool = False

    @property
    def last_failed(self) -> CeremonyView | None:
        """The newest ceremony, when it stopped and nothing newer runs or finished since: said at the top."""
        newest = self.earlier[0] if self.earlier else None
        if newest is None or newest.state != CeremonyState.FAILED or self.running is not None:
            return None
        if self.current is not None and self.current.status.id > newest.status.id:
            return None
        return newest


def union_key_page(actor: Account, union: Union) -> UnionKeyPage:
    policy.require_organizer(actor, union, _ORGANIZERS_ONLY)
    all_ceremonies = ceremony.ceremonies_of(key_scope(union))
    current = next((c for c in all_ceremonies if c.state == CeremonyState.DONE), None)
    running = next((c for c in all_ceremonies if c.state.is_running), None)
    earlier = [view_of(c) for c in all_ceremonies if c is not current and c is not running]
    candidates = trustee_candidates(union)
    in_office = {account_ref(a) for a in candidates}
    current_view = view_of(current) if current is not None else None
    departed = ([current_view.names[ref] for ref in current.trustee_refs if ref not in in_office]
                if current is not None else [])
    actor_waits = running is not None and account_ref(actor) in {t.trustee_ref for t in running.waiting}
    return UnionKeyPage(union, current_view, view_of(running) if running is not None else None, earlier,
                        survey_holders(union), candidates, departed, actor_waits)


# -- trustees ------------------------------------------------------------------------------------

#: What a trustee's screen is for: their step, waiting for the others, or the end.
TRUSTEE_SCREENS = ("join", "deal", "check", "wait", "done", "failed")


@dataclass(frozen=True)
class TrusteeScreen:
    """One trustee's screen of a ceremony."""

    view: CeremonyView
    union: Union | None
    me: TrusteeProgress
    #: One of TRUSTEE_SCREENS.
    screen: str
    #: What the trustee's browser needs for its step (public, or sealed to them); None when it has none.
    material: dict[str, Any] | None


def _screen(status: CeremonyStatus, me: TrusteeProgress) -> str:
    if status.state == CeremonyState.DONE:
        return "done"
    if status.state == CeremonyState.FAILED:
        return "failed"
    if me.has_done(status.state):
        return "wait"
    return {CeremonyState.JOINING: "join", CeremonyState.DEALING: "deal", CeremonyState.CHECKING: "check"}[
        status.state]


def trustee_screen(actor: Account, ceremony_id: int) -> TrusteeScreen:
    status = ceremony.status(ceremony_id)
    ref = account_ref(actor)
    me = status.trustee(ref) if status is not None else None
    if me is None:
        raise NotAllowed(gettext("You are not a trustee of this survey key."))
    screen = _screen(status, me)
    material = ceremony.material_for(ceremony_id, ref).to_json() if screen in ("join", "deal", "check") else None
    return TrusteeScreen(view_of(status), union_of(status), me, screen, material)


def ceremonies_needing(actor: Account) -> list[CeremonyView]:
    """Ceremonies under way waiting for the actor's step."""
    ref = account_ref(actor)
    return [view_of(c) for c in ceremony.ceremonies_of_trustee(ref)
            if c.state.is_running and not c.trustee(ref).has_done(c.state)]


def join(actor: Account, ceremony_id: int, personal_key: bytes, possession_proof: bytes,
         sealed_secret: bytes) -> CeremonyStatus:
    return ceremony.join(ceremony_id, account_ref(actor), personal_key=personal_key,
                         possession_proof=possession_proof, sealed_secret=sealed_secret)


def deal(actor: Account, ceremony_id: int, dealing: object) -> CeremonyStatus:
    return ceremony.deal(ceremony_id, account_ref(actor), dealing)


def acknowledge(actor: Account, ceremony_id: int, acknowledgement: bytes) -> CeremonyStatus:
    return ceremony.acknowledge(ceremony_id, account_ref(actor), acknowledgement)


def complain(actor: Account, ceremony_id: int, complaint: object) -> CeremonyStatus:
    return ceremony.complain(ceremony_id, account_ref(actor), complaint)


# -- reminders -----------------------------------------------------------------------------------

def nudge_trustees() -> int:
    """Email the trustees a key ceremony's step waits for: when it starts, and once more if they are late."""
    sent = 0
    for status in _running_union_ceremonies():
        for notice in _notices_due(status):
            try:
                # As survey notices do: the row first, in its own savepoint, so a second
                # run waits on it and fails, and a mail server that is down undoes it.
                with db.session.begin_nested():
                    db.session.add(CeremonyAnnouncement(ceremony_id=status.id, step=status.state.value,
                                                        notice=notice))
                    db.session.flush()
                    waiting = unit_surveys.accounts_by_ref([t.trustee_ref for t in status.waiting])
                    sent += notifications.notify(waiting.values(), NOTICE_TEMPLATES[notice])
            except (mail.MailNotSent, IntegrityError) as failed:
                log.warning("key ceremony %s: its %s notice waits for the next run (%s)", status.id, notice, failed)
    return sent


def _running_union_ceremonies() -> list[CeremonyStatus]:
    found = []
    for union_id in db.session.scalars(sa.select(Union.id).order_by(Union.id)):
        running = ceremony.running(unit_surveys.union_key_scope(union_id))
        if running is not None:
            found.append(running)
    return found


def _notices_due(status: CeremonyStatus) -> list[CeremonyNotice]:
    """The step's "your turn" notice, or once it is late its reminder (alone,
    when the job was down for the whole of the first days)."""
    sent = set(db.session.scalars(sa.select(CeremonyAnnouncement.notice).where(
        CeremonyAnnouncement.ceremony_id == status.id, CeremonyAnnouncement.step == status.state.value)))
    late = status.step_started_on <= today() - timedelta(days=REMIND_AFTER_DAYS)
    notice = CeremonyNotice.REMINDER if late else CeremonyNotice.YOUR_TURN
    return [notice] if notice not in sent and status.waiting else []


# -- decrypting in the browser -------------------------------------------------------------------

def decryption_task(actor: Account, survey: Survey) -> tally.BrowserDecryption:
    """What the trustee's browser needs to give its part of the survey's decryption."""
    return tally.browser_decryption(survey, account_ref(actor))


def give_partials(actor: Account, survey: Survey, partials: list[bytes]) -> int:
    """The trustee's partial decryptions, made in their browser; how many trustees have given theirs."""
    return tally.contribute_partials(survey, account_ref(actor), partials)

