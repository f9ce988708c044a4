"""Quicker construction of the frozen value classes made a million times while loading.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` (it must:
its own ``__setattr__`` refuses), a lookup and a call per field. With ``__slots__``, each
field is a slot whose descriptor can set it directly. ``slot_init(cls)`` gives such a class
an ``__init__`` doing just that, with the same parameters, defaults and errors; the class
stays frozen (assignment still raises ``FrozenInstanceError``). At 1,000 rooms x 1,000
members, loading builds five such values per member entry.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def slot_init(cls: type[T]) -> type[T]:
    """``cls`` (a ``@dataclass(frozen=True, slots=True)`` with plain fields and defaults,
    no ``default_factory``, ``init=False`` or keyword-only field, no ``__post_init__``) with an
    ``__init__`` that sets its slots directly."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if "__slots__" not in cls.__dict__ or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: slot_init needs slots and no __post_init__")
    scope: dict[str, Any] = {}
    params, body = [], []
    for f in fields:
        if not f.init or f.kw_only is True or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: slot_init takes plain fields only")
        # the slot's descriptor: the class's own, or (an inherited field) a base class's
        owner = next(c for c in cls.__mro__ if f.name in c.__dict__)
        scope[f"_set_{f.name}"] = owner.__dict__[f.name].__set__
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _set_{f.name}(self, {f.name})")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body) + "\n"
    exec(source, scope)  # as dataclasses makes its own __init__
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = dict(cls.__init__.__annotations__)
    setattr(cls, "__init__", init)  # noqa: B010 (mypy: no assigning to a method)
    return cls
