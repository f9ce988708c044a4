"""One imported target as desired-state YAML, for any kind (``chime-reconciler import``).

Pure and kind-blind: the list keys and the role of each come from the section's kinds'
``role_lists``, the id and scope keys from ``Kind.id_field`` and ``Kind.scope_field``;
members of a kind's ``never_managed`` member kinds are left out with a comment, and so are
the tool's own members in the scope (``Kind.own_members``, named by ``Words.own_member``).
What a kind's importer decides (the key, the order of the members, what it cannot name
and why) comes in a ``TargetText``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reconciler import kinds
from reconciler.kinds import Kind, RoleValue
from reconciler.refs import MemberRef
from reconciler.render.safe import shown
from reconciler.yaml_scalar import scalar

HELD = "left out below: pruning would remove them"
"""How the comment of the ``prune: false`` import writes for members it left out ends (each
kind's ``TargetText.held``): what tells that line from a hand-written one (QA-GZ Q-GZ-1)."""


@dataclass(frozen=True)
class Listed:
    """A live member of a target, of one of its section's kinds, with its role there."""

    kind: str  # Kind.id
    role: RoleValue
    ref: MemberRef


@dataclass(frozen=True)
class Refresh:
    """What ``--force``'s refresh writes of a target's entry besides its members: its key,
    whether with the target's id (``id:``, ``arn:``), and its ``prune:`` (None: none);
    ``pruning``: whether the import was given ``--prune``."""

    key: str
    with_id: bool = False
    prune: bool | None = None
    pruning: bool = False  # import was given --prune (so a prune: true is its own)


@dataclass(frozen=True)
class TargetText:
    """What one target's YAML says.

    ``listed``: its members, in the order each list has them (a list takes those of its
    kind and role); ``with_id``: the key is not the name, so ``id_field`` names the target
    (with the name in a comment); ``key_note``: a comment after the key otherwise;
    ``scope``: the scope to write under ``scope_field`` (None: the default one); ``held``:
    why the target must not prune (members left out below): ``prune: false`` with it, else
    ``prune: true`` when ``prune``; ``own``: the tool's own members there; ``left_out``:
    a comment for each member the files cannot name, as written."""

    key: str
    name: str
    target_id: str
    with_id: bool
    listed: Sequence[Listed]
    key_note: str = ""
    scope: str | None = None
    held: str = ""
    prune: bool = False
    own: Sequence[MemberRef] = ()
    left_out: Sequence[str] = ()

    @property
    def prune_written(self) -> bool | None:
        """The ``prune:`` ``target_lines`` writes: false when ``held``, else true when
        ``prune``, else none."""
        if self.held:
            return False
        return True if self.prune else None

    @property
    def refresh(self) -> Refresh:
        """What ``target_lines`` writes of this entry besides its members (QA-GT Q-GT-1):
        what ``--force``'s refresh would put in place of a declaration."""
        return Refresh(self.key, self.with_id, self.prune_written, self.prune)


def target_lines(section: str, target: TargetText) -> list[str]:
    """The lines of one target under the ``section:`` key (indented by two spaces)."""
    of_section = kinds.sections()[section]
    first = of_section[0]  # kinds sharing a section share its id and scope keys
    by_id = {k.id: k for k in of_section}
    note = f"  # {target.key_note}" if target.key_note and not target.with_id else ""
    lines = [f"  {scalar(target.key)}:{note}"]
    if target.with_id:
        lines.append(
            f"    {first.id_field}: {scalar(target.target_id)}  # name: {scalar(target.name)}"
        )
    if target.scope is not None:
        lines.append(f"    {first.scope_field}: {scalar(target.scope)}")
    if target.prune_written is False:
        lines.append(f"    prune: false  # {target.held}")
    elif target.prune_written:
        lines.append("    prune: true")
    for kind in of_section:
        for rl in kind.role_lists:
            refs = [
                e.ref
                for e in target.listed
                if e.kind == kind.id and e.role == rl.role and not _never(kind, e)
            ]
            lines.extend(_list_lines(rl.key, refs))
    for e in target.listed:
        kind = by_id[e.kind]
        if _never(kind, e):
            name = shown(scalar(str(e.ref)))
            lines.append(
                f"    # {name} ({kind.role_text(e.role)}) is left out: "
                f"{e.ref.kind.value.lower()}s are never managed."
            )
    for ref in target.own:
        lines.append(
            f"    # {shown(str(ref))} ({first.words.own_member}) is left out: the tool's own "
            "identity, never removed."
        )
    lines.extend(f"    # {text}" for text in target.left_out)
    return lines


def _never(kind: Kind, e: Listed) -> bool:
    return e.ref.kind in kind.never_managed


def _list_lines(key: str, refs: Sequence[MemberRef]) -> list[str]:
    if not refs:
        return [f"    {key}: []"]
    return [f"    {key}:", *(f"      - {scalar(str(ref))}" for ref in refs)]
