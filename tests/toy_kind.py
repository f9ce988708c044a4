"""A toy membership kind and an in-memory provider: the contract every kind meets.

The toy differs from rooms wherever a kind may: two *unranked* roles that conflict (a
member reached as a reader and as a writer is an error), roles that are not strings
(``Access``, written in JSON as ``{"access": "read"}``), nothing updated in place (a role
change is a delete plus a create), creates batched by role (2 a call), no elevated role
(no minimum rule), a scope called a "space", and an apply phase after rooms.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from reconciler.desired.member_entries import MemberList
from reconciler.desired.model import DesiredState
from reconciler.desired.spec_base import NonBlank, Strict
from reconciler.errors import AwsError
from reconciler.kinds import Kind, RoleList, RoleValue, Words
from reconciler.live import LiveMember, LiveProblem, LiveState, LiveTarget
from reconciler.providers.base import ItemError
from reconciler.refs import MemberKind, MemberRef, TargetKey


@dataclass(frozen=True, order=True)
class Access:
    name: str


READ = Access("read")
WRITE = Access("write")


class ToySpec(Strict):
    """One toy: its space (default: settings' account), readers and writers."""

    id: NonBlank | None = None
    space: NonBlank | None = None
    prune: bool | None = None
    readers: MemberList = Field(default_factory=list)
    writers: MemberList = Field(default_factory=list)


class ToyKind(Kind):
    def role_text(self, role: RoleValue) -> str:
        assert isinstance(role, Access)
        return role.name

    def role_json(self, role: RoleValue) -> Any:
        return {"access": self.role_text(role)}


TOY = ToyKind(
    id="toy",
    service="toy-service",
    words=Words(
        noun="toy",
        plural="toys",
        scope="space",
        replace_note=" (replace: toys never change in place)",
    ),
    section="toys",
    spec=ToySpec,
    role_lists=(RoleList("readers", READ), RoleList("writers", WRITE)),
    scope_setting="account",
    scope_field="space",
    id_field="id",
    no_scope_message="toy has no space: set `space:` here or `account:` in settings.yaml",
    roles=(READ, WRITE),
    ranked=False,
    elevated=frozenset(),
    minimum_setting=None,
    never_managed=frozenset(),
    in_place=frozenset(),
    batch_size=2,
    batch_by_role=True,
    apply_phase=1,
)


def toy_id(ref: MemberRef) -> str:
    return f"toy-{ref.key}"


@dataclass
class ToyProvider:
    """Toys in memory: ``toys[(space, name)] = (toy id, {member id: Access})``; every
    e-mail in ``people`` exists (id ``toy-EMAIL``). ``log`` records every write."""

    toys: dict[tuple[str, str], tuple[str, dict[str, Access]]]
    people: frozenset[str] = frozenset()
    log: list[tuple[Any, ...]] = field(default_factory=list)
    item_errors: dict[str, str] = field(default_factory=dict)  # member id -> error code

    def _ref(self, member_id: str) -> MemberRef:
        return MemberRef.user(member_id.removeprefix("toy-"))

    def _live(self, key: TargetKey, toy_id_: str, members: Mapping[str, Access]) -> LiveTarget:
        found = tuple(
            sorted(
                LiveMember(self._ref(mid), mid, MemberKind.USER, role)
                for mid, role in members.items()
            )
        )
        return LiveTarget(key, toy_id_, found)

    def read(
        self,
        desired: DesiredState,
        only: Collection[TargetKey] | None = None,
        *,
        twins: bool = False,
    ) -> LiveState:
        targets: dict[TargetKey, LiveTarget] = {}
        problems: list[LiveProblem] = []
        scoped: dict[tuple[str, MemberRef], str] = {}
        for t in desired.targets:
            if t.key.kind != TOY.id or (only is not None and t.key not in only):
                continue
            if (t.key.scope, t.key.name) not in self.toys:
                problems.append(LiveProblem(t.key, t.location, f"no toy named {t.key.name}"))
                continue
            toy, members = self.toys[(t.key.scope, t.key.name)]
            targets[t.key] = self._live(t.key, toy, members)
            for m in t.members:
                if m.ref.key in self.people:
                    scoped[(t.key.scope, m.ref)] = toy_id(m.ref)
                else:
                    where = m.provenance[0].where
                    problems.append(LiveProblem(t.key, where, f"nobody is {m.ref}"))
        return LiveState(targets, {}, tuple(problems), scoped)

    def read_ids(self, targets: Sequence[tuple[TargetKey, str]]) -> dict[TargetKey, LiveTarget]:
        found = {}
        for key, toy in targets:
            entry = self.toys.get((key.scope, key.name))
            if entry is not None and entry[0] == toy:
                found[key] = self._live(key, toy, entry[1])
        return found

    def _members(self, target: TargetKey) -> dict[str, Access]:
        return self.toys[(target.scope, target.name)][1]

    def create_members(
        self, target: TargetKey, target_id: str, items: Sequence[tuple[str, RoleValue]]
    ) -> Mapping[str, ItemError]:
        roles = {role for _, role in items}
        assert len(roles) == 1, f"one role per call (Kind.batch_key), got {roles}"
        assert 0 < len(items) <= TOY.batch_size
        [role] = roles
        assert isinstance(role, Access)
        self.log.append(("create", target.name, role.name, tuple(mid for mid, _ in items)))
        errors = {}
        for mid, _ in items:
            if mid in self.item_errors:
                errors[mid] = ItemError(mid, self.item_errors[mid], "refused")
            else:
                self._members(target)[mid] = role
        return errors

    def update_role(
        self, target: TargetKey, target_id: str, member_id: str, role: RoleValue
    ) -> None:
        raise AssertionError("toys never change a role in place (Kind.in_place is empty)")

    def delete_member(self, target: TargetKey, target_id: str, member_id: str) -> None:
        self.log.append(("delete", target.name, member_id))
        if self._members(target).pop(member_id, None) is None:
            raise AwsError("DeleteToyMember", "NotFound", "not a member")

    def member_role(self, target: TargetKey, target_id: str, member_id: str) -> RoleValue | None:
        return self._members(target).get(member_id)
