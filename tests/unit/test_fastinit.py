"""fastinit.slot_init: a frozen slots dataclass built by setting its slots directly is the
same value, with the same parameters, defaults and errors, and stays frozen."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from reconciler.fastinit import slot_init
from reconciler.refs import Location, Provenance


def value_class() -> type[Any]:
    @dataclasses.dataclass(frozen=True, order=True, slots=True)
    class Value:
        name: str
        line: int
        via: tuple[str, ...] = ()
        note: str | None = dataclasses.field(default=None, compare=False)

    return Value


Plain = value_class()  # as dataclasses makes it
Quick = slot_init(value_class())


def fields_of(value: object) -> tuple[object, ...]:
    return tuple(getattr(value, f.name) for f in dataclasses.fields(value))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("a", 1), {}),
        (("a", 1, ("g",)), {}),
        (("a",), {"line": 2, "note": "n"}),
        ((), {"name": "b", "line": 3}),
    ],
)
def test_the_same_value_as_the_generated_init_makes(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    plain, quick = Plain(*args, **kwargs), Quick(*args, **kwargs)
    assert fields_of(quick) == fields_of(plain)
    assert repr(quick) == repr(plain)
    assert quick == Quick(*args, **kwargs) and hash(quick) == hash(Quick(*args, **kwargs))


def test_order_equality_and_copies_are_the_dataclasss() -> None:
    assert Quick("a", 1) < Quick("a", 2) < Quick("b", 0)
    assert Quick("a", 1, note="x") == Quick("a", 1, note="y")
    assert copy.deepcopy(Quick("a", 1, ("g",))) == Quick("a", 1, ("g",))


def test_wrong_arguments_are_refused_as_before() -> None:
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'line'"):
        Quick("a")
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Quick("a", 1, colour="red")


def test_the_value_stays_frozen() -> None:
    quick = Quick("a", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        quick.name = "b"
    assert quick.name == "a"


def test_the_loaders_values_use_it() -> None:
    at = Location("rooms.yaml", 3)
    assert Provenance("Member", at).via == () and Provenance("Member", at).grant is None
    assert Provenance("Member", at) == Provenance("Member", Location("rooms.yaml", 3), ())


def test_classes_it_cannot_build_are_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        name: str

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        names: list[str] = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match="needs slots"):
        slot_init(NoSlots)
    with pytest.raises(TypeError, match="plain fields only"):
        slot_init(Factory)
