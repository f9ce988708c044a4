"""Words for drift: members present in Chime that no desired-state file declares
(``TargetPlan.drift``), counted by role the way an operator reads them, per kind:
``1 administrator, 2 members in 2 rooms``."""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.governance.expiry import Expiring
from reconciler.live import LiveMember
from reconciler.plan import TargetPlan
from reconciler.prose import counted, number
from reconciler.refs import MemberRef, TargetKey

LABEL = "not in the desired state"
RESOLVE_HINT = "Resolve with `import --adopt` (into the files) or `prune: true` (removes them)."
REMOVES = "(removes them)"
# drift that is only members whose own entry expired (adopt refuses them), before prune's
EXPIRED_HINT = "Resolve by extending their `until:` (to keep the access) or with `prune: true`"


def drift_phrase(targets: Iterable[TargetPlan]) -> str:
    """``1 administrator, 2 members in 2 rooms`` (``; `` between kinds); elevated members
    first, in the kind's own word for them, where the files declare them in a list of
    their own (``role_lists``); a kind with none (a meeting's mapping of profiles) counts
    them all in its member word, as the plan's last line does (QA-FY Q-FY-3)."""
    by_kind: dict[str, list[TargetPlan]] = {}
    for t in targets:
        if t.drift:
            by_kind.setdefault(t.key.kind, []).append(t)
    phrases = []
    for kind_id in sorted(by_kind):
        group = by_kind[kind_id]
        kind = group[0].kind
        members = [m for t in group for m in t.drift]
        by_role = kind.words.elevated[0] and kind.role_lists
        elevated = sum(kind.is_elevated(m.role) for m in members) if by_role else 0
        others = len(members) - elevated
        parts = []
        if elevated:
            parts.append(counted(elevated, *kind.words.elevated))
        if others:
            parts.append(counted(others, *kind.words.member))
        where = counted(len(group), kind.words.entry_noun, kind.words.entry_plural)
        phrases.append(f"{', '.join(parts)} in {where}")
    return "; ".join(phrases)


def resolve_hint(
    targets: Iterable[TargetPlan],
    expired: Iterable[Expiring] = (),
    unadoptable: Iterable[tuple[TargetKey, MemberRef]] = (),
) -> str:
    """How to resolve the drift: ``import --adopt`` only where it can write the members
    (a kind with member lists; not a meeting's attendees mapping, nor a member whose own
    entry expired, ``expired``: the plan's ``expired_kept``, which adopt refuses as it
    would undo the expiry: QA-CJ Q-CJ-6; nor one a file cannot name alone,
    ``unadoptable``: the plan's, by adopt's own rule, QA-FX Q-FX-5); ``prune: true``
    removes them, but for the protected ones (``prune_words``)."""
    targets = list(targets)
    ended = {(e.target, e.member) for e in expired}
    cannot = set(unadoptable) - ended
    lapsed = sum((t.key, m.ref) in ended for t in targets for m in t.drift)
    unnamed = sum((t.key, m.ref) in cannot for t in targets for m in t.drift)
    refused = ended | cannot
    kinds = {
        t.key.kind: t.kind
        for t in targets
        if any((t.key, m.ref) not in refused for m in t.drift)  # drift adopt may write
    }
    prune = prune_words(targets)
    if not kinds and not unnamed:  # only members whose entry expired: adopt's own hint
        return f"{EXPIRED_HINT} {prune}."
    if not kinds:  # none adopt can write: prune, or Chime itself
        besides = f" (or by extending the `until:` of {_whose(lapsed)})" if lapsed else ""
        them = "it: a file cannot name it" if unnamed == 1 else "them: a file cannot name them"
        return (
            f"Resolve with `prune: true` {prune}{besides}, or in Chime (rename one of two "
            f"bots of a name); `import --adopt` cannot write {them} alone (its warnings say "
            "why)."
        )
    by_hand = sorted(
        f"{k.words.plural}' {k.words.members}" for k in kinds.values() if not k.role_lists
    )
    extend = "; not ".join(x for x in (_extend(lapsed), _unnamed(unnamed)) if x)
    if not by_hand:
        besides = f"; not {extend}" if extend else ""
        return RESOLVE_HINT.replace(REMOVES, prune).replace("files)", f"files{besides})")
    which = " and ".join(by_hand)
    if len(by_hand) == len(kinds):
        besides = f" (extending the `until:` of {_whose(lapsed)})" if lapsed else ""
        return (
            f"Resolve by declaring them{besides}, or with `prune: true` {prune}; "
            f"`import --adopt` does not write {which}."
        )
    besides = f"; nor {extend}" if extend else ""
    return (
        f"Resolve with `import --adopt` (into the files; not {which}: declare those by hand"
        f"{besides}) or `prune: true` {prune}."
    )


def _unnamed(n: int) -> str:
    """``the 1 a file cannot name alone (import --adopt's warnings say why)``; "" for
    none."""
    if not n:
        return ""
    return f"the {number(n)} a file cannot name alone: its warnings say why"


def _extend(n: int) -> str:
    """``the 1 whose entry expired: extend its `until:``` (``""`` for none)."""
    if not n:
        return ""
    return f"{_whose(n)}: extend {'its' if n == 1 else 'their'} `until:`"


def _whose(n: int) -> str:
    """``the 1 whose entry expired``, ``the 2 whose entries expired``."""
    return f"the {number(n)} whose {'entry' if n == 1 else 'entries'} expired"


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
    return f"(removes them, but keeps the {number(kept)} that settings.yaml protects)"


def drift_lines(
    targets: Iterable[TargetPlan],
    expired: Iterable[Expiring] = (),
    unadoptable: Iterable[tuple[TargetKey, MemberRef]] = (),
) -> list[str]:
    """``Not in the desired state: 1 administrator in 1 room.`` and how to resolve it
    (``expired``: the plan's ``expired_kept``, see ``resolve_hint``)."""
    targets = list(targets)
    first = f"{LABEL[:1].upper()}{LABEL[1:]}: {drift_phrase(targets)}."
    return [first, resolve_hint(targets, expired, unadoptable)]


def drift_first(t: TargetPlan) -> list[LiveMember]:
    """A target's unmanaged members as listed: drift first, elevated drift before the
    rest (the order within each group kept)."""
    drift = set(t.drift)
    return sorted(t.unmanaged, key=lambda m: (m not in drift, not t.kind.is_elevated(m.role)))
