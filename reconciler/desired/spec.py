"""The desired-state file formats as strict pydantic models (and so as JSON Schema).

Three kinds of file, by name at the top of the desired-state directory:
``settings.yaml`` (:class:`SettingsFile`), ``restrictions.yaml`` (:class:`RestrictionsFile`)
and every other ``*.yaml`` / ``*.yml`` (``groups:`` and one section per membership kind,
``rooms:`` of :class:`RoomSpec` and so on: ``reconciler.desired.sections``).
Unknown keys are errors (``extra="forbid"``); values are not coerced (``strict=True``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
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
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from reconciler.channel_refs import parse_channel_member, user_instance
from reconciler.desired.arns import APP_INSTANCE_ARN, FORMS
from reconciler.desired.grant_days import Days, days_form, either_form
from reconciler.desired.meeting_spec import CustomProfiles
from reconciler.desired.model import (
    DEFAULT_MAX_REMOVAL_FRACTION,
    DEFAULT_MAX_REMOVALS,
    DEFAULT_MIN_ADMINISTRATORS,
    DEFAULT_MIN_MODERATORS,
)
from reconciler.desired.owners import Owner, Owners  # noqa: F401 (re-exported)
from reconciler.desired.patterns import PatternError, compile_pattern
from reconciler.desired.target_safety import RoomSafetySpec
from reconciler.governance.entries import (
    DAYS_MAPPING_TAG,
    DAYS_TAG,
    GROUP_LIST_TAG,
    GROUP_MAPPING_TAG,
    MAPPING_TAG,
    TEXT_TAG,
    EntryBase,
    which_entry,
)
from reconciler.governance.grant import DEFAULT_WARNING_DAYS
from reconciler.pacing.quotas import check_rate, unknown_quota
from reconciler.refs import EMAIL_PATTERN, MemberRef

GROUP_PREFIX = "@"
GROUP_NAME_RE = re.compile(r"^[^\s@]\S*$")
NON_BLANK = r".*\S.*"
MAX_NAME_LENGTH = 256  # characters of a member reference, group or room name, id or account:
# an e-mail address has at most 254 (RFC 5321); a 10 MB reference is a mistake or an attack
ENTRY_PATTERN = rf"^\s*(?:@[^\s@]\S*|[Bb][Oo][Tt]:.*\S.*|{EMAIL_PATTERN})\s*$"  # ECMA-262 safe


@dataclass(frozen=True, order=True)
class GroupRef:
    """``@name`` in a member list: every member of the group, recursively."""

    name: str

    def __str__(self) -> str:
        return f"{GROUP_PREFIX}{self.name}"


Entry = MemberRef | GroupRef


Parser = Callable[[str], MemberRef]
_REMEMBERED: ContextVar[dict[Parser, dict[str, Entry]] | None] = ContextVar(
    "remembered_entries", default=None
)


@contextmanager
def remembered_entries() -> Iterator[None]:
    """Within: ``parse_entry`` parses each distinct text once per parser (the validators
    and the loader share the result; the same members are listed in many places). The
    memory is dropped on the way out."""
    token = _REMEMBERED.set({})
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def parse_entry(text: str, parse_member: Parser = MemberRef.parse) -> Entry:
    """An entry of a member list: ``@group``, or a member reference (``bot:NAME`` or an
    e-mail address for rooms; ``parse_member`` is the kind's parser). Raises ValueError
    with a user-facing message."""
    remembered = _REMEMBERED.get()
    known = remembered.get(parse_member) if remembered is not None else None
    entry = known.get(text) if known is not None else None  # parsed before: most entries
    return entry if entry is not None else entry_parser(parse_member)(text)


def entry_parser(parse_member: Parser = MemberRef.parse) -> Callable[[str], Entry]:
    """``parse_entry`` with ``parse_member``, remembering (``remembered_entries``)."""
    remembered = _REMEMBERED.get()
    if remembered is None:
        return lambda text: _parse_entry(text, parse_member)
    known = remembered.setdefault(parse_member, {})

    def parse(text: str) -> Entry:
        entry = known.get(text)
        if entry is None:
            entry = known[text] = _parse_entry(text, parse_member)
        return entry

    return parse


def _parse_entry(text: str, parse_member: Parser) -> Entry:
    stripped = text.strip()
    if stripped.startswith(GROUP_PREFIX):
        name = stripped[len(GROUP_PREFIX) :].strip()
        if not name:
            raise ValueError(f"group reference {stripped!r} has no group name")
        if not GROUP_NAME_RE.match(name):
            raise ValueError(f"malformed group reference {stripped!r}")
        return GroupRef(name)
    return parse_member(text)  # e-mails: refs.EMAIL_RE, the one rule (no <a@b.c>, a@b.c; ...)


def _fail(kind: str, message: str) -> PydanticCustomError:
    # the message is the template: pass it as context so braces in user text stay literal
    return PydanticCustomError(kind, "{message}", {"message": message})


def too_long(value: str, what: str) -> PydanticCustomError | None:
    """The error for a name longer than MAX_NAME_LENGTH (which never echoes it), or None."""
    if len(value) <= MAX_NAME_LENGTH:
        return None
    message = f"{what} is too long: {len(value):,} characters, at most {MAX_NAME_LENGTH}"
    return _fail("too_long", message)


def _short(value: str) -> str:
    error = too_long(value, "the name")
    if error:
        raise error
    return value


def entry_present(value: Any) -> Any:
    """A member list's entry before its type is checked: not empty, not too long (every
    kind's member reference: ``BeforeValidator``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _fail("member_ref", "empty member reference")
    error = too_long(value, "the member reference") if isinstance(value, str) else None
    if error:
        raise error
    return value


def entry_valid(parse_member: Parser = MemberRef.parse) -> Callable[[str], str]:
    """The check (``AfterValidator``) that an entry is ``@group`` or a member reference
    ``parse_member`` reads (a kind's parser)."""

    def valid(value: str) -> str:
        try:
            parse_entry(value, parse_member)
        except ValueError as exc:
            raise _fail("member_ref", str(exc)) from None
        return value

    return valid


def _plain_references(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A member list: a copy of it when every entry is a string that ``MemberReference``
    takes as it is (not blank, not too long, one that parses), checked here in one pass;
    otherwise (a mapping entry, a bad one) pydantic's validation of each entry, with its
    messages. Most lists, a million entries at the service maximums, are such names."""
    if type(value) is list and _all_plain(value):
        return list(value)
    return handler(value)


def _all_plain(entries: list[Any]) -> bool:
    parse = entry_parser()  # parse_entry's, remembering
    for text in entries:
        if type(text) is not str or len(text) > MAX_NAME_LENGTH or not text.strip():
            return False
        try:
            parse(text)
        except ValueError:
            return False
    return True


def _group_name(value: str) -> str:
    _short(value)
    if value.startswith(GROUP_PREFIX):
        hint = f" (write {value[1:]!r})" if GROUP_NAME_RE.match(value[1:]) else ""
        raise _fail("group_name", f"group names are written without '@'{hint}")
    if not value.strip():
        raise _fail("group_name", "a group needs a name")
    if not GROUP_NAME_RE.match(value):
        raise _fail("group_name", f"group names may not contain spaces: {value!r}")
    return value


def _regex(value: str) -> str:
    try:
        compile_pattern(value)
    except PatternError as exc:
        shown = value if len(value) <= 80 else value[:80] + "…"
        message = f"invalid regular expression {shown!r} (RE2 syntax): {exc}"
        raise _fail("regex", message) from None
    return value


MemberReference = Annotated[
    str,
    BeforeValidator(entry_present),
    AfterValidator(entry_valid()),
    Field(
        description="A user's e-mail address, `bot:NAME` for a bot, or `@group`.",
        examples=["alice@example.com", "bot:PagerBot", "@sre"],
        json_schema_extra={"pattern": ENTRY_PATTERN},  # for editors; the loader says why
    ),
]


class MemberMapping(EntryBase):
    """A member with until when, why and which ticket (only `member` is required)."""

    member: MemberReference


# an entry of a member list: a reference, or {member: REF, until:, reason:, ticket:}
MemberEntry = Annotated[
    Annotated[MemberReference, Tag(TEXT_TAG)] | Annotated[MemberMapping, Tag(MAPPING_TAG)],
    Discriminator(which_entry),
]
MemberList = Annotated[
    list[MemberEntry],
    WrapValidator(_plain_references),
    Field(description="Member references, or mappings {member, until, reason, ticket}."),
]
ReferenceList = Annotated[list[MemberReference], Field(description="Member references.")]


GroupName = Annotated[
    str,
    AfterValidator(_group_name),
    WithJsonSchema({"type": "string", "pattern": GROUP_NAME_RE.pattern}),
]
Regex = Annotated[
    str,
    AfterValidator(_regex),
    Field(description="A regular expression in RE2 syntax (no backreferences or lookaround)."),
]
NonBlank = Annotated[str, AfterValidator(_short), Field(pattern=NON_BLANK)]
TargetName = Annotated[str, AfterValidator(_short)]  # a room's (channel's, ...) key


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class GroupSpec(Strict):
    """A group in its mapping form, to name its owners."""

    members: MemberList = Field(default_factory=list)
    owners: Owners = Field(default_factory=list)


def _group_form(value: Any) -> str:
    return GROUP_MAPPING_TAG if isinstance(value, dict | BaseModel) else GROUP_LIST_TAG


GroupValue = Annotated[
    Annotated[MemberList, Tag(GROUP_LIST_TAG)] | Annotated[GroupSpec, Tag(GROUP_MAPPING_TAG)],
    Discriminator(_group_form),
]
GrantDays = Annotated[  # reconciler.desired.grant_days: one error in the project's words
    Annotated[Days, Tag(DAYS_TAG)] | Annotated[dict[NonBlank, Days], Tag(DAYS_MAPPING_TAG)],
    Discriminator(days_form),
    BeforeValidator(either_form),
]


class RoomSpec(Strict):
    """One room. The mapping key is its name in Chime; with `id:` the key is a label."""

    id: NonBlank | None = Field(
        None, description="The room's id: manage this room whatever its name."
    )
    account: NonBlank | None = Field(
        None, description="Chime account id (default: `account` in settings.yaml)."
    )
    prune: bool | None = Field(
        None, description="Remove members not declared here (default: settings.yaml)."
    )
    administrators: MemberList = Field(default_factory=list)
    members: MemberList = Field(default_factory=list)
    owners: Owners = Field(default_factory=list)
    safety: RoomSafetySpec | None = Field(
        None, description="This room's own safety limits (default: settings.yaml `safety:`)."
    )


class SafetySpec(Strict):
    """Limits beyond which a plan is refused."""

    max_removals: int = Field(DEFAULT_MAX_REMOVALS, ge=0)
    max_removal_fraction: float = Field(DEFAULT_MAX_REMOVAL_FRACTION, ge=0.0, le=1.0)
    min_administrators: int = Field(DEFAULT_MIN_ADMINISTRATORS, ge=0)
    min_moderators: int = Field(
        DEFAULT_MIN_MODERATORS,
        ge=0,
        description="A plan leaving a channel that has moderators with fewer is refused.",
    )


MAX_BEARERS = 100  # an app instance has at most 100 AppInstanceAdmins


def _bearer(value: str, info: ValidationInfo) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail("member_ref", "empty member reference")
    _short(value)
    if value.strip().startswith(GROUP_PREFIX):
        raise _fail("member_ref", "the bearer is one user or bot, not a group")
    try:
        parse_channel_member(value)
    except ValueError as exc:
        raise _fail("member_ref", str(exc)) from None
    # the app instance's `arn` (validated before: it comes first), when it is valid
    instance, other = info.data.get("arn"), user_instance(value)
    if instance is not None and other is not None and other != instance:
        raise _fail(
            "member_ref",
            f"{value.strip()} is a user of app instance {other}, not of app instance "
            f"{instance}: a bearer calls as a user or bot of the app instance it manages",
        )
    return value


Bearer = Annotated[
    str,
    AfterValidator(_bearer),
    Field(
        description="An AppInstanceAdmin the tool calls as (`user:ID`, `bot:NAME` or an "
        "AppInstanceUser ARN of this app instance): its own memberships and moderator rights "
        "are never removed."
    ),
]


class AppInstanceSpec(Strict):
    """A Chime SDK app instance whose channels are managed, and who the tool calls as:
    one `bearer`, or several `bearers` the work is spread across (each channel is read and
    written by one of them; each has its own request quota)."""

    arn: str = Field(pattern=APP_INSTANCE_ARN, description=FORMS[APP_INSTANCE_ARN])
    bearer: Bearer | None = None
    bearers: list[Bearer] | None = Field(
        None,
        min_length=1,
        max_length=MAX_BEARERS,
        description="Several AppInstanceAdmins the tool calls as (instead of `bearer`): the "
        "channels are divided among them, so a large app instance is read that many times "
        "faster. None of them is ever removed from a channel or as a moderator.",
    )
    user_id_from: Literal["email"] = Field(
        "email",
        description="How a bare e-mail address (from a group) becomes an AppInstanceUserId: "
        "`email`, the address itself in lower case.",
    )

    @model_validator(mode="after")
    def _one_way(self) -> AppInstanceSpec:
        if self.bearer is not None and self.bearers is not None:
            raise _fail("bearers", "give `bearer` or `bearers`, not both")
        if self.bearer is None and self.bearers is None:
            raise _fail("bearers", "`bearer` (or `bearers`, a list) is required")
        return self

    @field_validator("bearers")
    @classmethod
    def _once_each(cls, bearers: list[str] | None) -> list[str] | None:
        """At the list's line (a model validator's error is at the app instance's)."""
        seen: set[MemberRef] = set()
        for text in bearers or []:
            ref = parse_channel_member(text)
            if ref in seen:
                raise _fail("bearers", f"{text.strip()} is listed twice in `bearers`")
            seen.add(ref)
        return bearers

    def bearer_texts(self) -> list[str]:
        """The bearers as written, in order (one for `bearer`)."""
        return [self.bearer] if self.bearer is not None else list(self.bearers or [])


def _quota_name(name: str) -> str:
    problem = unknown_quota(name)
    if problem:
        raise PydanticCustomError("quota", problem)
    return name


def _rate(value: float | None) -> float | None:
    problem = check_rate(value)
    if problem:
        raise PydanticCustomError("rate", problem)
    return value


def _not_a_switch(value: object) -> object:
    """YAML reads ``off`` (and ``no``, ``false``) as false: the command line's ``--rate
    QUOTA=off`` is written null here."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "rate",
            "expected a number of requests per second, or null for an unknown quota "
            f"(`--rate QUOTA=off`), got {str(value).lower()}",
        )
    return value


QuotaName = Annotated[str, AfterValidator(_quota_name)]
Rate = Annotated[
    float | None,
    BeforeValidator(_not_a_switch),
    AfterValidator(_rate),
    Field(description="Requests per second; null: no known quota (paced only after a 429)."),
]


class SettingsFile(Strict):
    """settings.yaml at the top of the desired-state directory: the defaults."""

    model_config = ConfigDict(title="chime-reconciler settings.yaml")

    account: NonBlank | None = Field(None, description="Default Chime account id.")
    prune: bool = Field(False, description="Default `prune` of every room.")
    safety: SafetySpec = Field(default_factory=SafetySpec)
    protected: ReferenceList = Field(
        default_factory=list, description="Members never removed or demoted."
    )
    app_instances: dict[NonBlank, AppInstanceSpec] = Field(
        default_factory=dict,
        description="Chime SDK app instances by label: the channels' scopes (channels name "
        "one with `app_instance:`).",
    )
    require_reason: bool = Field(
        False,
        description="Every path to an elevated role (administrators, moderators, presenters) "
        "needs a `reason:` or a `ticket:`.",
    )
    expiry_warning_days: int = Field(
        DEFAULT_WARNING_DAYS, ge=0, description="`plan` warns about entries ending this soon."
    )
    max_grant_days: GrantDays | None = Field(
        None,
        description="Longest grant, in days from today: for every role, or per list key "
        "(`administrators: 30`). Entries without `until:` count as longer.",
    )
    rates: dict[QuotaName, Rate] = Field(
        default_factory=dict,
        description="API quota -> requests per second the tool paces itself to "
        "(default: AWS's documented quotas; `--rate` overrides).",
    )
    drift: Literal["all", "changes-only"] = Field(
        "all",
        description="What `plan --detailed-exitcode` reports as drift (exit 2): `all`, "
        "changes and members no file declares (unmanaged); `changes-only`, changes only.",
    )
    capability_profiles: CustomProfiles


class RestrictionRule(Strict):
    """Files matching `path` may define only the rooms, channels, meetings and groups whose
    names match (one field per section a membership kind is declared in)."""

    path: NonBlank = Field(
        description="Glob relative to the desired-state directory (`*`, `**`, `?`)."
    )
    rooms: list[Regex] = Field(default_factory=list, description="Allowed room names.")
    channels: list[Regex] = Field(default_factory=list, description="Allowed channel names.")
    meetings: list[Regex] = Field(default_factory=list, description="Allowed meeting names.")
    groups: list[Regex] = Field(default_factory=list, description="Allowed group names.")


class RestrictionsFile(Strict):
    """restrictions.yaml at the top of the desired-state directory: who may define what."""

    model_config = ConfigDict(title="chime-reconciler restrictions.yaml")

    restrictions: list[RestrictionRule] = Field(default_factory=list)
