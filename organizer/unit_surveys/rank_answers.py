"""A rank question on the answer form: one list of places per option, and the
ranking read from it.

Each option has its own select, named q<id>-<option index>, offering "—" (not
in the ranking) and the places 1st … m-th: on a phone it is a list of the
options with a native picker beside each, which a keyboard and a screen
reader work as they work any select, with nothing to drag. Where the question
offers "can't say" a checkbox named q<id> says it. A place chosen for two
options, a later place with an earlier one empty, or "can't say" with places
are refused beside the question, in words; nothing is cast. The booth's
script (static/js/booth/booth.js) reads the same selects and refuses the same
things before locking."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext, lazy_gettext
from wtforms import Field
from wtforms.utils import unset_value

from organizer.errors import DomainError
from surveys.ballot_box import CANT_SAY
from surveys.definitions import PLACE_NAMES
from surveys.models import Question

#: The value of the "can't say" box (the answer form's, for every kind of question).
CANT = "cant"
#: The select's value for an option left out of the ranking.
NOT_PLACED = ""
NOT_PLACED_WORDS = "\u2014"


def rank_help(places: int):
    """What the member is asked to do, under the question: lazy, as the answer
    form is built once for readers of every language."""
    if places == 1:
        return lazy_gettext("Choose one: give %(first)s to the one that matters most. Leave the rest at "
                            "\u201c%(none)s\u201d.", first=PLACE_NAMES[0], none=NOT_PLACED_WORDS)
    return lazy_gettext("Choose up to %(num)d, in order: give %(first)s to the one that matters most, then %(next)s, and "
                        "so on. Leave the rest at \u201c%(none)s\u201d.", num=places, first=PLACE_NAMES[0],
                        next=PLACE_NAMES[1], none=NOT_PLACED_WORDS)


class RankField(Field):
    """The selects of one rank question. `data` holds each option's chosen place
    as posted ("" for none, else "1" … "m"); `cant_say` whether its "can't say"
    box is ticked; `posted_twice` the options whose select was posted more than
    once (a forged form: one option in two places)."""

    def __init__(self, label=None, validators=None, *, options: Sequence[str] = (), places: int = 1,
                 allows_cant_say: bool = False, **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self.option_labels = tuple(options)
        self.places = places
        self.allows_cant_say = allows_cant_say
        self.cant_say = False
        self.posted_twice: set[int] = set()
        self.data = [NOT_PLACED] * len(self.option_labels)

    def process(self, formdata, data=unset_value, extra_filters=None) -> None:
        # One field, many inputs (WTForms' own advice for this is to override process).
        self.process_errors = []
        self.data = [NOT_PLACED] * len(self.option_labels)
        self.raw_data = []
        self.cant_say = False
        self.posted_twice = set()
        if formdata is None:
            return
        for index in range(len(self.option_labels)):
            given = formdata.getlist(self.select_name(index))
            if len(given) > 1:
                self.posted_twice.add(index)
            self.data[index] = given[0] if given else NOT_PLACED
            self.raw_data.extend(given)
        self.cant_say = CANT in formdata.getlist(self.name)

    def select_name(self, index: int) -> str:
        return f"{self.name}-{index}"

    def select_id(self, index: int) -> str:
        return f"{self.id}-{index}"

    def place_choices(self) -> list[tuple[str, str]]:
        return [(NOT_PLACED, NOT_PLACED_WORDS)] + [(str(place + 1), str(PLACE_NAMES[place]))
                                                   for place in range(self.places)]

    def selects(self) -> list[dict[str, object]]:
        """One select per option, for the page: its id, name, option label and chosen place."""
        return [{"index": index, "id": self.select_id(index), "name": self.select_name(index), "label": label,
                 "value": self.data[index]} for index, label in enumerate(self.option_labels)]


def ranking_answer(field: RankField, question: Question) -> list[int] | object:
    """The engine's answer from a submitted rank field: the options in order, the
    first place first, or CANT_SAY; a DomainError beside the field for anything
    that is not a ranking."""
    def refuse(message: str) -> DomainError:
        return DomainError(message, field=field.name)

    if field.posted_twice:
        raise refuse(gettext("Each option takes one place at most."))
    placed: dict[int, list[int]] = {}
    for option, value in enumerate(field.data):
        if value == NOT_PLACED:
            continue
        if not (isinstance(value, str) and value.isdigit() and 1 <= int(value) <= question.max_ranked):
            raise refuse(gettext("Choose one of the places offered."))
        placed.setdefault(int(value), []).append(option)
    if field.cant_say:
        if not question.allows_cant_say:
            raise refuse(gettext("Choose one of the places offered."))
        if placed:
            raise refuse(gettext("Choose places or \u201ccan't say\u201d, not both."))
        return CANT_SAY
    shared = [place for place, options in sorted(placed.items()) if len(options) > 1]
    if shared:
        raise refuse(gettext("Two options have the same place (%(place)s): give each place to one option.",
                             place=PLACE_NAMES[shared[0] - 1]))
    missing = [place for place in range(1, max(placed, default=0) + 1) if place not in placed]
    if missing:
        raise refuse(gettext("Fill the places in order: %(place)s is empty, but a later place is taken.",
                             place=PLACE_NAMES[missing[0] - 1]))
    if not placed:
        if question.allows_cant_say:
            raise refuse(gettext("Give %(first)s to one option, or choose \u201ccan't say\u201d.",
                                 first=PLACE_NAMES[0]))
        raise refuse(gettext("Give %(first)s to one option.", first=PLACE_NAMES[0]))
    return [placed[place][0] for place in sorted(placed)]
