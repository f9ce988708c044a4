"""What the rounds of ``apply --watch`` say of their plans besides changes and errors:
each notice (a meeting found ended) and each expired membership still in Chime (an
``until:`` that passed in a target that does not prune: the access did not end), in the
round whose plan first has it, once. The first round's plan shows its own (its JSON line
carries them too); a later round says only what is new: a warning that became true
during the watch (QA-AB Q-AB-3), one stamped line each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from reconciler.governance.expiry import Expiring
from reconciler.governance.grant import Until
from reconciler.plan import Plan
from reconciler.refs import MemberRef, TargetKey
from reconciler.render.safe import shown

# an expired membership is one access: the same one whatever a reload moves in its file
KeptKey: TypeAlias = tuple[TargetKey, MemberRef, Until]


@dataclass(frozen=True)
class News:
    """What one round's plan has that no earlier round's had."""

    notices: tuple[str, ...] = ()
    expired_kept: tuple[Expiring, ...] = ()

    def lines(self) -> list[str]:
        """The watch's stamped lines for them (a later round's)."""
        return [
            *(f"Note: {notice}" for notice in self.notices),
            *(
                f"Warning: an expired membership is still in Chime: {shown(e.kept_message())}"
                for e in self.expired_kept
            ),
        ]


@dataclass
class Heard:
    """What the watch's rounds have said so far."""

    notices: set[str] = field(default_factory=set)
    kept: set[KeptKey] = field(default_factory=set)

    def news(self, plan: Plan) -> News:
        """What ``plan`` has that was not said before (now said)."""
        notices = tuple(n for n in plan.notices if n not in self.notices)
        kept = tuple(e for e in plan.expired_kept if _key(e) not in self.kept)
        self.notices.update(notices)
        self.kept.update(_key(e) for e in kept)
        return News(notices, kept)


def _key(e: Expiring) -> KeptKey:
    return (e.target, e.member, e.until)
