"""audit's words for a member that no file declares any more in a target because every
entry of it there has ended (``DesiredTarget.expired``, ``governance.expiry.as_of``): the
NOTE says the entry expired, when, where its ``until:`` is written, with its reason and
ticket, as plan's removal (``expired 2027-03-01, declared at FILE:LINE``) and explain say
it; not ``not declared``, which reads as a member added by hand (QA-FN Q-FN-3). The same
for every kind, pruned or not: what the plan then does follows (``plan removes it
(prune)``, ``kept (prune off)``). Where the plan removes or demotes the member, the words
are its change's (``change_words``): a demotion whose elevated entry ended while another
path keeps the member (QA-FZ Q-FZ-1), a ``protected:`` group entry that ended (``protection
expired ...``, QA-FZ Q-FZ-4)."""

from __future__ import annotations

from reconciler.desired.model import DesiredTarget
from reconciler.governance.expiry import ended_by, ended_words, until_of
from reconciler.governance.grant import Grant, Until
from reconciler.plan import Change
from reconciler.refs import MemberRef, Provenance

NOT_DECLARED = "not declared: "


def undeclared(why: str) -> str:
    """``not declared: WHY``: audit's NOTE for a live member the target does not declare,
    in the one form ``with_expiry`` knows to replace."""
    return f"{NOT_DECLARED}{why}"


def with_expiry(note: str, dt: DesiredTarget, member: MemberRef) -> str:
    """``note`` (the planner's answer for a member ``dt`` does not declare) with
    ``not declared`` replaced by why: its entry expired (``expired_words``); as it is when
    no entry of the member there has ended."""
    said = expired_words(dt, member) if note.startswith(NOT_DECLARED) else None
    return note if said is None else f"{said}: {note.removeprefix(NOT_DECLARED)}"


def expired_words(dt: DesiredTarget, member: MemberRef) -> str | None:
    """``expired 2027-03-01 (declared at FILE:LINE, reason: audit, ticket OPS-1)``: the
    last of the member's ended paths in ``dt`` (the one that ended its access, as plan's
    removal names it), or None when ``dt`` declared it by no path that ended."""
    gone = next((m for m in dt.expired if m.ref == member), None)
    ended = [(until, p) for p in (gone.expired if gone else ()) if (until := until_of(p))]
    if not ended:
        return None
    return _words(*max(ended, key=lambda e: e[0].instant))


def change_words(c: Change) -> str | None:
    """``expired 2027-01-15 (declared at FILE:LINE, reason: rotation)``, or ``protection
    expired ...``: the path whose end makes the plan's change ``c`` (a removal, a
    demotion), as plan's change names it (``governance.expiry.ended_by``); None when no
    path of it ended."""
    ended = ended_by(c)
    return _words(*ended) if ended is not None else None


def _words(until: Until, last: Provenance) -> str:
    what, at = ended_words(until, last)
    grant = last.grant or Grant()
    details = Grant(None, grant.reason, grant.ticket).describe()
    where = f"declared at {at}" + (f", {details}" if details else "")
    return f"{what} ({where})"
