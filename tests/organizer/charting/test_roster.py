"""The unit roster (organizer.charting.roster): what the chart filters and counts,
sealed as one value per unit. It must say exactly what the people's own rows
say after every kind of change, roll back with a refused change, stay sealed
at rest, and answer the duplicate checks without opening the whole unit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from core.clock import today
from core.extensions import db
from core.sealing import field_cipher
from crypto.fields import FieldCipher
from organizer.accounts import coworkers
from organizer.accounts import services as accounts
from organizer.accounts.models import Account
from organizer.charting import people, roster, unions
from organizer.charting.models import BargainingUnit, Department, Person, UnitRoster
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from tests import factories
from tests.dumps import raw_database
from tests.factories import OrganizerOf


def _unit(world) -> BargainingUnit:
    return db.session.get(BargainingUnit, world.unit_id)


def _from_the_rows(unit_id: int) -> list[tuple]:
    """What the roster should hold, worked out independently: every person's row
    opened, and every account's sealed link opened, in (name key, id) order."""
    links = {account.person_id: account.id for account in db.session.scalars(sa.select(Account))
             if account.person_id is not None}
    rows = [(roster.name_key(p.name), p.id, p.department_id, p.shift_id, links.get(p.id), p.segment_changed_on,
             p.assessment, p.is_member, roster.email_tag(p.email))
            for p in db.session.scalars(sa.select(Person).where(Person.unit_id == unit_id))]
    return sorted(rows)


def _stored(unit_id: int) -> list[tuple]:
    """The roster as stored, read in a fresh session (nothing held from the writes)."""
    db.session.remove()
    unit = db.session.get(BargainingUnit, unit_id)
    listed = roster.of(unit)
    assert listed.is_stored, "read back from its row, not rebuilt"
    return [(e.name_key, e.person_id, e.department_id, e.shift_id, e.account_id, e.segment_changed_on,
             e.assessment, e.is_member, e.email_tag) for e in listed.entries()]


def _check(unit_id: int) -> None:
    db.session.commit()
    stored = _stored(unit_id)
    assert stored == _from_the_rows(unit_id)
    summary = roster.summaries([db.session.get(BargainingUnit, unit_id)])[unit_id]
    assert summary.headcount == len(stored)
    assert summary.members == sum(1 for row in stored if row[7])
    assert summary.counts_by_assessment == {level: sum(1 for row in stored if row[6] == level) for level in range(6)}


def test_the_roster_follows_every_change_to_people_and_their_accounts(app_ctx, world):
    unit_id = world.unit_id
    unit = _unit(world)
    loading, cranes = (d.id for d in unit.departments)
    night = unit.shifts[1].id
    organizer_email = world.organizer
    _check(unit_id)  # the world: Jordan, and the people behind the steward and member accounts

    ada = factories.create_person(_unit(world), "Ada Lovelace", department_id=loading, shift_id=night,
                                  assessment=1, is_member=True, email="ada@example.net").id
    _check(unit_id)

    organizer = accounts.find_account_by_email(organizer_email)
    people.update_person(organizer, db.session.get(Person, ada), people.PersonDetails(
        name="Ada King", department_id=cranes, shift_id=None, assessment=4, is_member=False))
    _check(unit_id)

    organizer = accounts.find_account_by_email(organizer_email)
    many = [p.id for p in people.add_many(organizer, _unit(world), [
        people.PersonDetails(name=f"Batch {n}", department_id=loading, assessment=n % 6, is_member=n % 2 == 0,
                             email=f"batch{n}@example.net") for n in range(7)])]
    _check(unit_id)

    member = factories.create_account(Role.MEMBER, unit=_unit(world)).id
    _check(unit_id)
    accounts.delete_account(db.session.get(Account, member), factories.PASSWORD)
    _check(unit_id)

    coworkers.remove_person(accounts.find_account_by_email(organizer_email), db.session.get(Person, many[3]))
    _check(unit_id)

    unions.remove_segment(accounts.find_account_by_email(organizer_email), db.session.get(Department, loading))
    _check(unit_id)

    # Code that changes a row directly, as the demos and the freeze tests do, keeps it true too.
    jordan = db.session.get(Person, world.person_id)
    jordan.segment_changed_on = today() - timedelta(days=90)
    jordan.is_member = True
    _check(unit_id)
    db.session.add(Person(unit_id=unit_id, name="Charted Directly", assessment=5))
    _check(unit_id)


def test_a_unit_created_directly_starts_with_its_people(app_ctx, world):
    union = _unit(world).union
    unit = BargainingUnit(union=union, name="Built in one go")
    unit.people.append(Person(name="First One", assessment=2, is_member=True))
    db.session.add(unit)
    db.session.flush()
    _check(unit.id)


def test_a_refused_change_leaves_the_roster_as_it_was(app_ctx, world):
    before = _stored(world.unit_id)
    organizer = accounts.find_account_by_email(world.organizer)
    with pytest.raises(DomainError):
        people.add_many(organizer, _unit(world), [people.PersonDetails(name="New One"),
                                                  people.PersonDetails(name="new  one")])
    db.session.rollback()
    factories.create_person(_unit(world), "Written then undone")
    db.session.rollback()
    assert _stored(world.unit_id) == before


def test_a_missing_or_unreadable_roster_is_rebuilt_from_the_people(app_ctx, world):
    factories.create_person(_unit(world), "Someone Else", assessment=3)
    db.session.commit()
    expected = _stored(world.unit_id)
    db.session.execute(sa.delete(UnitRoster).where(UnitRoster.unit_id == world.unit_id))
    db.session.commit()
    db.session.remove()
    rebuilt = roster.of(_unit(world))
    assert not rebuilt.is_stored
    assert [e.person_id for e in rebuilt.entries()] == [row[1] for row in expected]
    assert roster.summaries([_unit(world)])[world.unit_id].headcount == len(expected)
    # The next change to the unit's people stores it.
    factories.create_person(_unit(world), "Trigger A Write")
    _check(world.unit_id)


def test_a_roster_copied_to_another_unit_does_not_open(app_ctx, world):
    blob = db.session.scalar(sa.select(UnitRoster.entries).where(UnitRoster.unit_id == world.unit_id))
    with pytest.raises(roster.RosterFormatError):
        roster.Roster.from_bytes(blob, world.other_unit_id)
    with pytest.raises(roster.RosterFormatError):
        roster.Roster.from_bytes(blob[:-3], world.unit_id)
    with pytest.raises(roster.RosterFormatError):
        roster.Roster.from_bytes(bytes([2]) + blob[1:], world.unit_id)


def test_the_roster_is_sealed_at_rest(app, world):
    secret = "Wilhelmina Roster-Zarathustra"
    with app.app_context():
        factories.create_person(db.session.get(BargainingUnit, world.unit_id), secret, email="w.secret@example.net")
        db.session.commit()
        row = db.session.execute(sa.text(
            "SELECT summary, entries FROM unit_rosters WHERE unit_id = :u"), {"u": world.unit_id}).one()
        field_cipher().decrypt(bytes(row.summary), b"unit_roster.summary")
        field_cipher().decrypt(bytes(row.entries), b"unit_roster.entries")
        raw = raw_database(db.engine.url)
    for text in (secret, roster.name_key(secret), "w.secret@example.net"):
        assert text.encode() not in raw


def test_name_keys_ignore_case_accents_spacing_and_invisible_characters():
    assert roster.name_key("  José   GARCÍA ") == roster.name_key("jose garcia") == "jose garcia"
    assert roster.name_key("Zoë\u200b O\u0301Neil") == "zoe oneil"
    assert roster.name_key("Straße") == "strasse"
    assert "\x00" not in roster.name_key("a\x00b")


def test_the_roster_keeps_chart_order_and_answers_its_questions():
    listed = roster.Roster(7)
    day = date(2026, 1, 1)
    for person_id, name, department, member, level in [(3, "Émile Zola", 1, True, 1), (1, "ada byron", 2, False, 5),
                                                        (2, "Ada Byron", 1, True, 1), (9, "Bob", None, False, 0)]:
        assert listed.put(roster.RosterEntry(person_id, department, None, None, day, level, member,
                                             roster.EMAIL_TAG_BYTES * b"\x01" if person_id == 9 else bytes(8),
                                             roster.name_key(name)))
    assert listed.person_ids() == [1, 2, 9, 3], "by name key, then id"
    assert listed.matching(department_id=1) == [2, 3]
    assert listed.matching(is_member=True, assessment=1) == [2, 3]
    assert listed.matching(search="EMILE") == [3] and listed.matching(search="by") == [1, 2]
    assert listed.named("ada byron") == [1, 2]
    assert listed.with_email_tag(b"\x01" * 8) == [9]
    assert listed.link(2, 40) and listed.account_of(2) == 40 and listed.linked()[40].person_id == 2
    assert not listed.put(listed.entry(2)._replace(account_id=None)), "an unchanged entry changes nothing"
    assert listed.account_of(2) == 40, "put keeps the link"
    assert listed.summary.counts_by_assessment == {0: 1, 1: 2, 2: 0, 3: 0, 4: 0, 5: 1}
    again = roster.Roster.from_bytes(listed.to_bytes(), 7)
    assert list(again.entries()) == list(listed.entries())
    assert roster.Roster.from_bytes(roster.Roster(7).to_bytes(), 7).person_ids() == []


class _Opened:
    """Counts the sealed person names the app opens."""

    def __init__(self, monkeypatch) -> None:
        self.names = 0
        original = FieldCipher.decrypt

        def counting(cipher, blob, purpose):
            if purpose == b"person.name":
                self.names += 1
            return original(cipher, blob, purpose)

        monkeypatch.setattr(FieldCipher, "decrypt", counting)


def test_adding_and_editing_check_duplicates_without_opening_the_unit(app_ctx, world, monkeypatch):
    organizer = accounts.find_account_by_email(world.organizer)
    people.add_many(organizer, _unit(world), [people.PersonDetails(name=f"Worker {n}", email=f"w{n}@example.net")
                                              for n in range(40)])
    db.session.commit()
    db.session.remove()
    organizer = accounts.find_account_by_email(world.organizer)
    opened = _Opened(monkeypatch)
    unit = _unit(world)
    added = people.add_person(organizer, unit, people.PersonDetails(name="Newcomer", email="new@example.net"))
    people.update_person(organizer, added, people.PersonDetails(name="Newcomer Two", email="new@example.net"))
    assert opened.names <= 2, f"the duplicate checks opened {opened.names} names of a unit of 44"
    # A match on the key or tag opens just the candidates, and still refuses.
    for details, field in [(people.PersonDetails(name="worker  7"), "name"),
                           (people.PersonDetails(name="Another", email="W7@example.net "), "email")]:
        with pytest.raises(DomainError) as refused:
            people.add_person(organizer, unit, details)
        assert refused.value.field == field
    assert opened.names <= 6


def test_names_alike_only_by_their_key_are_not_duplicates(app_ctx, world):
    unit = _unit(world)
    factories.create_person(unit, "José Díaz")
    assert factories.create_person(unit, "Jose Diaz").name == "Jose Diaz"
    with pytest.raises(DomainError):
        factories.create_person(unit, "josé  DÍAZ")


def test_add_many_checks_each_row_and_rewrites_the_roster_once(app_ctx, world):
    organizer = accounts.find_account_by_email(world.organizer)
    unit = _unit(world)
    for rows, message in [
        ([people.PersonDetails(name="Jordan Example")], "Row 1: Someone with this name is already on the chart"),
        ([people.PersonDetails(name="A"), people.PersonDetails(name="a")], "Row 2: This name is given twice"),
        ([people.PersonDetails(name="A", email="x@example.net"), people.PersonDetails(name="B", email="X@example.net")],
         "Row 2: This email is given twice"),
        ([people.PersonDetails(name="A", department_id=_unit_of_other(world).departments[0].id)],
         "Row 1: Choose one of this unit's departments"),
    ]:
        with pytest.raises(DomainError) as refused:
            people.add_many(organizer, unit, rows)
        assert refused.value.message.startswith(message)
        db.session.rollback()
    writes = []
    listener = lambda conn, cursor, statement, *rest: writes.append(statement) if (
        "unit_rosters" in statement and not statement.lstrip().upper().startswith("SELECT")) else None
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        charted = people.add_many(organizer, _unit(world), [people.PersonDetails(name=f"Row {n}") for n in range(25)])
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert len(charted) == 25 and all(p.id for p in charted)
    assert len(writes) == 1, writes
    _check(world.unit_id)


def _unit_of_other(world) -> BargainingUnit:
    return db.session.get(BargainingUnit, world.other_unit_id)


def test_only_organizers_add_many(app_ctx, world):
    other = db.session.get(BargainingUnit, world.other_unit_id)
    with pytest.raises(NotAllowed):
        people.add_many(OrganizerOf(_unit(world).union), other, [people.PersonDetails(name="Puppet")])
