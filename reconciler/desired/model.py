"""The resolved desired state the planner consumes (plain frozen values, no pydantic).

The loader (``reconciler.desired.loader``) validates the YAML files with pydantic and
resolves groups into these values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from reconciler.fastinit import slot_init
from reconciler.governance.codeowners import Ownership
from reconciler.governance.grant import DEFAULT_WARNING_DAYS, Ending
from reconciler.refs import Location, MemberRef, Provenance, TargetKey

DEFAULT_MAX_REMOVALS = 10
DEFAULT_MAX_REMOVAL_FRACTION = 0.25
FRACTION_MIN_TARGET_SIZE = 10  # the fraction rule applies to targets of at least this size


def minimum_defaults() -> dict[str, int]:
    """Every registered kind's minimum setting (``Kind.minimum_setting``) and its default
    (``Kind.minimum_default``), in registration order: ``{"min_administrators": 1, ...}``."""
    from reconciler import kinds  # the kinds' specs are built from this module's values

    return {
        k.minimum_setting: k.minimum_default
        for ks in kinds.sections().values()
        for k in ks
        if k.minimum_setting is not None
    }


def safety_settings() -> frozenset[str]:
    """The names of every safety setting: the removal caps and each kind's minimum."""
    return frozenset({"max_removals", "max_removal_fraction", *minimum_defaults()})


@dataclass(frozen=True, init=False)
class Safety:
    """The safety limits: the removal caps, and the minimum of each kind that has one
    (``Kind.minimum_setting``), given by name: ``Safety(min_administrators=2)``; those not
    given are the kinds' ``minimum_default``."""

    max_removals: int
    max_removal_fraction: float
    minimums: tuple[tuple[str, int], ...]  # (setting, value), sorted by setting

    def __init__(
        self,
        max_removals: int = DEFAULT_MAX_REMOVALS,
        max_removal_fraction: float = DEFAULT_MAX_REMOVAL_FRACTION,
        minimums: Iterable[tuple[str, int]] = (),
        **settings: int,
    ) -> None:
        values = {**minimum_defaults(), **dict(minimums)}
        for name in settings:
            if name not in values:
                raise TypeError(f"Safety() got an unexpected keyword argument {name!r}")
        values.update(settings)
        object.__setattr__(self, "max_removals", max_removals)
        object.__setattr__(self, "max_removal_fraction", max_removal_fraction)
        object.__setattr__(self, "minimums", tuple(sorted(values.items())))

    def minimum(self, setting: str | None) -> int | None:
        """The value of a kind's minimum setting (``Kind.minimum_setting``), None for a
        kind without one."""
        if setting is None:
            return None
        for name, value in self.minimums:
            if name == setting:
                return value
        raise KeyError(f"no safety setting {setting!r}")


@dataclass(frozen=True)
class Policy:
    """The governance settings: reasons for elevated roles, the expiry warning window, the
    longest grant in days (``"*"``: every role; else per list key)."""

    require_reason: bool = False
    expiry_warning_days: int = DEFAULT_WARNING_DAYS
    max_grant_days: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class AppInstanceSetting:
    """settings.yaml's ``app_instances.LABEL``: the scope of channels and who to call as."""

    label: str
    arn: str
    # who the tool calls as (``bearer:`` or ``bearers:``, in the order written); each is
    # never removed from a channel or as a moderator (``protected``)
    bearers: tuple[MemberRef, ...]
    user_id_from: str = "email"
    # where each bearer is written (settings.yaml's line), in the order of ``bearers``
    bearer_locations: tuple[Location, ...] = ()

    @property
    def bearer(self) -> MemberRef:
        """The first bearer: who makes the app instance's own calls (ListChannels)."""
        return self.bearers[0]


@slot_init
@dataclass(frozen=True, slots=True)
class DesiredMember:
    """A member with its effective role (``Kind.combine`` of every path's) and every path
    that put it there."""

    ref: MemberRef
    role: Hashable  # a role of the target's kind
    provenance: tuple[Provenance, ...]
    expired: tuple[Provenance, ...] = ()  # paths that ended (``governance.expiry.as_of``)


@dataclass(frozen=True)
class DesiredTarget:
    key: TargetKey
    target_id: str | None  # given with `id:`; otherwise resolved from the name
    prune: bool
    members: tuple[DesiredMember, ...]  # sorted by ref
    location: Location
    owners: tuple[str, ...] = ()  # `owners:` (GitHub users and teams, as CODEOWNERS writes them)
    # members no longer declared because every path to them ended (``as_of``), by ref
    expired: tuple[DesiredMember, ...] = ()
    # the target's own safety limits (``safety:`` in its spec), overriding settings.yaml's
    safety: tuple[tuple[str, int | float], ...] = ()
    # False: no path to a member has an ``until`` (most targets), so nothing in it expires
    # or ends soon: ``governance.expiry`` skips it rather than look at every path
    dated: bool = True
    # what else ``--target`` selects it by: the value its id stands for when the run was
    # set up (a meeting's ``${VARIABLE}``: ``Kind.id_aliases``), filled in by the loader
    aliases: tuple[str, ...] = ()
    # the target's own ``prune:`` as its entry declares it (None: it follows settings.yaml's
    # ``prune``): what ``import --force`` must not drop (QA-GT Q-GT-1)
    own_prune: bool | None = None

    def member(self, ref: MemberRef) -> DesiredMember | None:
        for m in self.members:
            if m.ref == ref:
                return m
        return None


@dataclass(frozen=True)
class DesiredState:
    targets: tuple[DesiredTarget, ...]  # sorted by key
    safety: Safety = field(default_factory=Safety)
    protected: frozenset[MemberRef] = frozenset()
    digest: str = ""  # sha256 over the files' paths and bytes: a saved plan checks it
    files: tuple[str, ...] = ()
    # the files (as ``files`` names them) that define groups (``groups:``), read by the
    # loader as every file is: what ``import --out`` never writes over (QA-LE Q-LE-6)
    grouped: frozenset[str] = frozenset()
    owned: tuple[Ownership, ...] = ()  # `owners:` of targets and groups, for CODEOWNERS
    policy: Policy = field(default_factory=Policy)  # settings.yaml governance keys
    rates: Mapping[str, float | None] = field(default_factory=dict)  # quota -> requests/s
    drift: str = "all"  # settings.yaml `drift`: "all" (unmanaged members too) or "changes-only"
    app_instances: tuple[AppInstanceSetting, ...] = ()  # settings.yaml's, by label
    # the members that are the tool itself (``Kind.own_members``), by kind id and scope: in
    # ``protected`` for good, and never listed as unmanaged in a target of that scope
    own_members: Mapping[tuple[str, str], frozenset[MemberRef]] = field(default_factory=dict)
    # members ``protected`` reaches only through group entries that end: the last such
    # path's until, reason and ticket; ``governance.expiry.as_of`` stops protecting them
    # after it
    protected_until: tuple[tuple[MemberRef, Ending], ...] = ()
    # every group entry with an ``until`` on a path ``protected:`` reaches a member by
    # (each once per member), those another path outlasts too: ``validate`` warns of
    # each that has expired
    protection_ends: tuple[tuple[MemberRef, Ending], ...] = ()
    # the moment ``governance.expiry.as_of`` took the paths expired then out at (None: not
    # yet): as of it again is the same state, not another walk of every path
    as_of: dt.datetime | None = None
    # --shard K/N: the targets declared in the other shards, not read or planned in this
    # one, only compared with its own so that one target declared in two shards is refused
    # in both (``declared_once``); empty without --shard
    elsewhere: tuple[DesiredTarget, ...] = ()

    @property
    def unmanaged_is_drift(self) -> bool:
        """Whether members no file declares make ``plan --detailed-exitcode`` exit 2."""
        return self.drift != "changes-only"

    def own_members_of(self, key: TargetKey) -> frozenset[MemberRef]:
        """The members that are the tool itself in this target's scope (``own_members``)."""
        return self.own_members.get((key.kind, key.scope), frozenset())

    def safety_for(self, key: TargetKey) -> Safety:
        """The safety limits of one target: settings.yaml's, with the target's own."""
        return self._own_safety.get(key, self.safety)

    @cached_property
    def _own_safety(self) -> dict[TargetKey, Safety]:
        return {
            t.key: replace(self.safety, **dict(t.safety))  # type: ignore[arg-type]
            for t in self.targets
            if t.safety
        }

    @property
    def membership_count(self) -> int:
        return sum(len(t.members) for t in self.targets)
