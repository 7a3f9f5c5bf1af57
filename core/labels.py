"""`LabelledEnum`: a string enum whose members carry the words people read for
them, written beside the stored value, so that a member and its words cannot
drift apart (a separate table of labels is a second list to keep in step).

The words are translated: declare them with `lazy_gettext`, which the catalogue
extraction finds and which reads in the language of whoever looks, page by
page (the enum is built once, at import, before anyone asks)."""

from __future__ import annotations

import enum

from flask_babel.speaklater import LazyString


class LabelledEnum(enum.StrEnum):
    """Members are declared as `NAME = "stored value", lazy_gettext("Words shown for it")`.

    The stored value never changes with the language; `label` does. Where the
    words leave the app as text (an export, a PDF), `str(member.label)` fixes
    them in the language of that moment."""

    #: What a page, an export or a form choice shows for the member.
    label: str | LazyString

    def __new__(cls, value: str, label: str | LazyString) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
