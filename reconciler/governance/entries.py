"""The mapping form of a member-list entry, for every kind and for groups:

    - alice@example.com                       # a reference, as always
    - {member: bob@example.com, until: 2027-03-31, reason: on call, ticket: OPS-12}

Only ``member`` is required. A kind's list item is a reference (a string, validated as
before) or a strict model (``EntryBase`` with ``member`` of the same reference type).
Pydantic reports errors inside a mapping under the tag ``MAPPING_TAG``
(``members[1].<mapping>.until``); ``strip_tags`` removes it from paths.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from reconciler.governance.grant import Grant, parse_until
from reconciler.quoted import named, named_bare
from reconciler.refs import Location

TEXT_TAG = "<reference>"
MAPPING_TAG = "<mapping>"
TAGS = (TEXT_TAG, MAPPING_TAG)
GROUP_LIST_TAG = "<list>"  # a group as a plain list, or as {members:, owners:}
GROUP_MAPPING_TAG = "<group>"
GROUP_TAGS = (GROUP_LIST_TAG, GROUP_MAPPING_TAG)
PROFILE_TAG = "<profile>"  # a meeting attendee's value: a profile name, or
ATTENDEE_TAG = "<attendee>"  # {profile:, until:, reason:, ticket:}
ATTENDEE_TAGS = (PROFILE_TAG, ATTENDEE_TAG)
DAYS_TAG = "<days>"  # settings.yaml max_grant_days: days for every role, or
DAYS_MAPPING_TAG = "<days per list key>"  # {administrators: 30, ...}
DAYS_TAGS = (DAYS_TAG, DAYS_MAPPING_TAG)
NON_BLANK = r".*\S.*"
GRANT_KEYS = ("until", "reason", "ticket")


def _until_valid(value: Any) -> Any:
    try:
        parse_until(value)
    except ValueError as exc:
        raise PydanticCustomError("until", "{message}", {"message": str(exc)}) from None
    return value


UntilValue = Annotated[
    Any,
    AfterValidator(_until_valid),
    WithJsonSchema(
        {
            "description": "Last day (UTC) of this entry, or the moment it ends (with a zone).",
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
            ],
            "examples": ["2027-03-31", "2027-03-31T18:00:00Z"],
        }
    ),
]
Text = Annotated[str, Field(pattern=NON_BLANK)]


class GrantFields(BaseModel):
    """``until``, ``reason`` and ``ticket``: what every mapping form of an entry says
    besides its member (a list entry's ``member:``, a meeting attendee's key)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    until: UntilValue = None
    reason: Text | None = Field(None, description="Why this member is here.")
    ticket: Text | None = Field(None, description="A ticket id or URL.")


class EntryBase(GrantFields):
    """The mapping form of an entry, but its ``member`` (each kind's own reference type):
    ``member_entries.member_list(REF, "...Mapping")`` makes the model on this base, and the
    list of ``Annotated[Annotated[REF, Tag(TEXT_TAG)] | Annotated[MAPPING, Tag(MAPPING_TAG)],
    Discriminator(which_entry)]``."""

    @model_validator(mode="before")
    @classmethod
    def _needs_member(cls, data: Any) -> Any:
        """One clear message for a mapping without ``member`` (``- bot: PagerBot`` is one:
        YAML reads ``bot: X`` as a mapping)."""
        if not isinstance(data, dict) or "member" in data:
            return data
        if len(data) == 1:
            ((key, name),) = data.items()
            if str(key).lower() == "bot" and isinstance(name, str) and name.strip():
                hint = f"write 'bot:{name.strip()}', without a space after ':'"
                raise _fail(f"expected a string, got a mapping ({hint})")
        raise _fail(without_key("member", "a member reference", data))


def without_key(key: str, what: str, data: dict[Any, Any]) -> str:
    """The message for an entry's mapping that lacks ``key`` (``member``, a meeting
    attendee's ``profile``): a key that is a typo of it is named, with the suggestion
    unknown keys get; else what the mapping may hold."""
    from reconciler.desired.messages import closest  # desired.messages imports this module

    typo = next((str(k) for k in data if closest(str(k), [key])), None)
    if typo is not None:
        return f"unknown key {named(typo)} (did you mean {key!r}?)"
    keys = ", ".join(named_bare(str(k)) for k in data) or "none"
    return f"expected {either_form(key, what)}, got a mapping with keys: {keys}"


def either_form(key: str, what: str) -> str:
    """What an entry may be: ``what`` (a member reference, a capability profile), or its
    mapping form with ``key`` and the grant's keys."""
    return f"{what}, or a mapping with `{key}:` (and `until:`, `reason:`, `ticket:`)"


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("member_entry", "{message}", {"message": message})


def which_entry(value: Any) -> str:
    """The discriminator of an entry: its mapping form, or a reference (anything else,
    so that a number or null gets the reference's own message)."""
    return MAPPING_TAG if isinstance(value, dict | BaseModel) else TEXT_TAG


def text_of(value: Any) -> str:
    """The reference of an entry (a string, or the mapping's ``member``)."""
    return str(getattr(value, "member")) if isinstance(value, BaseModel) else str(value)  # noqa: B009


def which_attendee(value: Any) -> str:
    """The discriminator of a meeting attendee's value: its mapping form, or a profile."""
    return ATTENDEE_TAG if isinstance(value, dict | BaseModel) else PROFILE_TAG


def grant_of(value: Any, location: Location) -> Grant:
    """What an entry says besides its member; ``until`` located at ``location``."""
    if not isinstance(value, BaseModel):
        return Grant()
    until = getattr(value, "until", None)
    return Grant(
        until=parse_until(until, location) if until is not None else None,
        reason=getattr(value, "reason", None),
        ticket=getattr(value, "ticket", None),
    )


def _keyed_entry(loc: tuple[str | int, ...]) -> bool:
    """Whether ``loc`` is inside one entry of a kind's mapping of members (a meeting's
    ``attendees``: ``meetings.M.attendees.REF``), as its kind says."""
    from reconciler.kinds import sections  # the kinds import this module's types

    section = loc[0] if isinstance(loc[0], str) else ""
    return any(k.is_keyed_entry_path(loc[2:4]) for k in sections().get(section, ()))


def strip_tags(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """A pydantic error location without the union tags (only where a tag can be: right
    after a list index, after a group's name, after a meeting attendee's key
    (``meetings.M.attendees.REF``) or after settings.yaml's ``max_grant_days``; a room
    named like a tag is left alone)."""
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if part in TAGS and i > 0 and isinstance(loc[i - 1], int):
            continue
        if part in GROUP_TAGS and i == 2 and loc[0] == "groups":
            continue
        if part in ATTENDEE_TAGS and i == 4 and _keyed_entry(loc):
            continue
        if part in DAYS_TAGS and i == 1 and loc[0] == "max_grant_days":
            continue
        out.append(part)
    return tuple(out)
