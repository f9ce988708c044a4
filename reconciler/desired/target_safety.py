"""A target's own safety limits: ``safety:`` in a room, a channel or a meeting (strict
pydantic models, so also JSON Schema), overriding settings.yaml's ``safety:`` for it.

Every kind takes ``max_removals`` and ``max_removal_fraction``; a kind with a minimum
(``Kind.minimum_setting``) takes that minimum too: ``min_administrators`` in a room,
``min_moderators`` in a channel; a meeting has none. A section's model is built from its
kinds (``target_safety_model``); a kind's spec types its ``safety`` with the base,
``TargetSafetySpec``, and the members file's model gives each section its own
(``reconciler.desired.sections``). A safety setting of another kind is
refused at its line with the settings this one takes (``unknown_key_hint``, read by
``reconciler.desired.messages``), never silently ignored.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from reconciler.desired.given import given, no_null
from reconciler.desired.model import safety_settings
from reconciler.desired.numbers import Count, Fraction
from reconciler.desired.spec_base import doc_text
from reconciler.prose import capitalized

if TYPE_CHECKING:
    from reconciler.kinds.base import Kind


class TargetSafetySpec(BaseModel):
    """One target's own safety limits, overriding settings.yaml's for it (as octoDNS allows
    per zone). ``max_removals`` here caps this target's removals, which then no longer
    count towards the plan-wide ``max_removals``."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    # what a target of this section is called in messages, after its article
    a_noun: ClassVar[str] = "a target"

    max_removals: Annotated[
        Count | None, given("a whole number", "settings.yaml's safety.max_removals")
    ] = Field(
        None,
        description="Most removals in this target; they then leave the plan-wide count.",
        json_schema_extra=no_null,
    )
    max_removal_fraction: Annotated[
        Fraction | None,
        given("a number from 0 to 1", "settings.yaml's safety.max_removal_fraction"),
    ] = Field(
        None,
        description="Largest share of this target's members a plan may remove.",
        json_schema_extra=no_null,
    )

    @classmethod
    def unknown_key_hint(cls, key: str) -> str | None:
        """Why ``key``, a safety setting of another kind, is refused here (None for any
        other unknown key: the usual suggestion applies)."""
        if key not in safety_settings() or key in cls.model_fields:
            return None
        takes = ", ".join(cls.model_fields)
        return f"does not apply to {cls.a_noun}, whose safety: takes {takes}"


def target_safety_model(section_kinds: tuple[Kind, ...]) -> type[TargetSafetySpec]:
    """The ``safety:`` of one target of the section ``section_kinds`` are declared in (the
    first names it: ``RoomSafetySpec``): the removal limits, and the minimum of each of
    the section's kinds that has one (``Kind.minimum_setting``)."""
    return _built(section_kinds)


@lru_cache(maxsize=32)
def _built(section_kinds: tuple[Kind, ...]) -> type[TargetSafetySpec]:
    first = section_kinds[0]
    noun = first.words.entry_noun
    minimums: dict[str, Any] = {
        k.minimum_setting: (
            Annotated[
                Count | None,
                given("a whole number", f"settings.yaml's safety.{k.minimum_setting}"),
            ],
            Field(
                None,
                description=f"Fewest {k.words.elevated[1]} a plan may leave in this {noun}.",
                json_schema_extra=no_null,
            ),
        )
        for k in section_kinds
        if k.minimum_setting is not None
    }
    model: type[TargetSafetySpec] = create_model(
        f"{noun.capitalize()}SafetySpec",
        __base__=TargetSafetySpec,
        __doc__=doc_text(
            f"{capitalized(first.words.an_entry)}'s own safety limits{first.words.safety_note}."
        ),
        **minimums,
    )
    model.a_noun = first.words.an_entry
    return model
