"""What ``apply`` says on stderr of a plan that stops it (errors, a safety refusal) or that
--allow-unsafe overrode, before its closing line: with --quiet (the plan not shown), and
(QA-GK Q-GK-2) when the text plan went to a stdout nobody sees (``apply > apply.log``:
``stdout_seen``), as ``plan`` does, so that the closing ``Nothing was applied: ...
(above)`` has its reasons above it on the terminal."""

from __future__ import annotations

from reconciler.cli.stdout_seen import stdout_seen
from reconciler.plan import Plan
from reconciler.render.text import quiet_lines


def stops(plan: Plan, *, allow_unsafe: bool) -> bool:
    """Nothing of ``plan`` is applied: it has errors, or the safety rules refuse it."""
    return bool(plan.errors) or (bool(plan.violations) and not allow_unsafe)


def stderr_lines(plan: Plan, *, allow_unsafe: bool, shown: bool, on_stdout: bool) -> list[str]:
    """The lines for stderr: ``quiet_lines`` when the plan was not ``shown``, or was shown
    ``on_stdout`` where it is not seen and stops apply; else none (said once)."""
    unseen = shown and on_stdout and stops(plan, allow_unsafe=allow_unsafe)
    if not shown or (unseen and not stdout_seen()):
        return quiet_lines(plan, allow_unsafe=allow_unsafe)
    return []
