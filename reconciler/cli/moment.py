"""The moment `until:` is evaluated at (``--now WHEN`` or ``CHIME_RECONCILER_NOW``, else
the clock), and where ``apply`` allows another one than the clock: nowhere.

- ``--now`` given on the command line is checked at once (a usage error, as ever);
- ``CHIME_RECONCILER_NOW`` is checked only by a command that evaluates ``until:``
  (``validate``, ``plan``, ``apply``, ``explain``, ``audit``, ...), and its error names the
  variable: a stale one in a shell or a CI job does not break ``schema``, ``emulator``,
  ``show`` or ``merge-plans`` (QA3 Q13);
- ``apply`` refuses either (``refuse_for_apply``): a moment in the future would end access
  before its ``until:``, one in the past would give back access that has ended (QA3 Q23).
  ``plan --now`` previews; ``apply`` applies what the clock calls for. ``demo``, which
  runs ``apply --auto-approve``, refuses either too, before its emulator starts (Q-EH-1).
"""

from __future__ import annotations

import datetime as dt

from reconciler.errors import UsageError
from reconciler.governance.grant import moment_text, parse_moment

NOW_ENV = "CHIME_RECONCILER_NOW"


def from_environment(text: str) -> dt.datetime:
    """``CHIME_RECONCILER_NOW``'s moment; a value that is none names the variable."""
    try:
        return parse_moment(text)
    except ValueError as exc:
        raise UsageError(f"{NOW_ENV}={text}: {exc}") from None


def refuse_for_apply(
    moment: dt.datetime, from_env: bool, clock: dt.datetime, *, demo: bool = False
) -> UsageError:
    """Why ``apply`` does not evaluate ``until:`` at ``moment`` (given as --now, or in the
    environment when ``from_env``) rather than at ``clock``; ``demo``: why ``demo``, which
    applies as ``apply --auto-approve`` does, does not start."""
    shown = moment_text(moment)
    clock = clock.replace(microsecond=0)
    given = f"{NOW_ENV}={shown}" if from_env else f"--now {shown}"
    if moment > clock:
        harm = "in the future: applied now, it would end access before its `until:`"
    else:
        harm = "in the past: it would give back access whose `until:` has passed"
    undo = f"unset {NOW_ENV}" if from_env else "leave --now out"
    if demo:
        return UsageError(
            f"demo applies as `apply --auto-approve` does, which evaluates `until:` at the "
            f"current time ({moment_text(clock)}), not at {given}: that moment is {harm}; "
            f"the demo did not start. To run it, {undo}"
        )
    return UsageError(
        f"apply evaluates `until:` at the current time ({moment_text(clock)}), not at "
        f"{given}: that moment is {harm}; nothing was applied. Preview it with "
        f"`plan --now {shown}`; to apply, {undo}"
    )
