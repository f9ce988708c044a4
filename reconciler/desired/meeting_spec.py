"""The desired-state models of Chime SDK meetings: ``meetings:`` entries and the
``capability_profiles:`` of settings.yaml (strict pydantic, so also JSON Schema).

```yaml
# settings.yaml
capability_profiles:
  reviewer: {audio: SendReceive, video: Receive, content: Receive}

# any members file
meetings:
  incident-bridge:
    meeting_id: ${INCIDENT_MEETING_ID}     # or a literal meeting id (a UUID)
    prune: true
    owners: [example-org/sre]
    attendees:
      alice@example.com: presenter
      "@sre": participant
      bob@example.com: {profile: presenter, until: 2027-03-31, reason: runs the review}
```

An attendee's value is a profile name, or its mapping form ``{profile, until, reason,
ticket}`` (only ``profile`` required): the fields of a room's or channel's mapping entry.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from reconciler.capabilities import BUILTIN_PROFILES, Capabilities, problem
from reconciler.desired.given import Prune, no_null
from reconciler.desired.member_entries import GROUP_NAME_RE
from reconciler.desired.messages import SETTINGS_DATA, describe
from reconciler.desired.owners import Owners
from reconciler.desired.target_safety import TargetSafetySpec
from reconciler.external_ids import (
    ALLOWED_TEXT,
    CHARACTERS,
    MAX_LENGTH,
    MIN_LENGTH,
    RESERVED_PREFIX,
    Rule,
    broken_rule,
)
from reconciler.governance.entries import (
    ATTENDEE_TAG,
    PROFILE_TAG,
    EntryBase,
    GrantFields,
    either_form,
    which_attendee,
    without_key,
)
from reconciler.quoted import named, quoted

PROFILE = "a capability profile"  # what an attendee's value names
UUID_PATTERN = r"[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}"
# Variables that carry a job's credentials are never read for a meeting id (QA-AA Q-AA-1:
# the value of ``${AWS_SESSION_TOKEN}`` reached the PR comment): a name starting with one
# of these prefixes, or holding one of these words (in any case).
CREDENTIAL_PREFIXES = ("AWS_", "GITHUB_", "ACTIONS_", "RUNNER_")
CREDENTIAL_WORDS = (
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "CREDENTIAL",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "API_KEY",
)


def _any_case(word: str) -> str:
    """A pattern matching ``word`` in any case (JSON Schema patterns take no flags)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


_NOT_CREDENTIAL = (
    rf"(?!(?:{'|'.join(map(_any_case, CREDENTIAL_PREFIXES))}))"
    rf"(?![A-Za-z0-9_]*(?:{'|'.join(map(_any_case, CREDENTIAL_WORDS))}))"
)
ENV_PATTERN = rf"\$\{{{_NOT_CREDENTIAL}[A-Za-z_][A-Za-z0-9_]*\}}"
MEETING_ID_RE = re.compile(rf"^\s*(?:{UUID_PATTERN}|{ENV_PATTERN})\s*$")
ENV_RE = re.compile(r"^\s*\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}\s*$")
PROFILE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
PROFILE_RULE = "a profile name starts with a letter, then letters, digits, '-' and '_'"

CapabilityValue = Literal["SendReceive", "Send", "Receive", "None"]


def _fail(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, "{message}", {"message": message})


# what ``attendee_problem`` accepts, for the JSON Schema (QA4 R11; ``MeetingSpec.attendees``
# sets it: pydantic leaves a dict key's pattern out): ``@group``, or 2 to 64 of the characters
# AWS allows (``reconciler.external_ids``; without the spaces around them) not starting
# with ``@`` or ``aws:``
_INNER = CHARACTERS.replace(r" \t\n\x0b\f\r", "")  # the first and last: not a space
_MIDDLE = rf"[{CHARACTERS}]{{0,{MAX_LENGTH - 2}}}"  # between the first and last characters
ATTENDEE_PATTERN = (
    rf"^\s*(?:@\s*[^\s@]\S*|(?!{_any_case(RESERVED_PREFIX)}|@)[{_INNER}]{_MIDDLE}[{_INNER}])\s*$"
)


def attendee_problem(text: str) -> str | None:
    """Why ``text`` cannot name an attendee (``@group`` or an ExternalUserId), or None."""
    stripped = text.strip()
    if stripped.startswith("@"):
        name = stripped[1:].strip()
        return None if GROUP_NAME_RE.match(name) else f"malformed group reference {stripped!r}"
    broken = broken_rule(stripped)
    if broken is None:
        return None
    if broken.rule is Rule.LENGTH:
        return (
            f"an ExternalUserId has {MIN_LENGTH} to {MAX_LENGTH} characters,"
            f" {named(stripped)} has {len(stripped)}"
        )
    if broken.rule is Rule.RESERVED:
        return f"ExternalUserIds starting with {RESERVED_PREFIX!r} are reserved by AWS"
    # QA-G Q-G-1: AWS refuses it, part-way through an apply
    return f"AWS refuses {broken.character!r} in an ExternalUserId (it allows {ALLOWED_TEXT})"


def _attendee_names(schema: dict[str, Any]) -> None:
    """What ``attendee_problem`` accepts, as the keys' pattern in the JSON Schema
    (pydantic leaves a dict key's pattern out: QA4 R11)."""
    names = schema["propertyNames"]
    assert isinstance(names, dict)
    names["pattern"] = ATTENDEE_PATTERN


def _attendee(value: str) -> str:
    found = attendee_problem(value)
    if found:
        raise _fail("attendee_ref", found)
    return value


def credential_variable(name: str) -> bool:
    """Whether ``name`` is a variable that may carry credentials (never read)."""
    upper = name.upper()
    return upper.startswith(CREDENTIAL_PREFIXES) or any(w in upper for w in CREDENTIAL_WORDS)


def _meeting_id(value: str) -> str:
    name = env_name(value)
    if name is not None and credential_variable(name):
        raise _fail(
            "meeting_id",
            f"{value.strip()} is not read: {name} may carry credentials (a meeting id's "
            f"variable may not start with {', '.join(CREDENTIAL_PREFIXES)} or hold "
            f"{', '.join(CREDENTIAL_WORDS)}); give the meeting id its own variable, such as "
            "${INCIDENT_MEETING_ID}",
        )
    if not MEETING_ID_RE.match(value):
        raise _fail(
            "meeting_id",
            f"expected a meeting id (a UUID) or ${{ENVIRONMENT_VARIABLE}}, got {quoted(value)}",
        )
    return value.strip()


def _profile_name(value: str) -> str:
    if not PROFILE_RE.match(value):
        raise _fail("profile", f"{PROFILE_RULE}, got {quoted(value)}")
    return value


def _named_profile(value: str, info: ValidationInfo) -> str:
    """An attendee's profile name: against the rule, it is an error here unless
    settings.yaml defines a profile of that name, whose error is reported there, once,
    not once more at every attendee naming it (Q-CH-5)."""
    if PROFILE_RE.match(value) or value in _settings_profiles(info):
        return value
    raise _fail("profile", f"{PROFILE_RULE}, got {quoted(value)}")


def _settings_profiles(info: ValidationInfo) -> dict[str, Any]:
    """The ``capability_profiles:`` settings.yaml has as written (the loader's validation
    context, ``SETTINGS_DATA``), or none."""
    settings = (info.context or {}).get(SETTINGS_DATA)
    profiles = settings.get("capability_profiles") if isinstance(settings, dict) else None
    return profiles if isinstance(profiles, dict) else {}


def _profile_text(value: Any) -> Any:
    """An attendee's value that is neither a name nor a mapping (``5``, ``yes``, a list):
    refused as what the value may be, not as a string to quote (QA-FL Q-FL-7: quoted, ``5``
    is no profile either)."""
    if isinstance(value, str):
        return value
    raise _fail("profile", f"expected {either_form('profile', PROFILE)}, got {describe(value)}")


def _profile_key_text(value: Any) -> Any:
    """The ``profile:`` of an attendee's mapping, which must be a profile's name."""
    if isinstance(value, str):
        return value
    raise _fail("profile", f"expected {PROFILE}, got {describe(value)}")


AttendeeRef = Annotated[
    str,
    AfterValidator(_attendee),
    Field(
        description="An e-mail address, `@group`, or any ExternalUserId (2-64 characters).",
        examples=["alice@example.com", "@sre", "dial-in-42"],
    ),
]
ProfileName = Annotated[
    str,
    AfterValidator(_named_profile),
    Field(
        description="A capability profile: presenter, participant, viewer, or one of "
        "`capability_profiles` in settings.yaml.",
        examples=["presenter", "participant", "viewer"],
        # PROFILE_RULE, as validate refuses a name against it (QA-ET Q-ET-1)
        json_schema_extra={"pattern": PROFILE_RE.pattern},
    ),
]
MeetingId = Annotated[
    str,
    AfterValidator(_meeting_id),
    Field(
        description="The meeting id (a UUID), or `${VARIABLE}`: read from the environment "
        "when plan or apply runs (not a variable that may carry credentials: AWS_*, "
        "GITHUB_*, ACTIONS_*, RUNNER_*, or a name holding TOKEN, SECRET, PASSWORD, PASSWD, "
        "CREDENTIAL, PRIVATE_KEY, ACCESS_KEY or API_KEY, in any case).",
        examples=["${INCIDENT_MEETING_ID}", "6f1c2a9e-0000-4000-8000-000000000001"],
        json_schema_extra={"pattern": MEETING_ID_RE.pattern},  # as the loader checks it
    ),
]


class AttendeeMapping(GrantFields):
    """An attendee with until when, why and which ticket (only `profile` is required)."""

    profile: Annotated[ProfileName, BeforeValidator(_profile_key_text)]

    @model_validator(mode="before")
    @classmethod
    def _needs_profile(cls, data: Any) -> Any:
        if isinstance(data, dict) and "profile" not in data:
            raise _fail("attendee_entry", without_key("profile", PROFILE, data))
        return data


AttendeeValue = Annotated[
    Annotated[ProfileName, BeforeValidator(_profile_text), Tag(PROFILE_TAG)]
    | Annotated[AttendeeMapping, Tag(ATTENDEE_TAG)],
    Discriminator(which_attendee),
]


def profile_of(value: str | AttendeeMapping) -> str:
    """The profile an attendee's value names (a name, or its mapping's ``profile``)."""
    return value.profile if isinstance(value, AttendeeMapping) else value


class AttendeeEntry(EntryBase):
    """An attendee as a member-list entry (its key as ``member``, its grant), the form the
    loader reads every kind's entries in (``governance.entries.text_of``/``grant_of``)."""

    member: str


def as_entry(text: str, value: str | AttendeeMapping) -> str | AttendeeEntry:
    """The attendee ``text`` with ``value`` as the loader reads an entry: the reference
    alone, or with its grant (already validated: nothing is checked again)."""
    if not isinstance(value, AttendeeMapping):
        return text
    return AttendeeEntry.model_construct(
        member=text, until=value.until, reason=value.reason, ticket=value.ticket
    )


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class MeetingSpec(_Strict):
    """One Chime SDK meeting (the API cannot list meetings: it is named by id)."""

    meeting_id: MeetingId
    prune: Prune = Field(
        None,
        description="Remove attendees not declared here (default: settings.yaml).",
        json_schema_extra=no_null,
    )
    attendees: dict[AttendeeRef, AttendeeValue] = Field(
        default_factory=dict,
        description="Attendee (e-mail, @group or ExternalUserId) -> capability profile, or "
        "{profile, until, reason, ticket}.",
        json_schema_extra=_attendee_names,
    )
    owners: Owners = Field(default_factory=list)
    safety: TargetSafetySpec | None = Field(
        None, description="This meeting's own safety limits (default: settings.yaml `safety:`)."
    )


class CapabilityProfileSpec(_Strict):
    """A capability profile: what an attendee may send and receive."""

    audio: CapabilityValue
    video: CapabilityValue
    content: CapabilityValue

    @model_validator(mode="after")
    def _aws_rule(self) -> CapabilityProfileSpec:
        found = problem(self.capabilities)
        if found:
            raise _fail("capabilities", f"AWS refuses this combination: {found}")
        return self

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(self.audio, self.video, self.content)


def case_twin(name: str, profiles: Mapping[Any, Any]) -> str | None:
    """The built-in profile, or the custom one before ``name`` in ``profiles``, that
    ``name`` is in another case (``Viewer``: ``viewer``), or None. An attendee's profile is
    named exactly, and a name that differs only in case reads as that one in a review:
    ``alice: Viewer`` made alice a presenter (QA-GD Q-GD-1)."""
    folded = name.casefold()
    earlier = itertools.takewhile(lambda other: other != name, profiles)
    for other in [*BUILTIN_PROFILES, *earlier]:
        if isinstance(other, str) and other != name and other.casefold() == folded:
            return other
    return None


def _custom_profile_name(name: str, info: ValidationInfo) -> str:
    """A profile of one's own may not take a built-in's name, nor in another case that
    of a built-in or of a profile before it: an error at its key, the other custom
    profiles still known (QA-E Q-E-1)."""
    if name in BUILTIN_PROFILES:
        raise _fail(
            "profile",
            f"{name!r} is a built-in profile ({', '.join(BUILTIN_PROFILES)}): "
            "give yours another name",
        )
    twin = case_twin(name, _settings_profiles(info))
    if twin in BUILTIN_PROFILES:
        raise _fail(
            "profile",
            f"{name!r} is the built-in profile {twin!r} in another case: give yours another name",
        )
    if twin is not None:
        raise _fail(
            "profile",
            f"{name!r} is the profile {twin!r} in another case: give one of them another name",
        )
    return name


# a built-in's name in any case (JSON Schema's patterns have no flag for it)
BUILTIN_IN_ANY_CASE = "^(?:{})$".format(
    "|".join("".join(f"[{c.upper()}{c}]" for c in name) for name in BUILTIN_PROFILES)
)


def _custom_names(schema: dict[str, Any]) -> None:
    """What ``_profile_name`` and ``_custom_profile_name`` refuse, for editors too: a name
    against ``PROFILE_RULE`` (QA-ET Q-ET-1; pydantic leaves a dict key's pattern out), a
    built-in's name in any case (QA4 R11, QA-GD Q-GD-1; another custom profile's in
    another case is not a rule a schema can state)."""
    names = schema["propertyNames"]
    assert isinstance(names, dict)
    names["pattern"] = PROFILE_RE.pattern
    names["not"] = {"pattern": BUILTIN_IN_ANY_CASE}


CustomProfileName = Annotated[
    str,
    AfterValidator(_profile_name),
    AfterValidator(_custom_profile_name),
    Field(
        description=f"A name of your own for a capability profile ({PROFILE_RULE}), not "
        f"a built-in one ({', '.join(BUILTIN_PROFILES)}).",
        examples=["reviewer", "dial-in"],
    ),
]
CustomProfiles = Annotated[
    dict[CustomProfileName, CapabilityProfileSpec],
    Field(
        default_factory=dict,
        description="Capability profiles for meetings' attendees, beside the built-in "
        "presenter, participant and viewer.",
        json_schema_extra=_custom_names,
    ),
]


def env_name(meeting_id: str) -> str | None:
    """The variable name in ``${NAME}``, or None for a literal id."""
    found = ENV_RE.match(meeting_id)
    return found["name"] if found else None


def canonical_id(value: str) -> str:
    """A meeting id as the tool reads it, literal or a variable's value: stripped, and in
    lower case (Q-CH-2: UUIDs are case-insensitive on input, and AWS answers in lower
    case), so that two spellings of one meeting are one meeting."""
    return value.strip().lower()


def written_id(value: str) -> str:
    """A ``meeting_id`` as written, as it is compared with another (``Kind.normal_id``): a
    literal id as the tool reads it (``canonical_id``: in lower case), a ``${VARIABLE}``
    as written (a variable's name is case-sensitive: ``${A}`` and ``${a}`` are two)."""
    return value.strip() if env_name(value) is not None else canonical_id(value)


def is_meeting_id(value: str) -> bool:
    """Whether ``value`` (a variable's) is a meeting id: a UUID, not another ``${NAME}``."""
    return bool(MEETING_ID_RE.match(value)) and env_name(value) is None
