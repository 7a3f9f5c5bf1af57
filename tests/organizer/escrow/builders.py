"""Stories in escrow for the tests, through the real services, and the clock
the escrow reads, moved without sleeping. Call the builders inside an app
context; they flush, and the caller commits when a request must see the data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import pytest

from core.clock import utcnow
from crypto import dkg, sealing
from crypto.escrow import story_partial
from crypto.group import Scalar
from crypto.threshold import ThresholdKey
from organizer.accounts.models import Account, RoleAssignment
from organizer.accounts.services import account_ref, count_holders
from organizer.charting.models import BargainingUnit, Union
from organizer.escrow import jobs, services
from organizer.escrow.models import Story, StoryOpening, StoryReaders
from organizer.roles import Role
from surveys import ceremony
from tests import factories
from tests.surveys.ceremony_helpers import PythonTrustee

#: Words of the test stories that no page but a reader's, no dump and no email may carry.
TITLE = "How Marisol Quintero-Abernathy won the heat breaks"
TEXT = ("On the second night [Marisol Quintero-Abernathy] walked the petition down bay four. "
        "Dwight Okafor-Lindqvist told the shift lead to his face that the fans stay on.\n\n"
        "By Friday the heat breaks were in the schedule.")
HIDDEN = ("Dwight Okafor-Lindqvist",)
NAMES = ("Marisol Quintero-Abernathy", "Dwight Okafor-Lindqvist")


class Clock:
    """The time the escrow reads (core.clock.utcnow as its modules imported it), moved by tests."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self.now = utcnow()

    def set(self, moment: datetime) -> None:
        self.now = moment
        for module in (services, jobs):
            self._monkeypatch.setattr(module, "utcnow", lambda: self.now)

    def days_later(self, days: int) -> None:
        self.set(self.now + timedelta(days=days))


def details(unit: BargainingUnit | None, **changes) -> services.StoryDetails:
    """A story of `unit` for everyone in it, opening ten days from now where the union works."""
    union_zone = unit.union.time_zone if unit is not None else "America/New_York"
    made = services.StoryDetails(
        title=TITLE, text=TEXT, hidden_names=HIDDEN, unit_id=unit.id if unit is not None else None,
        readers=StoryReaders.UNIT, reader_ids=(), opening=StoryOpening.ON_DATE,
        opens_on=services.union_today(union_zone) + timedelta(days=10))
    return replace(made, **changes)


def save(author: Account, union: Union, unit: BargainingUnit | None, **changes) -> Story:
    return services.save_story(author, union, details(unit, **changes))


def trustee_key(union: Union, trustees: list[Account]) -> None:
    """The union's survey key, made by `trustees`, 2 of them to open anything."""
    factories.finished_ceremony(union, trustees)


@dataclass
class StoryTrustee:
    """A trustee's browser, played in Python: it reads the task the server hands
    its page and computes the part as static/js/escrow/worker.js does."""

    account: Account
    #: The passphrase that opens the trustee's personal secret (None: the test ceremonies' own).
    passphrase: str | None = None

    def part(self, story: Story) -> bytes:
        task = services.trustee_screen(self.account, story).task
        assert task is not None, "the server hands out no task"
        return self.part_from_material(story, ceremony.material_for(story.key_ceremony_id, account_ref(self.account)))

    def part_from_material(self, story: Story, material: ceremony.TrusteeMaterial) -> bytes:
        """The part, computed from the ceremony's material alone (as a browser that skipped
        every check would): what the server must still refuse before the day."""
        dealings = [dkg.Dealing.from_json(d) for d in material.dealings]
        share = dkg.final_share(material.context, dealings, material.trustee_index, self._secret(material))
        key = ThresholdKey.from_bytes(bytes(story.threshold_key))
        return story_partial(key, share, story.sealed, services.terms_of(story)).to_bytes()

    def _secret(self, material: ceremony.TrusteeMaterial) -> Scalar:
        if self.passphrase is None:
            return PythonTrustee(account_ref(self.account)).secret(material)
        context = dkg.join_context(material.ceremony_id, material.trustee_index)
        return Scalar.from_bytes(sealing.open_with_passphrase(material.sealed_secret, self.passphrase,
                                                              associated_data=context))

    def give(self, story: Story) -> int:
        return services.give_part(self.account, story, self.part(story))


def day(text: str) -> date:
    return date.fromisoformat(text)



def matrix_story(author: Account, unit: BargainingUnit, trustees: list[Account]) -> Story:
    """For the authorization matrix: the union's survey key made by `trustees`, and a
    story of `unit` by `author`, locked with it, for everyone in the unit, ten days away. The
    unit is filled up to the union's k accounts first: a unit of fewer cannot be a story's only
    readers (`escrow.services._said_unit`)."""
    trustee_key(unit.union, trustees)
    for _ in range(unit.union.release_threshold - count_holders(RoleAssignment.unit_id == unit.id)):
        factories.create_account(Role.MEMBER, unit=unit)
    return save(author, unit.union, unit)


def spanish_walk_places(union: Union, passphrase: str) -> dict[str, int]:
    """For the Spanish walk of the demo (tests/core/test_i18n.py): stories of the warehouse
    by member1@, all locked with the demo's survey key: one ten days away, one due today
    (its trustee page for steward@ hands out a task), one due today and opened by
    organizer@ and steward2@ (whose personal secrets open with `passphrase`)."""
    from organizer.accounts.services import find_account_by_email

    warehouse = next(unit for unit in union.units if unit.name.startswith("Warehouse"))
    author = find_account_by_email("member1@example.org")
    today = services.union_today(union.time_zone)
    sealed = save(author, union, warehouse)
    due = save(author, union, warehouse, opens_on=today)
    opened = save(author, union, warehouse, opens_on=today)
    for email in ("organizer@example.org", "steward2@example.org"):
        StoryTrustee(find_account_by_email(email), passphrase).give(opened)
    return {"sealed_story": sealed.id, "due_story": due.id, "opened_story": opened.id}
