"""The note of a change that only a rule other targets break refuses: settings.yaml's
``max_removal_fraction`` broken in another target is not "another target's rule" (QA-HJ
Q-HJ-9)."""

from __future__ import annotations

from reconciler.plan import SafetyViolation
from reconciler.refs import TargetKey
from reconciler.refused_elsewhere import elsewhere_note

ROOM = TargetKey("room", "11111111-2222-3333-4444-555555555555", "big")
MEETING = TargetKey("meeting", "meetings", "big")


def test_settings_fraction_broken_in_another_target_is_not_called_its_rule() -> None:
    rule = (
        "[room big] Too many removals: 50.00% is over 25.00% (6/12) (safety.max_removal_fraction)"
    )
    note = elsewhere_note([SafetyViolation("max_removal_fraction", ROOM, rule)], MEETING, "x")
    assert note.startswith(f"but the plan is refused by a rule other targets break: {rule} (")
    assert "another target's rule" not in note
