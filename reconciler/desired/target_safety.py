"""A target's own safety limits: ``safety:`` in a room, a channel or a meeting (strict
pydantic models, so also JSON Schema), overriding settings.yaml's ``safety:`` for it.

Every kind takes ``max_removals`` and ``max_removal_fraction``; a kind with a minimum
(``Kind.minimum_setting``) takes that minimum too: ``min_administrators`` in a room,
``min_moderators`` in a channel; a meeting has none. A safety setting of another kind is
refused at its line with the settings this one takes (``unknown_key_hint``, read by
``reconciler.desired.messages``), never silently ignored.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from reconciler.desired.model import safety_settings


class TargetSafetySpec(BaseModel):
    """One target's own safety limits, overriding settings.yaml's for it (as octoDNS allows
    per zone). ``max_removals`` here caps this target's removals, which then no longer
    count towards the plan-wide ``max_removals``."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    noun: ClassVar[str] = "target"  # what a target of this section is called in messages

    max_removals: int | None = Field(
        None,
        ge=0,
        description="Most removals in this target; they then leave the plan-wide count.",
    )
    max_removal_fraction: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Largest share of this target's members a plan may remove.",
    )

    @classmethod
    def unknown_key_hint(cls, key: str) -> str | None:
        """Why ``key``, a safety setting of another kind, is refused here (None for any
        other unknown key: the usual suggestion applies)."""
        if key not in safety_settings() or key in cls.model_fields:
            return None
        takes = ", ".join(cls.model_fields)
        return f"does not apply to a {cls.noun}, whose safety: takes {takes}"


class RoomSafetySpec(TargetSafetySpec):
    """A room's own safety limits."""

    noun: ClassVar[str] = "room"

    min_administrators: int | None = Field(
        None, ge=0, description="Fewest administrators a plan may leave in this room."
    )


class ChannelSafetySpec(TargetSafetySpec):
    """A channel's own safety limits: its memberships' and moderators' removals count
    together against its ``max_removals``."""

    noun: ClassVar[str] = "channel"

    min_moderators: int | None = Field(
        None, ge=0, description="Fewest moderators a plan may leave in this channel."
    )


class MeetingSafetySpec(TargetSafetySpec):
    """A meeting's own safety limits (no minimum: no role manages a meeting's attendees)."""

    noun: ClassVar[str] = "meeting"
