"""The desired-state file formats as strict pydantic models (and so as JSON Schema).

Three kinds of file, by name at the top of the desired-state directory:
``settings.yaml`` (``settings_spec``), ``restrictions.yaml`` (``restrictions_spec``)
and every other ``*.yaml`` / ``*.yml`` (``groups:`` and one section per membership kind,
``rooms:`` of :class:`RoomSpec` and so on: ``reconciler.desired.sections``).
Unknown keys are errors (``extra="forbid"``); values are not coerced (``strict=True``).
The pieces they are made of live beside: ``spec_base`` (the strict base, names),
``member_entries`` (member lists and their entries), ``app_instance_spec`` (app instances
and bearers), ``meeting_spec``, ``channels``, ``target_safety``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from reconciler.desired.app_instance_spec import AppInstanceSpec
from reconciler.desired.given import Prune, given, no_null
from reconciler.desired.grant_days import Days, days_form, either_form
from reconciler.desired.meeting_spec import CustomProfiles
from reconciler.desired.member_entries import (
    GROUP_NAME_PATTERN,
    GROUP_NAME_RE,
    GROUP_PREFIX,
    MemberList,
    ReferenceList,
)

# what desired.loader and desired.resolve import from here (they were written before the split)
from reconciler.desired.member_entries import Entry as Entry
from reconciler.desired.member_entries import GroupRef as GroupRef
from reconciler.desired.member_entries import entry_parser as entry_parser
from reconciler.desired.member_entries import remembered_entries as remembered_entries
from reconciler.desired.model import DEFAULT_MAX_REMOVAL_FRACTION, DEFAULT_MAX_REMOVALS
from reconciler.desired.numbers import Count, Fraction
from reconciler.desired.owners import Owner, Owners  # noqa: F401 (re-exported)
from reconciler.desired.patterns import PatternError, compile_pattern
from reconciler.desired.spec_base import (
    Account,
    Id,
    LabelKey,
    NonBlank,
    Strict,
    fail,
    short,
)
from reconciler.desired.target_safety import TargetSafetySpec
from reconciler.governance.entries import (
    DAYS_MAPPING_TAG,
    DAYS_TAG,
    GROUP_LIST_TAG,
    GROUP_MAPPING_TAG,
)
from reconciler.governance.grant import DEFAULT_WARNING_DAYS
from reconciler.pacing.quotas import check_rate, unknown_quota
from reconciler.quoted import quoted
from reconciler.refs import CONTROL_RE


def _group_name(value: str) -> str:
    short(value)
    if value.startswith(GROUP_PREFIX):
        hint = f" (write {value[1:]!r})" if GROUP_NAME_RE.match(value[1:]) else ""
        raise fail("group_name", f"group names are written without '@'{hint}")
    if not value.strip():
        raise fail("group_name", "a group needs a name")
    if not GROUP_NAME_RE.match(value):
        control = CONTROL_RE.search(value)
        if control:
            what = f"control or invisible characters ({control.group()!r})"
            raise fail("group_name", f"group names may not contain {what}: {value!r}")
        raise fail("group_name", f"group names may not contain spaces: {value!r}")
    return value


def _label(value: str) -> str:
    """An ``app_instances`` label: no white space at either end, which a channel's
    ``app_instance:`` is read without, so no channel could name it (QA-GF Q-GF-5)."""
    if value != value.strip():
        raise fail(
            "app_instance_label",
            f"an app instance's label may not start or end with white space (a channel's "
            f"`app_instance:` is read without it): {quoted(value)}; write {quoted(value.strip())}",
        )
    return value


InstanceLabel = Annotated[LabelKey, AfterValidator(_label)]


def _regex(value: str) -> str:
    try:
        compile_pattern(value)
    except PatternError as exc:
        shown = value if len(value) <= 80 else value[:80] + "…"
        message = f"invalid regular expression {shown!r} (RE2 syntax): {exc}"
        raise fail("regex", message) from None
    return value


GroupName = Annotated[
    str,
    AfterValidator(_group_name),
    WithJsonSchema({"type": "string", "pattern": GROUP_NAME_PATTERN}),
]
Regex = Annotated[
    str,
    AfterValidator(_regex),
    Field(description="A regular expression in RE2 syntax (no backreferences or lookaround)."),
]


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

    id: Annotated[Id | None, given("a room id", "a match by name")] = Field(
        None,
        description="The room's id: manage this room whatever its name.",
        json_schema_extra=no_null,
    )
    account: Annotated[Account | None, given("an account id", "settings.yaml's account:")] = Field(
        None,
        description="Chime account id (default: `account` in settings.yaml).",
        json_schema_extra=no_null,
    )
    prune: Prune = Field(
        None,
        description="Remove members not declared here (default: settings.yaml).",
        json_schema_extra=no_null,
    )
    administrators: MemberList = Field(default_factory=list)
    members: MemberList = Field(default_factory=list)
    owners: Owners = Field(default_factory=list)
    safety: TargetSafetySpec | None = Field(
        None, description="This room's own safety limits (default: settings.yaml `safety:`)."
    )


class SafetySpecBase(Strict):
    """Limits beyond which a plan is refused."""

    max_removals: Count = Field(DEFAULT_MAX_REMOVALS)
    max_removal_fraction: Fraction = Field(DEFAULT_MAX_REMOVAL_FRACTION)


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
    if isinstance(value, float) and getattr(value, "written", None):  # 1e400, 1e-400 (Q-LE-2)
        problem = check_rate(value)  # here: the validator after it sees a plain float
        if problem:
            raise PydanticCustomError("rate", "{message}", {"message": problem})
    return value


QuotaName = Annotated[str, AfterValidator(_quota_name)]
Rate = Annotated[
    float | None,
    BeforeValidator(_not_a_switch),
    AfterValidator(_rate),
    Field(description="Requests per second; null: no known quota (paced only after a 429)."),
]


class SettingsFileBase(Strict):
    """settings.yaml at the top of the desired-state directory: the defaults."""

    model_config = ConfigDict(title="chime-reconciler settings.yaml")

    account: Account | None = Field(None, description="Default Chime account id.")
    prune: bool = Field(False, description="Default `prune` of every room.")
    # ``settings_spec.settings_file_model`` types it with the kinds' minimums
    safety: Any = None
    protected: ReferenceList = Field(
        default_factory=list, description="Members never removed or demoted."
    )
    # one label an app instance: the loader's check (``instance_labels``), at the line
    app_instances: dict[InstanceLabel, AppInstanceSpec] = Field(
        default_factory=dict,
        description="Chime SDK app instances by label: the channels' scopes (channels name "
        "one with `app_instance:`).",
    )
    require_reason: bool = Field(
        False,
        description="Every path to an elevated role (administrators, moderators, presenters) "
        "needs a `reason:` or a `ticket:`.",
    )
    expiry_warning_days: Count = Field(
        DEFAULT_WARNING_DAYS, description="`plan` warns about entries ending this soon."
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
