"""LabelledEnum: one declaration gives the stored value and the words shown."""

from __future__ import annotations

import sqlalchemy as sa

from core.columns import enum_column
from core.labels import LabelledEnum


class Shade(LabelledEnum):
    LIGHT = "light", "Light, as at noon"
    DARK = "dark", "Dark"


def test_a_member_is_its_stored_string_and_carries_its_words():
    assert Shade.LIGHT == "light" and Shade("dark") is Shade.DARK
    assert Shade.LIGHT.value == "light" and Shade.LIGHT.label == "Light, as at noon"
    assert [shade.label for shade in Shade] == ["Light, as at noon", "Dark"]
    assert f"{Shade.DARK}" == "dark"


def test_an_enum_column_stores_the_value_not_the_words():
    column_type = enum_column(Shade)
    assert column_type.enums == ["light", "dark"]
    engine = sa.create_engine("sqlite://")
    table = sa.Table("shades", sa.MetaData(), sa.Column("shade", column_type))
    table.create(engine)
    with engine.begin() as connection:
        connection.execute(table.insert().values(shade=Shade.LIGHT))
        assert connection.exec_driver_sql("SELECT shade FROM shades").scalar() == "light"
        assert connection.execute(sa.select(table.c.shade)).scalar() is Shade.LIGHT
