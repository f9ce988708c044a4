"""The closing lines of an apply: plain text, identical with or without colour."""

from __future__ import annotations

from reconciler.applier import ApplyResult, ChangeResult


def failure_line(r: ChangeResult) -> str:
    """``  ! bob@example.com in incident-response: NotFound: Member not found``."""
    detail = f"{r.error_code}: {r.error_message}" if r.error_message else f"{r.error_code}"
    return f"  ! {r.change.member} in {r.change.target}: {detail}"


def render_apply(result: ApplyResult) -> list[str]:
    """``Apply complete! ...`` or one line per failed change, then ``Apply incomplete``."""
    if result.ok:
        return [
            f"Apply complete! Memberships: {result.added} added, {result.changed} changed, "
            f"{result.removed} removed."
        ]
    failed = result.failed
    return [
        *(failure_line(r) for r in failed),
        f"Apply incomplete: {len(failed)} of {result.total} changes failed.",
    ]
