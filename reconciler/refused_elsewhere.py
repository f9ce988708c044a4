"""What explain and audit add to a change whose target's own rules and the plan-wide ones
let it be, where a rule other targets break (their ``safety:``, settings.yaml's fraction or
minimum broken there; the plan-wide ``max_removals`` for a target outside its count)
refuses the plan (``safety.refused_elsewhere``), in those words, not "another target's
rule", which settings.yaml's rules are not (QA-HJ Q-HJ-9): apply refuses a plan as a
whole, so it changes nothing there either; that target planned alone (``--target``, by a
value that selects it and no other target: ``target_select.alone_form``) is not refused by
that rule (QA-HF Q-HF-3)."""

from __future__ import annotations

from collections.abc import Iterable

from reconciler import kinds
from reconciler.plan import SafetyViolation
from reconciler.refs import TargetKey
from reconciler.shell_word import typed


def elsewhere_note(rules: Iterable[SafetyViolation], key: TargetKey, form: str | None) -> str:
    """``but the plan is refused by a rule other targets break: RULES (...)``, after a note of
    the change in ``key``; "" when ``rules`` is empty. ``form``: the ``--target`` value
    that selects ``key``'s target alone (``target_select.alone_form``); None where none
    does (another of its kind has its name): no value is offered (QA-HJ Q-HJ-3)."""
    said = "; ".join(v.message for v in rules)
    if not said:
        return ""
    noun = kinds.get(key.kind).words.entry_noun
    alone = (
        f"--target {typed(form)} applies this {noun} alone"
        if form is not None
        else f"no --target selects this {noun} alone: another {noun} has its name"
    )
    return (
        f"but the plan is refused by a rule other targets break: {said} (apply changes nothing "
        f"without --allow-unsafe; {alone})"
    )
