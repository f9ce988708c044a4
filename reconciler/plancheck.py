"""Is a saved plan exactly what the desired state and the live state call for now?

``apply FILE`` must never do what the desired state does not say: a plan file is only
JSON, and an edited one could add an administrator nobody declared, remove a protected
member, empty a room of administrators or prune a room the desired state does not manage.
So ``apply FILE`` plans again (the same planner, the same protected members and safety
rules) and applies only when, for every target the saved plan changes (and every one it
leaves unchanged that an ``until:`` passing since made it plan again), the fresh plan has
the same target id, the same live fingerprint and exactly the same changes: the same
actions on the same members (by reference and id) with the same roles. A target the saved
plan leaves unchanged is held to its id and its changes only: nothing is applied to it,
so a live change there that calls for no change (someone joined a meeting that does not
prune) makes none of the saved plan's changes wrong (QA-AE Q-AE-1). A change the fresh
plan makes to the same member (by reference) with another id, where the saved id is no
longer in Chime (no member the fresh plan read or names has it), is stale, not an edit:
the member was deleted and created again under its e-mail since (QA-CZ Q-CZ-7). A saved
id that a member has now (another one, changed or not), or an empty or malformed one, is
an edit (QA-DM Q-DM-2).

A target the saved plan changes that a plan made now leaves out, of a kind whose targets
end on their own (``Kind.ends``: a meeting), has ended since: that is not the plan going
stale but what such targets do, so it is ``ended`` (the CLI leaves its changes out and
reports them not applied; the plan made now notes it), where any other kind's is stale
(Q-CH-1). A read that failed is an error of the plan made now, which the caller refuses.

``compare`` is pure: it says what differs, the CLI refuses.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from reconciler.plan import Change, Plan, TargetPlan
from reconciler.refs import TargetKey


@dataclass(frozen=True)
class Comparison:
    stale: tuple[str, ...]  # the live state moved on: plan again
    mismatches: tuple[str, ...]  # the file says what a plan made now does not
    # the saved plan's changed targets that have ended since (``Kind.ends``): left out
    ended: tuple[TargetPlan, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.stale and not self.mismatches


def _identity(c: Change) -> tuple[object, ...]:
    return (*_but_id(c), c.member_id)


def _but_id(c: Change) -> tuple[object, ...]:
    """A change but for its member's id: what it does to which member reference."""
    return (c.action, c.member.kind, c.member.key, c.role_before, c.role_after)


def _describe(c: Change) -> str:
    from reconciler.render.text import change_line  # renderers import plan types

    return f"{change_line(c).plain.strip()} [id {c.member_id}]"


def compare(
    saved: Plan,
    fresh: Plan,
    declared: Mapping[TargetKey, str | None],
    also: Collection[TargetKey] = (),
    called: str = "the saved plan",
) -> Comparison:
    """How ``saved`` differs from ``fresh`` (planned now, for the same targets) on every
    target ``saved`` changes, and on those of ``also`` (targets it leaves unchanged,
    planned again all the same: an ``until:`` in them passed since it was made), these on
    their id and changes only, not their live fingerprint. ``called``: what ``saved`` is
    called in the messages (the plan a confirmation asked about is no file).
    ``declared``: the desired state's targets, each with the id it is declared with
    (``id:``), or None: declared by name, its id is the live one.

    A target declared by name whose live id is not the saved one was deleted and created
    again (or renamed) since the plan was made: stale. One declared with ``id:`` (which the
    desired-state digest pins) has that id now, so another in the file is an edit."""
    fresh_by_key = {t.key: t for t in fresh.targets}
    known = _ids_now(fresh)
    stale: list[str] = []
    mismatches: list[str] = []
    ended: list[TargetPlan] = []
    for t in saved.targets:
        if not t.changes and t.key not in also:
            continue
        what = f"{t.kind.words.noun} {t.key.name}"
        now = fresh_by_key.get(t.key)
        if t.key not in declared:
            mismatches.append(f"{what} (scope {t.key.scope}) is not declared in the desired state")
        elif now is None and not t.changes:
            # left unchanged, and left out now (a meeting that has ended since: a notice;
            # a read that failed is an error of the fresh plan, refused by its caller):
            # nothing was to be applied to it, nothing is (Q-AJ-2)
            continue
        elif now is None and t.kind.ends:  # it ended, as its kind's targets do
            ended.append(t)
        elif now is None:
            stale.append(f"{what} no longer exists (id {t.target_id})")
        elif now.target_id != t.target_id and declared[t.key] is None:
            stale.append(
                f"{what} changed since the plan was made: it is {now.target_id} now, the "
                f"plan was made for {t.target_id}"
            )
        elif now.target_id != t.target_id:
            mismatches.append(f"{what} has id {now.target_id}, {called} says {t.target_id}")
        elif t.changes and now.fingerprint != t.fingerprint:
            stale.append(f"{what} changed since the plan was made")
        else:
            moved, differ = _changes_differ(t, now, called, known)
            stale.extend(f"{what}: {m}" for m in moved)
            mismatches.extend(f"{what}: {m}" for m in differ)
    return Comparison(tuple(stale), tuple(mismatches), tuple(ended))


def _ids_now(plan: Plan) -> frozenset[str]:
    """The member ids in ``plan`` (made now): its changes', and every live member's of
    the targets it read (``TargetPlan.live_ids``, the unchanged ones too)."""
    found = {c.member_id for t in plan.targets for c in t.changes}
    for t in plan.targets:
        found.update(m.member_id for m in (*t.unmanaged, *t.protected, *t.held))
        found.update(t.live_ids)
    return frozenset(found)


def _changes_differ(
    saved: TargetPlan, fresh: TargetPlan, called: str, known: frozenset[str]
) -> tuple[list[str], list[str]]:
    """Why ``saved``'s changes are not ``fresh``'s: stale (a member whose id in Chime
    is another now: deleted and created again under its e-mail since, Q-CZ-7), and
    mismatches (the file says what the plan made now does not). ``known``: the member ids
    Chime has now (``_ids_now``); a saved id among them is an edit, not Chime moving on."""
    ours = {_identity(c): c for c in fresh.changes}
    theirs = {_identity(c): c for c in saved.changes}
    recreated = _recreated(
        [c for k, c in theirs.items() if k not in ours],
        [c for k, c in ours.items() if k not in theirs],
        known,
    )
    stale = [
        f"{c.member} is {f.member_id} in Chime now, the plan was made for {c.member_id}"
        for c, f in recreated
    ]
    matched = {id(c) for pair in recreated for c in pair}
    out = [
        f"{_describe(c)} is not what the desired state says"
        for k, c in theirs.items()
        if k not in ours and id(c) not in matched
    ]
    out += [
        f"{_describe(c)} is missing from {called}"
        for k, c in ours.items()
        if k not in theirs and id(c) not in matched
    ]
    if len(saved.changes) != len(theirs):
        out.append("a change is listed twice")
    return stale, out


def _recreated(
    saved: list[Change], fresh: list[Change], known: frozenset[str]
) -> list[tuple[Change, Change]]:
    """The saved changes that differ from a fresh one only in the member's id, each
    with it, where the saved id is a well-formed one no member has now."""
    by_change = {_but_id(c): c for c in fresh}
    pairs = []
    for c in saved:
        f = by_change.get(_but_id(c))
        if f is not None and _well_formed(c.member_id) and c.member_id not in known:
            pairs.append((c, f))
    return pairs


def _well_formed(member_id: str) -> bool:
    """Whether ``member_id`` could be an id Chime gave: not empty, no space or control
    character (an empty one names nobody, so it is no member created again)."""
    return bool(member_id) and member_id.isprintable() and not any(ch.isspace() for ch in member_id)
