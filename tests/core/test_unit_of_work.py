"""core.views.unit_of_work: one transaction per change, rolled back and shown on a refusal."""

from __future__ import annotations

import sqlalchemy as sa
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from core.extensions import db
from core.refusals import Refused
from core.views import unit_of_work
from organizer.charting.models import Union
from organizer.errors import DomainError, LoginRefused
from surveys.errors import NotEligible, SurveyError


class NameForm(FlaskForm):
    name = StringField("Name")


def _unions() -> list[str]:
    return list(db.session.scalars(sa.select(Union.name)))


def _add(name: str, refusal: Refused | None = None):
    def action():
        union = Union(name=name)
        db.session.add(union)
        db.session.flush()
        if refusal is not None:
            raise refusal
        return union
    return action


def test_both_roots_are_one(app):
    assert issubclass(DomainError, Refused) and issubclass(SurveyError, Refused)
    assert DomainError("no").status == 400 and NotEligible("no").status == 403


def test_success_commits_and_flashes(app):
    with app.test_request_context(method="POST"):
        done = unit_of_work(_add("Kept"), success=lambda union: f"{union.name} saved.")
        assert done and done.value.name == "Kept"
        db.session.rollback()  # nothing left to undo: it was committed
        assert _unions() == ["Kept"]
        assert get_flashed_messages(with_categories=True) == [("success", "Kept saved.")]


def test_a_refusal_rolls_back_and_goes_beside_its_field(app):
    with app.test_request_context(method="POST"):
        form = NameForm(meta={"csrf": False})
        refused = unit_of_work(_add("Gone", DomainError("Taken.", field="name")), form=form, success="never")
        assert not refused and refused.refused.message == "Taken."
        assert form.name.errors == ["Taken."] and _unions() == []
        assert get_flashed_messages() == []


def test_a_refusal_without_a_form_is_flashed_unless_told_not_to(app):
    with app.test_request_context(method="POST"):
        assert not unit_of_work(_add("Gone", SurveyError("Closed.")))
        assert not unit_of_work(_add("Gone too", SurveyError("Quiet.")), flash_refusal=False)
        assert _unions() == []
        assert get_flashed_messages(with_categories=True) == [("error", "Closed.")]


def test_keep_on_commits_what_a_named_refusal_wrote(app):
    with app.test_request_context(method="POST"):
        form = NameForm(meta={"csrf": False})
        assert not unit_of_work(_add("Counted", LoginRefused("No.")), form=form, keep_on=(LoginRefused,))
        db.session.rollback()
        assert _unions() == ["Counted"] and form.form_errors == ["No."]



def test_a_refusal_that_escapes_a_view_answers_its_status_and_keeps_nothing(app):
    """A view that forgets to handle a service's refusal must not turn it into a
    500: the error root answers with the refusal's status and words, rolled back."""
    from core.extensions import db
    from core.refusals import Refused
    from organizer.charting.models import Union

    class Conflict(Refused):
        status = 409

    with app.test_request_context("/"):
        db.session.add(Union(name="Never stored"))
        db.session.flush()
        response = app.make_response(app.handle_user_exception(Conflict("That is already taken.")))
        assert response.status_code == 409 and b"That is already taken." in response.get_data()
        assert db.session.scalar(db.select(db.func.count()).select_from(Union)) == 0
        db.session.remove()
