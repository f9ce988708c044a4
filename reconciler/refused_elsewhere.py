"""What explain and audit add to a change whose target's own rules and the plan-wide ones
let it be, where another target's own rule (its ``safety:``, its minimum) refuses the plan
(``safety.refused_elsewhere``): apply refuses a plan as a whole, so it changes nothing
there either; that target planned alone (``--target``, kind-qualified so that it selects
no other kind's target of its name) is not refused by that rule (QA-HF Q-HF-3)."""

from __future__ import annotations

from collections.abc import Iterable

from reconciler import kinds
from reconciler.plan import SafetyViolation
from reconciler.refs import TargetKey
from reconciler.shell_word import typed
from reconciler.target_select import qualified


def elsewhere_note(rules: Iterable[SafetyViolation], key: TargetKey) -> str:
    """``but the plan is refused by another target's rule: RULES (...)``, after a note of
    the change in ``key``; "" when ``rules`` is empty."""
    said = "; ".join(v.message for v in rules)
    if not said:
        return ""
    noun = kinds.get(key.kind).words.entry_noun
    return (
        f"but the plan is refused by another target's rule: {said} (apply changes nothing "
        f"without --allow-unsafe; --target {typed(qualified(key))} applies this {noun} alone)"
    )
