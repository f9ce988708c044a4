"""Words for drift: members present in Chime that no desired-state file declares
(``TargetPlan.drift``), counted by role the way an operator reads them, per kind:
``1 administrator, 2 members in 2 rooms``."""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.live import LiveMember
from reconciler.plan import TargetPlan

LABEL = "not in the desired state"
RESOLVE_HINT = "Resolve with `import --adopt` (into the files) or `prune: true` (removes them)."
REMOVES = "(removes them)"


def drift_phrase(targets: Iterable[TargetPlan]) -> str:
    """``1 administrator, 2 members in 2 rooms`` (``; `` between kinds); elevated members
    first, in the kind's own word for them."""
    by_kind: dict[str, list[TargetPlan]] = {}
    for t in targets:
        if t.drift:
            by_kind.setdefault(t.key.kind, []).append(t)
    phrases = []
    for kind_id in sorted(by_kind):
        group = by_kind[kind_id]
        kind = group[0].kind
        members = [m for t in group for m in t.drift]
        elevated = sum(kind.is_elevated(m.role) for m in members) if kind.words.elevated[0] else 0
        others = len(members) - elevated
        parts = []
        if elevated:
            parts.append(f"{elevated} {kind.words.elevated[0 if elevated == 1 else 1]}")
        if others:
            parts.append(f"{others} {kind.words.member[0 if others == 1 else 1]}")
        n = len(group)
        where = kind.words.entry_noun if n == 1 else kind.words.entry_plural
        phrases.append(f"{', '.join(parts)} in {n} {where}")
    return "; ".join(phrases)


def resolve_hint(targets: Iterable[TargetPlan]) -> str:
    """How to resolve the drift: ``import --adopt`` only where it can write the members
    (a kind with member lists; not a meeting's attendees mapping); ``prune: true`` removes
    them, but for the protected ones (``prune_words``)."""
    targets = list(targets)
    kinds = {t.key.kind: t.kind for t in targets if t.drift}
    by_hand = sorted(
        f"{k.words.plural}' {k.words.members}" for k in kinds.values() if not k.role_lists
    )
    prune = prune_words(targets)
    if not by_hand:
        return RESOLVE_HINT.replace(REMOVES, prune)
    which = " and ".join(by_hand)
    if len(by_hand) == len(kinds):
        return (
            f"Resolve by declaring them, or with `prune: true` {prune}; "
            f"`import --adopt` does not write {which}."
        )
    return (
        f"Resolve with `import --adopt` (into the files; not {which}: declare those by hand) "
        f"or `prune: true` {prune}."
    )


def prune_words(targets: Iterable[TargetPlan]) -> str:
    """What ``prune: true`` does to the drift: removes it, but a protected member
    (``TargetPlan.unmanaged_protected``), which it keeps and lists as protected."""
    drift = kept = 0
    for t in targets:
        guarded = set(t.unmanaged_protected)
        drift += len(t.drift)
        kept += sum(m.ref in guarded for m in t.drift)
    if not kept:
        return REMOVES
    if kept == drift:
        it, they = ("them", "they are") if kept > 1 else ("it", "it is")
        return (
            f"(keeps {it}: settings.yaml protects {it}; {they} then listed as protected, "
            "not as drift)"
        )
    return f"(removes them, but keeps the {kept} that settings.yaml protects)"


def drift_lines(targets: Iterable[TargetPlan]) -> list[str]:
    """``Not in the desired state: 1 administrator in 1 room.`` and how to resolve it."""
    targets = list(targets)
    return [f"{LABEL[:1].upper()}{LABEL[1:]}: {drift_phrase(targets)}.", resolve_hint(targets)]


def drift_first(t: TargetPlan) -> list[LiveMember]:
    """A target's unmanaged members as listed: drift first, elevated drift before the
    rest (the order within each group kept)."""
    drift = set(t.drift)
    return sorted(t.unmanaged, key=lambda m: (m not in drift, not t.kind.is_elevated(m.role)))
