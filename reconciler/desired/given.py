"""A key that may be left out but, written, needs a value: ``prune:`` and ``safety:`` of a
room, channel or meeting, the keys of that ``safety:`` (``max_removals:``, ...), a room's
``account:``, a channel's ``app_instance:``; a room's ``id:`` and a channel's ``arn:``
(left out, the target is matched by its name: QA-HL Q-HL-3). Left out, settings.yaml's
default applies; written with nothing after it (YAML null) it is refused at its line, as an empty
``members:`` is (and as settings.yaml refuses its own empty keys), not read as left out: a
``prune:`` meant as "off" would prune (QA-HF Q-HF-4, QA-HJ Q-HJ-4). Their JSON Schema
allows no null either, and shows no ``"default": null`` (``no_null``)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError


def given(expected: str, left_out: str) -> BeforeValidator:
    """Refuses a null: ``expected EXPECTED, got nothing (leave the key out for LEFT_OUT)``."""

    def check(value: Any) -> Any:
        if value is None:
            message = f"expected {expected}, got nothing (leave the key out for {left_out})"
            raise PydanticCustomError("not_given", "{message}", {"message": message})
        return value

    return BeforeValidator(check)


def no_null(schema: dict[str, Any]) -> None:
    """A field's JSON Schema (in place) without the null its Python type allows: null is
    refused (``given``), and left out is no value to show as ``"default"``."""
    branches = schema.get("anyOf")
    if isinstance(branches, list):
        rest = [b for b in branches if b != {"type": "null"}]
        del schema["anyOf"]
        if len(rest) == 1:
            schema.update(rest[0])
        else:
            schema["anyOf"] = rest
    if "default" in schema and schema["default"] is None:
        del schema["default"]


# ``prune:`` of a target: true or false; left out, settings.yaml's ``prune`` (a default None)
Prune = Annotated[
    bool | None,
    given("true or false", "settings.yaml's prune:"),
    WithJsonSchema({"type": "boolean"}),
]
