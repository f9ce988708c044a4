"""Safety rules, evaluated on every plan (octoDNS style: typed numbers in every message).

A plan that breaks a rule is still rendered in full; the CLI then refuses it unless
``--allow-unsafe`` is given. The thresholds come from ``safety:`` in settings.yaml.

- ``max_removals``: removals (deletes plus losses of an elevated role, ``Kind.is_removal``:
  demotions from Administrator for rooms) across the whole plan may not exceed the limit.
- ``max_removal_fraction``: in a target with at least ``FRACTION_MIN_TARGET_SIZE`` live
  members, removals may not exceed this share of its live members.
- a kind's minimum setting (``Kind.minimum_setting``: ``min_administrators`` for rooms): a
  target may not be left with fewer members holding an elevated role than the minimum,
  unless it already had fewer and the plan does not lower the count further.

Per target, ``safety:`` in its spec overrides these limits (as octoDNS allows per zone):
``max_removal_fraction`` and the minimum replace the settings.yaml values for that
target; ``max_removals`` caps that target's own removals, which then do not count
towards the plan-wide ``max_removals``. The targets one entry of the desired state
declares (kinds sharing a section: a channel's memberships and its moderators) share its
``safety:``, and their removals count together against its ``max_removals``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from reconciler import kinds
from reconciler.desired.model import FRACTION_MIN_TARGET_SIZE, Safety
from reconciler.kinds import Kind
from reconciler.plan import RemovalLimit, SafetyViolation, TargetPlan
from reconciler.refs import TargetKey

Overrides = Mapping[TargetKey, tuple[tuple[str, int | float], ...]]
Declared = tuple[str, str, str]  # one entry of the desired state: section, scope, name

RULE_MAX_REMOVALS = "max_removals"
RULE_MAX_REMOVAL_FRACTION = "max_removal_fraction"


def check(
    targets: Iterable[TargetPlan], safety: Safety, overrides: Overrides | None = None
) -> tuple[SafetyViolation, ...]:
    """Every rule the planned ``targets`` break, plan-wide rules first, then per target in
    the order given. Each target's elevated members before the plan come from
    ``TargetPlan.live_elevated``; ``overrides``: targets' own limits (their ``safety:``)."""
    targets = tuple(targets)
    overrides = overrides or {}
    violations: list[SafetyViolation] = []

    def own(t: TargetPlan) -> dict[str, int | float]:
        return dict(overrides.get(t.key, ()))

    capped: dict[Declared, list[TargetPlan]] = {}  # the targets of each own max_removals
    for t in targets:
        if RULE_MAX_REMOVALS in own(t):
            capped.setdefault(declared(t), []).append(t)
    limit = removal_limit(safety, overrides)
    violations.extend(over_removal_limit(targets, limit))
    label = _labels(targets)

    for t in targets:
        limits = own(t)
        target_safety = replace(safety, **limits) if limits else safety  # type: ignore[arg-type]
        n = removal_count(t)
        group = capped.get(declared(t), [])
        together = sum(removal_count(g) for g in group)
        if group and group[0] is t and together > target_safety.max_removals:
            violations.append(
                SafetyViolation(
                    RULE_MAX_REMOVALS,
                    t.key,
                    f"[{label(t)}] Too many removals: {together}{_paren(_demotions(group))} is "
                    f"over this {t.kind.words.entry_noun}'s limit of "
                    f"{target_safety.max_removals} "
                    f"({t.kind.section}.{t.key.name}.safety.{RULE_MAX_REMOVALS})",
                )
            )
        setting = _where(t, RULE_MAX_REMOVAL_FRACTION, limits)
        fraction = n / t.live_count if t.live_count else 0.0
        if (
            t.live_count >= FRACTION_MIN_TARGET_SIZE
            and fraction > target_safety.max_removal_fraction
        ):
            violations.append(
                SafetyViolation(
                    RULE_MAX_REMOVAL_FRACTION,
                    t.key,
                    # the kind named, as the plan's header names it: the settings-wide
                    # fraction's words do not, and a room and a channel may share a name
                    # (QA-HF Q-HF-2)
                    f"[{t.kind.words.noun} {label(t)}] Too many removals: {fraction:.2%} is over "
                    f"{target_safety.max_removal_fraction:.2%} ({n}/{t.live_count}"
                    f"{_comma(_demotions([t]))}) "
                    f"({setting})",
                )
            )
        kind = t.kind
        minimum = target_safety.minimum(kind.minimum_setting)
        if minimum is None:
            continue
        before = t.live_elevated or 0
        after = elevated_after(t, before)
        if after < minimum and after < before:
            violations.append(
                SafetyViolation(
                    str(kind.minimum_setting),
                    t.key,
                    f"[{label(t)}] Would leave {after} {_elevated(kind, after)} (now {before}), "
                    f"fewer than the minimum of {minimum} "
                    f"({_where(t, str(kind.minimum_setting), limits)})",
                )
            )
    return tuple(violations)


def _labels(targets: tuple[TargetPlan, ...]) -> Callable[[TargetPlan], str]:
    """A rule's ``[NAME]``: the target's name, and its scope where targets of its section
    in several scopes share the name (two rooms ``web-releases`` of two accounts), so
    that the rule of one is not read as the other's (QA-HJ Q-HJ-3)."""
    scopes: dict[tuple[str, str], set[str]] = {}
    for t in targets:
        scopes.setdefault((t.kind.section, t.key.name), set()).add(t.key.scope)

    def label(t: TargetPlan) -> str:
        if len(scopes[(t.kind.section, t.key.name)]) < 2:
            return str(t.key)
        return f"{t.key} in {t.kind.words.scope} {t.key.scope}"

    return label


def refusing(
    violations: Iterable[SafetyViolation], key: TargetKey, capped: bool = False
) -> tuple[SafetyViolation, ...]:
    """The rules of ``violations`` that refuse a plan changing the target ``key``: the
    plan-wide ones, and those of its own entry of the desired state (a channel's
    memberships and its moderators share one: ``declared``). What explain and audit say
    of a change the plan makes there (QA-CJ Q-CJ-2). ``capped``: ``key`` has its own
    ``max_removals``, so its removals are not in the plan-wide count, whose rule is then
    the other targets' (``refused_elsewhere``: QA-HJ Q-HJ-7)."""
    mine = _entry(key)
    return tuple(
        v
        for v in violations
        if (v.target is None and not (capped and v.rule == RULE_MAX_REMOVALS))
        or (v.target is not None and _entry(v.target) == mine)
    )


def refused_elsewhere(
    violations: Iterable[SafetyViolation], key: TargetKey, capped: bool = False
) -> tuple[SafetyViolation, ...]:
    """The rules of ``violations`` that ``refusing`` leaves out for ``key``: another
    entry's own (its ``safety:``, its minimum, settings.yaml's fraction broken there), and
    with ``capped`` the plan-wide ``max_removals``, which counts only the other targets'
    removals. They refuse the whole plan all the same, so apply changes nothing in ``key``
    either; planned alone (``--target``) it is not refused by them (QA-HF Q-HF-3)."""
    kept = set(refusing(violations, key, capped))
    return tuple(v for v in violations if v not in kept)


def capped(overrides: Overrides, key: TargetKey) -> bool:
    """Whether ``key`` has its own ``max_removals`` (its ``safety:``): its removals leave
    the plan-wide count."""
    return RULE_MAX_REMOVALS in dict(overrides.get(key, ()))


def _entry(key: TargetKey) -> Declared:
    return (kinds.get(key.kind).section, key.scope, key.name)


def removal_limit(safety: Safety, overrides: Overrides) -> RemovalLimit:
    """The plan-wide ``max_removals`` and the targets with their own (not counted)."""
    own = frozenset(k for k, limits in overrides.items() if RULE_MAX_REMOVALS in dict(limits))
    return RemovalLimit(safety.max_removals, own)


def over_removal_limit(
    targets: Iterable[TargetPlan], limit: RemovalLimit
) -> tuple[SafetyViolation, ...]:
    """The plan-wide ``max_removals`` rule over ``targets`` (those ``limit.capped`` left
    out): a plan's, or the shards' plans merged (``reconciler.plan_merge``)."""
    pooled = [t for t in targets if t.key not in limit.capped]
    removals = sum(removal_count(t) for t in pooled)
    if removals <= limit.max_removals:
        return ()
    return (
        SafetyViolation(
            RULE_MAX_REMOVALS,
            None,
            f"Too many removals: {removals}{_paren(_demotions(pooled))} is over the "
            f"limit of {limit.max_removals} (safety.{RULE_MAX_REMOVALS})",
        ),
    )


def declared(target: TargetPlan) -> Declared:
    """The entry of the desired state that declared ``target``: targets of kinds sharing a
    section (a channel's memberships and its moderators), scope and name share one."""
    return (target.kind.section, target.key.scope, target.key.name)


def removal_count(target: TargetPlan) -> int:
    """Deletes plus losses of an elevated role."""
    return sum(c.is_removal for c in target.changes)


def demotion_count(target: TargetPlan) -> int:
    """Losses of an elevated role: removals that are not deletes."""
    return sum(c.is_demotion for c in target.changes)


def _demotions(targets: Iterable[TargetPlan]) -> str:
    """``2 of them demotions from Administrator``: why a count of removals can be higher
    than the plan's "to remove"."""
    targets = list(targets)
    demotions = sum(demotion_count(t) for t in targets)
    if not demotions:
        return ""
    what = "a demotion" if demotions == 1 else "demotions"
    words = [t.kind.words.demotion for t in targets if demotion_count(t)]
    phrase = " or ".join(w for w in dict.fromkeys(words) if w)
    return f"{demotions} of them {what}{' ' + phrase if phrase else ''}"


def _where(t: TargetPlan, setting: str, limits: Mapping[str, int | float]) -> str:
    """The setting a message names: ``safety.X``, or ``rooms.NAME.safety.X`` when the
    target sets its own."""
    if setting in limits:
        return f"{t.kind.section}.{t.key.name}.safety.{setting}"
    return f"safety.{setting}"


def _paren(text: str) -> str:
    return f" ({text})" if text else ""


def _comma(text: str) -> str:
    return f", {text}" if text else ""


def elevated_after(target: TargetPlan, before: int) -> int:
    """Members with an elevated role in the target once its changes are applied (a
    create's role before and a removal's role after are None: not elevated)."""
    kind = target.kind
    after = before
    for c in target.changes:
        after += int(kind.is_elevated(c.role_after)) - int(kind.is_elevated(c.role_before))
    return after


def _elevated(kind: Kind, n: int) -> str:
    one, many = kind.words.elevated
    return one if n == 1 else many
