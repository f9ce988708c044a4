"""How a plan the safety rules refuse is said, in every line that says it (plan, apply,
saved plans, a watch's round: QA-LE Q-LE-5, one verb): ``is refused by 2 safety rules``
(``refused_by``), then what overrides them, in one wording too (``override``: ``apply
applies it only with --allow-unsafe``, or ``proceeding anyway, as --allow-unsafe was
given``; Q-RR-8: it was said six ways); and where the limits it breaks come from, for the
line under the refusals: settings.yaml's ``safety:``, targets' own ``safety:`` in their
files, or both. Derived from the violations (each names its setting:
``safety.max_removals`` or ``rooms.all-hands.safety.max_removals``), so the line never
blames the wrong file."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from reconciler.plan import SafetyViolation
from reconciler.prose import counted, listed_first

SETTINGS = "settings.yaml `safety:`"
MAX_NAMED = 3  # owners named before "and N more"


def refused_by(count: int) -> str:
    """``is refused by 1 safety rule``, ``is refused by 2 safety rules``: the refusals of
    a plan (``count`` of its violations), after its subject ("the plan", "it")."""
    return f"is refused by {counted(count, 'safety rule')}"


ALLOW_UNSAFE = "--allow-unsafe"


def override(
    *, allowed: bool = False, stopped: bool = False, code: Callable[[str], str] = str
) -> str:
    """What follows ``refused_by`` (after a colon or a semicolon): ``apply applies it only
    with --allow-unsafe``; ``allowed`` (the option given): ``proceeding anyway, as
    --allow-unsafe was given``; ``allowed`` and ``stopped`` (the plan has errors, so
    nothing proceeds; QA-HB Q-HB-6): ``overridden by --allow-unsafe, but the errors above
    stop it all the same``. ``code`` formats the option (Markdown: in backticks)."""
    option = code(ALLOW_UNSAFE)
    if allowed and stopped:
        return f"overridden by {option}, but the errors above stop it all the same"
    return (
        f"proceeding anyway, as {option} was given"
        if allowed
        else f"apply applies it only with {option}"
    )


def limits_source(violations: Iterable[SafetyViolation], name: Callable[[str], str] = str) -> str:
    """``settings.yaml `safety:```, ``the `safety:` of rooms.all-hands in its file``, or
    both joined by "and"; ``name`` formats a target's name (Markdown escapes it)."""
    violations = tuple(violations)
    owners = list(dict.fromkeys(o for v in violations if (o := v.owner) is not None))
    parts = [SETTINGS] if any(v.owner is None for v in violations) else []
    if owners:
        named = listed_first([name(o) for o in owners[:MAX_NAMED]], MAX_NAMED, len(owners))
        files = "its file" if len(owners) == 1 else "their files"
        parts.append(f"the `safety:` of {named} in {files}")
    return " and ".join(parts)
