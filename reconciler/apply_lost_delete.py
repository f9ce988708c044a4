"""A removal whose answer was lost (or was a 5xx) and whose retry met ``Conflict``: was it
made? The lost attempt may have removed the member, and the retry then met a conflict
about a member no longer there; or it never reached Chime, and the conflict is about the
member still there. One read of the member tells (as a create's ``Conflict`` is settled
by reading: ``reconciler.apply_create``): gone, the delete was made by that attempt (this
apply's own, as a ``NotFound`` after a lost answer is); there, it was not."""

from __future__ import annotations

from reconciler.errors import AwsError
from reconciler.plan import Change, TargetPlan
from reconciler.providers.base import CONFLICT, Writer

CONFLICT_CODES = frozenset({CONFLICT, "ConflictException"})


def delete_made(p: Writer, tp: TargetPlan, c: Change, exc: AwsError) -> bool | None:
    """Whether the delete of ``c`` that failed with ``exc`` was made all the same: True
    when an attempt's answer was lost and its retry met ``Conflict`` and the member, read
    now, is not in the target; False when it is there (not removed); None when it cannot
    be told (another error, no answer lost, or the read failed: removed or not)."""
    if exc.code not in CONFLICT_CODES or not exc.may_have_been_made:
        return None
    try:
        role = p.member_role(tp.key, tp.target_id, c.member_id)
    except AwsError:  # a read refused, or not started (interrupted): the failure stands
        return None
    return role is None
