"""The drift hint says what `prune: true` would do (QA round two, D16): it removes the
members no file declares, but keeps a protected one (settings.yaml `protected:`), which a
pruned target lists as protected instead. A protected member in a target without prune is
still drift (test_protected_member_with_prune_off_is_only_unmanaged); only the words about
prune change, and only where one is protected."""

from __future__ import annotations

from dataclasses import replace

from render_samples import GLASS, OPS, room, user

from reconciler.live import LiveMember
from reconciler.plan import Plan, TargetPlan
from reconciler.refs import MemberKind, Role
from reconciler.render.drift import drift_lines
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text

ERIN = LiveMember(user("erin@example.com"), "u-erin", MemberKind.USER, Role.MEMBER)
ADOPT = "Resolve with `import --adopt` (into the files) or `prune: true`"


def drifting(*members: LiveMember, protected: tuple[LiveMember, ...] = ()) -> TargetPlan:
    return replace(
        OPS,
        unmanaged=members,
        unmanaged_protected=tuple(sorted(m.ref for m in protected)),
    )


def test_drift_of_unprotected_members_keeps_its_hint() -> None:
    assert drift_lines([drifting(ERIN)]) == [
        "Not in the desired state: 1 member in 1 room.",
        f"{ADOPT} (removes them).",
    ]


def test_a_protected_member_is_not_said_to_be_removed_by_prune() -> None:
    assert drift_lines([drifting(GLASS, protected=(GLASS,))]) == [
        "Not in the desired state: 1 administrator in 1 room.",
        f"{ADOPT} (keeps it: settings.yaml protects it; it is then listed as protected, "
        "not as drift).",
    ]
    two = replace(GLASS, ref=user("glass2@example.com"), member_id="u-glass2")
    other = replace(drifting(two, protected=(two,)), key=room("quiet"))
    assert drift_lines([drifting(GLASS, protected=(GLASS,)), other])[1] == (
        f"{ADOPT} (keeps them: settings.yaml protects them; they are then listed as "
        "protected, not as drift)."
    )


def test_protected_and_other_drift_together_counts_the_protected() -> None:
    target = drifting(GLASS, ERIN, protected=(GLASS,))
    assert drift_lines([target])[1] == (
        f"{ADOPT} (removes them, but keeps the 1 that settings.yaml protects)."
    )
    plan = Plan((target,))
    assert f"{ADOPT} (removes them, but keeps the 1 that settings.yaml protects)." in (
        render_text(plan).splitlines()
    )
    assert (
        f"> {ADOPT} (removes them, but keeps the 1 that settings.yaml protects).\n"
        in render_markdown(plan)
    )
