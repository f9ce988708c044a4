"""Full targets whose swap apply cannot make (Q-AT-2): a plan that adds members to a
target with no place for them, where the place only the removal of the last elevated
member that stays (a meeting's only presenter) would make.

The applier makes places for the creates first (``reconciler.apply_places``): it removes
the members without an elevated role, then elevated ones only while the target keeps its
floor of them. A place that only a removal under the floor would make is not made before
the creates: AWS refuses the adds over the maximum (the kind's ``full_error``), the
elevated member is kept when an elevated add is among those refused. ``full_swap`` finds
these from the plan's own numbers, running that same rule as if every call succeeded but
the adds AWS refuses: it accepts them first come, first served (in the order the applier
sends them, ``reconciler.create_batches``) up to the maximum. Running it apply after
apply, it tells whether a later apply completes the plan (an accepted add is elevated, or
no refused one is: the old member goes then) or none does (Q-AX-1). The floor is apply's:
a kind's minimum setting (a room's ``min_administrators``: ``TargetPlan.minimum``, which
the planner reads from settings.yaml or the target's own ``safety:``, Q-BB-1), else
``Kind.apply_minimum`` (a meeting's presenter). A plan file does not keep the minimum: a
saved plan read back (``show FILE``) warns of such a target no more (its file holds the
``full_swap`` written when it was made; ``apply FILE`` plans its targets again). A
target over its maximum even after every removal is ``reconciler.crowded``'s, not this.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from reconciler import kinds
from reconciler.apply_places import Indexed, floor, making_room
from reconciler.create_batches import sent_order
from reconciler.plan import Action, Change, Plan, TargetPlan
from reconciler.prose import counted, listed_first, with_article
from reconciler.refs import MemberRef, TargetKey

NAMED = 3  # members named in a message; the rest are counted


@dataclass(frozen=True)
class FullSwap:
    """One target whose adds apply cannot make a place for before they go out."""

    target: TargetKey
    target_id: str
    maximum: int
    own_maximum: bool  # the target's own (a meeting's MaxCount), not the kind's
    live_count: int  # members before the apply
    floor: int  # the elevated members apply keeps while it changes the target
    adds: tuple[MemberRef, ...]  # the plan's adds to it
    refused: int  # of them, those AWS refuses (no place)
    kept: tuple[MemberRef, ...]  # the elevated members apply would remove only after them
    refused_adds: tuple[MemberRef, ...] = ()  # which: the last to go out (``refused`` of them)
    keeps: bool = True  # whether this apply keeps ``kept`` (an elevated add is refused)
    applies: int | None = None  # the applies that complete the plan; None: none does
    progress: int = 0  # the applies that change the target before they stop doing so
    # the minimum of elevated members it was worked out with (a room's min_administrators):
    # written in the plan's JSON, so that a plan file read again (show, merge-plans) warns
    # as the plan did (a plan file keeps no settings; Q-BC-1)
    minimum: int | None = None

    def message(self) -> str:
        """``meeting 'bridge' (id ...) has no place for 1 of its 2 adds (...): ... ``, then
        what this apply and the later ones do, as far as the plan knows."""
        kind = kinds.get(self.target.kind)
        words = kind.words
        one = words.elevated[0]
        whose = f"the {words.noun}'s own" if self.own_maximum else "AWS's"
        n = len(self.adds)
        which = (
            ("its add" if n == 1 else f"its {n:,} adds")
            if self.refused == n
            else f"{self.refused:,} of its {n:,} adds"
        )
        kept = _names(self.kept)
        held = _count(self.floor, words.elevated)
        head = (
            f"{words.noun} {self.target.name!r} (id {self.target_id}) has no place for "
            f"{which} ({_count(self.live_count, words.member)} now, {whose} maximum of "
            f"{self.maximum:,}) and the plan swaps its last {one} that stays: apply keeps "
            f"{held} while it changes the {words.noun}, so it removes {kept} only after the "
            f"adds, and AWS will refuse {_names(self.refused_adds or self.adds)}"
            f"{kind.full_error_note}"
        )
        advice = (
            f"To converge: make a place first (apply with "
            f"{_count(self.refused, words.member)} fewer), or keep another "
            f"{_kept_as(words.member[0], one)} meanwhile."
        )
        if self.applies is None and self.progress <= 1:
            return (
                f"{head}, {kept} kept, on this apply and every later one: running it "
                f"again will not help. {advice}"
            )
        now = (
            f"this apply keeps {kept} (adding {with_article(one)} failed first)"
            if self.keeps
            else f"this apply still removes {kept} after them (no {one}'s add is refused)"
        )
        if self.applies is None:
            more = self.progress - 1
            later = "apply makes" if more == 1 else f"{more:,} applies make"
            return (
                f"{head}; {now}. The next {later} more of the plan, then every "
                f"apply fails the same way. {advice}"
            )
        then = (
            "A second apply completes the plan."
            if self.applies == 2
            else f"It takes {self.applies:,} applies in all to complete the plan."
        )
        return f"{head}; {now}. {then}"


def _count(n: int, noun: tuple[str, str]) -> str:
    return f"{n:,} {noun[0] if n == 1 else noun[1]}"


def _names(members: Sequence[MemberRef]) -> str:
    return listed_first([str(m) for m in members[:NAMED]], NAMED, len(members))


@dataclass(frozen=True)
class _Round:
    """What one apply of ``TargetPlan`` does if every call succeeds but the adds AWS
    refuses at the maximum."""

    early: frozenset[int]  # the removals made before the creates (steps 0 and 1)
    refused: tuple[Change, ...]  # the creates AWS refuses, in the order they go out
    keeps: bool  # an elevated add was refused: the elevated removals and demotions wait
    rest: TargetPlan  # the plan the next apply finds: the changes not made, live counts


def _one_apply(tp: TargetPlan, minimum: int | None) -> _Round:
    """``tp`` applied as ``reconciler.applier`` orders it, with AWS accepting the creates
    first come, first served (in the order ``create_batches`` sends them) up to the
    maximum and refusing the rest (the kind's ``full_error``): the applier sends those
    over the maximum in calls of their own, so this holds whether AWS refuses them item by
    item or the whole call (``reconciler.apply_create``, Q-FM-1)."""
    kind = tp.kind
    most = tp.maximum if tp.maximum is not None else tp.live_count + len(tp.changes)
    indexed = list(enumerate(tp.changes))
    deletes: list[Indexed] = [(i, c) for i, c in indexed if c.action is Action.DELETE]
    creates: list[Indexed] = [(i, c) for i, c in indexed if c.action is Action.CREATE]
    raises = [(i, c) for i, c in indexed if c.action is Action.UPDATE and not c.is_demotion]
    first = {i for i, c in deletes if not kind.is_elevated(c.role_before)}  # step 0
    promoted = sum(
        kind.is_elevated(c.role_after) for _, c in raises if kind.updates_in_place(c.member_kind)
    )
    early = first | {
        i
        for i, _ in making_room(
            tp,
            deletes,
            len(creates),
            freed=len(first),
            promoted=promoted,
            made=first,
            minimum=minimum,
        )
    }
    places = max(0, most - (tp.live_count - len(early)))
    sent = sent_order(kind, creates)
    refused = sent[places:]
    keeps = any(kind.is_elevated(c.role_after) for _, c in refused)
    waits = {i for i, c in indexed if c.is_demotion or c.action is Action.DELETE} - early
    left = {i for i, _ in refused} | (waits if keeps else set())
    done = [c for i, c in indexed if i not in left]
    elevated = tp.live_elevated or 0
    elevated += sum(kind.is_elevated(c.role_after) - kind.is_elevated(c.role_before) for c in done)
    count = tp.live_count + sum(c.action is Action.CREATE for c in done)
    count -= sum(c.action is Action.DELETE for c in done)
    rest = replace(
        tp,
        changes=tuple(c for i, c in indexed if i in left),
        live_count=count,
        live_elevated=elevated,
    )
    return _Round(frozenset(early), tuple(c for _, c in refused), keeps, rest)


def _later(tp: TargetPlan, minimum: int | None) -> tuple[int | None, int]:
    """The applies that complete ``tp`` (None: none does, nothing else changing) and
    those that change the target until then (or until they stop doing so)."""
    done = 0
    while tp.changes and done <= len(tp.changes):
        after = _one_apply(tp, minimum).rest
        if after.changes == tp.changes:
            return None, done
        tp, done = after, done + 1
    return (None if tp.changes else done), done


def full_swap_target(tp: TargetPlan) -> FullSwap | None:
    """``tp``'s warning, or None when apply makes a place for each of its adds first (or
    the target has no maximum, no adds, no known elevated count, or a minimum setting whose
    value it does not know: a plan file's)."""
    kind = tp.kind
    most = tp.maximum
    creates = [c for c in tp.changes if c.action is Action.CREATE]
    minimum = kind.apply_minimum if kind.minimum_setting is None else tp.minimum
    if most is None or not creates or (minimum is None and kind.minimum_setting is not None):
        return None
    if tp.live_count + len(creates) <= most:
        return None  # a place for every add with no one removed first: none is refused
    deletes = [c for c in tp.changes if c.action is Action.DELETE]
    if tp.live_count + len(creates) - len(deletes) > most:
        return None  # over the maximum whatever the order: ``crowded``'s warning
    if tp.live_elevated is None:
        return None
    first = _one_apply(tp, minimum)
    if not first.refused:
        return None
    applies, progress = _later(tp, minimum)
    return FullSwap(
        target=tp.key,
        target_id=tp.target_id,
        maximum=most,
        own_maximum=tp.max_members is not None,
        live_count=tp.live_count,
        floor=floor(tp, tp.live_elevated, minimum),
        adds=tuple(c.member for c in creates),
        refused=len(first.refused),
        kept=tuple(
            c.member
            for i, c in enumerate(tp.changes)
            if c.action is Action.DELETE and i not in first.early
        ),
        refused_adds=tuple(c.member for c in first.refused),
        keeps=first.keeps,
        applies=applies,
        progress=progress,
        minimum=minimum,
    )


def full_swaps(plan: Plan | Iterable[TargetPlan]) -> tuple[FullSwap, ...]:
    """Every target of ``plan`` whose adds apply cannot make a place for, in its order."""
    targets = plan.targets if isinstance(plan, Plan) else plan
    return tuple(s for s in map(full_swap_target, targets) if s is not None)


def full_swap_lines(plan: Plan) -> list[str]:
    """``1 target has adds that do not fit, ...:`` then one line each; [] when none."""
    found = full_swaps(plan)
    if not found:
        return []
    n = len(found)
    head = (
        f"{counted(n, 'target')} {'has' if n == 1 else 'have'} adds that do not fit, and "
        "apply cannot make a place for them first: it will fail for some of them:"
    )
    return [head, *(s.message() for s in found)]


def _kept_as(member: str, elevated: str) -> str:
    """Who to keep meanwhile: "member an administrator"; "moderator" where every member
    of the kind is elevated (a channel's moderators: never "moderator a moderator")."""
    return elevated if member == elevated else f"{member} {with_article(elevated)}"
