"""Surveys of the world's unit, moved through their lives by the real services,
and the outbox read back as parsed messages: shared by the notification and
home page tests. Call the builders inside an app context."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from pathlib import Path

from flask import Flask

from organizer.accounts.models import Account
from organizer.accounts.services import account_ref, find_account_by_email
from organizer.charting.models import BargainingUnit
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box
from surveys.models import KeyMode, Survey, SurveyKind
from tests import factories
from tests.surveys.ceremony_helpers import PythonTrustee
from tests.surveys.helpers import answers

#: Words of the test data that no notice may carry.
SURVEY_TITLE = "Heat in bay four pulse"
COMMENT = "The night lead shouts at Priya"


def account(address: str) -> Account:
    found = find_account_by_email(address)
    assert found is not None, address
    return found


def unit_pulse(unit: BargainingUnit, organizer: Account, *, trustees: list[Account] = (), title: str = SURVEY_TITLE,
               **settings) -> Survey:
    """A launched pulse with the standard questions (open now unless `opens_at` says later).
    With `trustees`, they first make the union's survey key (2 of them to unlock
    results), unless it has one, and the pulse is locked with it."""
    key_mode = KeyMode.TRUSTEES if trustees else KeyMode.SERVER_KEY
    if trustees and unit_surveys.union_key(unit) is None:
        factories.finished_ceremony(unit.union, trustees)
    survey = unit_surveys.create(organizer, unit, unit_surveys.settings_within_floors(
        unit.union, kind=SurveyKind.PULSE, title=title, intro=None, key_mode=key_mode, release_threshold=None,
        comment_threshold=None, trustee_threshold=2 if trustees else None, opens_at=settings.get("opens_at"),
        closes_at=settings.get("closes_at"), recurrence_weeks=None), standard_questions=True)
    unit_surveys.launch_for_unit(organizer, survey)
    return survey


def answer(survey: Survey, voters: list[Account]) -> None:
    for i, voter in enumerate(voters):
        ballot_box.cast(survey, account_ref(voter), answers(survey, yes=i % 2 == 0, scale=4, comment=COMMENT))


def close(survey: Survey, organizer: Account) -> None:
    """Voting ends and the totals are formed (a server-key survey is released at once)."""
    unit_surveys.end_voting(organizer, survey)
    unit_surveys.tally_and_release(organizer, survey)


def give_part(survey: Survey, trustee: Account) -> None:
    """The trustee's part of the decryption, as their browser gives it."""
    PythonTrustee(account_ref(trustee)).decrypt(survey)


def turn_on_email(*addresses: str) -> None:
    for address in addresses:
        account(address).wants_email = True


class Outbox:
    """The test app's outbox folder, emptied when the fixture starts."""

    def __init__(self, app: Flask) -> None:
        self.folder = Path(app.config["MAIL_FILE_PATH"])
        self.folder.mkdir(parents=True, exist_ok=True)
        for path in self.folder.iterdir():
            path.unlink()

    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(path.read_bytes(), policy=policy.default)
                for path in sorted(self.folder.glob("*.eml"))]

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages() if message["To"] == address]

    def raw(self) -> bytes:
        return b"".join(path.read_bytes() for path in sorted(self.folder.glob("*.eml")))
