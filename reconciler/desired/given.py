"""A key that may be left out but, written, needs a value: ``prune:`` and ``safety:`` of a
room, channel or meeting. Left out, settings.yaml's default applies; written with nothing
after it (YAML null) it is refused at its line, as an empty ``members:`` is, not read as
left out: a ``prune:`` meant as "off" would prune (QA-HF Q-HF-4)."""

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


# ``prune:`` of a target: true or false; left out, settings.yaml's ``prune`` (a default None)
Prune = Annotated[
    bool | None,
    given("true or false", "settings.yaml's prune:"),
    WithJsonSchema({"type": "boolean"}),
]
