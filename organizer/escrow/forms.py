"""Forms of stories in escrow: writing one (words, names to hide, who may read
it and from when), recording the union's recognition, and the shape of the
part a trustee's browser posts as JSON. The forms check the input's shape; the
services enforce the rules (a day already past, readers that take in nobody)."""

from __future__ import annotations

import base64
import binascii

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms import widgets
from wtforms.validators import DataRequired, InputRequired, Optional

from core import text as rules
from organizer.errors import DomainError
from organizer.escrow import services
from organizer.escrow.models import StoryOpening, StoryReaders

#: The author's words, not the interface's: a browser's translator leaves them as written.
_AS_WRITTEN = {"translate": "no"}
#: The longest list of names to hide, in characters (each name on its own line).
HIDDEN_NAMES_FIELD_MAX = services.HIDDEN_NAMES_MAX * 62


def _unit_or_none(value) -> int | None:
    # The empty choice (the whole union) is None; anything else must be a unit's id,
    # and a value that is neither is not among the choices, so the choice check refuses it.
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class StoryForm(FlaskForm):
    title = StringField(
        lazy_gettext("A title"), filters=[rules.trim, rules.without_bidi_controls], render_kw=_AS_WRITTEN,
        description=lazy_gettext("Only the readers you choose see it, once the story opens. The union's list of "
                                 "stories shows no title before then."),
        validators=[DataRequired(lazy_gettext("Give the story a title.")), *rules.free_text_rules(services.TITLE_MAX),
                    rules.visible_words])
    text = TextAreaField(
        lazy_gettext("The story"), filters=[rules.trim, rules.without_bidi_controls],
        render_kw={**_AS_WRITTEN, "rows": 12},
        description=lazy_gettext("What happened, who did what, what it took. Put a name in [square brackets] to "
                                 "hide it from every reader but you: [Rosa] shows to them as “name hidden”. Up "
                                 "to %(max)d characters.", max=services.TEXT_MAX),
        validators=[DataRequired(lazy_gettext("Write the story: it is empty.")),
                    *rules.free_text_rules(services.TEXT_MAX), rules.visible_words])
    hidden_names = TextAreaField(
        lazy_gettext("Other names to hide (optional)"), filters=[rules.trim, rules.without_bidi_controls],
        render_kw={**_AS_WRITTEN, "rows": 3},
        description=lazy_gettext("One name on each line. It is hidden wherever it appears in the title and the "
                                 "story, as the names in brackets are."),
        validators=[Optional(), *rules.free_text_rules(HIDDEN_NAMES_FIELD_MAX)])
    unit_id = SelectField(lazy_gettext("Where the story is from"), coerce=_unit_or_none, validate_choice=True)
    readers = RadioField(lazy_gettext("Who may read it once it opens"),
                         choices=[(r.value, r.label) for r in StoryReaders], default=StoryReaders.UNIT.value,
                         validators=[InputRequired(lazy_gettext("Choose who may read it."))])
    reader_ids = SelectMultipleField(
        lazy_gettext("The people who may read it"), coerce=int, validate_choice=True,
        option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False),
        description=lazy_gettext("Only if you chose “Only the people I choose”. You can always read it yourself."))
    opening = RadioField(lazy_gettext("When it may be told"),
                         choices=[(o.value, o.label) for o in StoryOpening], default=StoryOpening.ON_DATE.value,
                         validators=[InputRequired(lazy_gettext("Choose when it may be told."))])
    opens_on = DateField(lazy_gettext("The day it opens"), validators=[Optional()],
                         description=lazy_gettext("From this day on, in the union's time zone, its readers can "
                                                  "read it. Nobody can before."))

    def set_choices(self, units, union_wide: bool, readers) -> None:
        """The units the author may write in (and the whole union, for an organizer), and whom they may name."""
        self.unit_id.choices = ([(None, gettext("The whole union"))] if union_wide else []) + [
            (u.id, u.name, _AS_WRITTEN) for u in units]
        if self.unit_id.data is None and not union_wide and units:
            self.unit_id.data = units[0].id
        self.reader_ids.choices = [(a.id, a.display_name) for a in readers]

    def details(self) -> services.StoryDetails:
        return services.StoryDetails(
            title=self.title.data or "", text=self.text.data or "",
            hidden_names=tuple((self.hidden_names.data or "").splitlines()), unit_id=self.unit_id.data,
            readers=StoryReaders(self.readers.data), reader_ids=tuple(self.reader_ids.data or ()),
            opening=StoryOpening(self.opening.data), opens_on=self.opens_on.data)


class RecognitionForm(FlaskForm):
    recognised_on = DateField(lazy_gettext("The day the union was recognised"),
                              validators=[InputRequired(lazy_gettext("Give the day it was recognised."))])
    understood = BooleanField(
        lazy_gettext("I understand that the stories waiting for this can then be opened, and that this cannot be "
                     "undone."),
        validators=[DataRequired(lazy_gettext("Tick the box to say you understand."))])


class PartInvalid(DomainError):
    """A JSON body that is not what the trustee's page sends."""


def part_from(body: object) -> bytes:
    """The partial decryption a trustee's browser posts: {"partial": base64}."""
    value = body.get("partial") if isinstance(body, dict) else None
    if not isinstance(value, str):
        raise PartInvalid(gettext("Send your 'partial' as base64."))
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise PartInvalid(gettext("'partial' must be base64.")) from None
