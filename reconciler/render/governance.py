"""The governance parts of a rendered plan, shared by the text and Markdown renderers:
an entry's until / reason / ticket beside its provenance, why a change comes from an
expiry, and the memberships that end soon."""

from __future__ import annotations

from reconciler.governance.expiry import ended_by, ended_words
from reconciler.governance.grant import Grant
from reconciler.plan import Change, Plan
from reconciler.prose import counted
from reconciler.refs import Provenance
from reconciler.render.twin_bots import plan_twins, with_id


def grant_text(p: Provenance) -> str:
    """``, until 2027-03-31, reason: on call, ticket OPS-1`` after a path's description
    ("" without any); an expired path's until is said before it (``expired_prefix``)."""
    if p.grant is None:
        return ""
    grant = Grant(None, p.grant.reason, p.grant.ticket) if p.expired else p.grant
    text = grant.describe()
    return f", {text}" if text else ""


def expired_prefix(p: Provenance) -> str:
    """``expired 2027-03-31, `` before an expired path's description ("" otherwise)."""
    if p.expired and p.grant is not None and p.grant.until is not None:
        return f"expired {p.grant.until}, "
    return ""


def has_grant(p: Provenance) -> bool:
    return p.expired or (p.grant is not None and not p.grant.empty)


def expired_note(c: Change) -> str:
    """Why a removal or a demotion happens when an entry expired: ``expired 2027-03-31,
    declared at FILE:LINE`` (where that ``until`` is written), or "" when no path ended
    (``governance.expiry.ended_by``)."""
    ended = ended_by(c)
    if ended is None:
        return ""
    what, where = ended_words(*ended)
    return f"{what}, declared at {where}"


def kept_lines(plan: Plan) -> list[str]:
    """``1 expired membership is still in Chime:`` then one line each; [] when none."""
    if not plan.expired_kept:
        return []
    n = len(plan.expired_kept)
    head = f"{counted(n, 'expired membership')} {'is' if n == 1 else 'are'} still in Chime:"
    twins = plan_twins(plan)  # two bots of one name: each with its id (QA-GT Q-GT-6)
    return [
        head,
        *(
            e.kept_message(with_id(e.member, e.member_id) if (e.target, e.member) in twins else "")
            for e in plan.expired_kept
        ),
    ]


def expiring_lines(plan: Plan) -> list[str]:
    """``2 memberships end within 14 days:`` then one line each; [] when none do."""
    if not plan.expiring:
        return []
    n = len(plan.expiring)
    verb = "ends" if n == 1 else "end"
    head = f"{counted(n, 'membership')} {verb} {window_words(plan.expiry_warning_days)}:"
    return [head, *(e.message() for e in plan.expiring)]


def window_words(days: int) -> str:
    """``within 14 days``, ``within 1 day``; ``today`` for 0 (``expiry_warning_days: 0``
    warns only of the entries that end today: QA-FZ Q-FZ-3)."""
    return f"within {counted(days, 'day')}" if days > 0 else "today"
