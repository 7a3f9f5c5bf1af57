"""`LabelledEnum`: a string enum whose members carry the words people read for
them, written beside the stored value, so that a member and its words cannot
drift apart (a separate table of labels is a second list to keep in step)."""

from __future__ import annotations

import enum


class LabelledEnum(enum.StrEnum):
    """Members are declared as `NAME = "stored value", "Words shown for it"`."""

    #: What a page, an export or a form choice shows for the member.
    label: str

    def __new__(cls, value: str, label: str) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
