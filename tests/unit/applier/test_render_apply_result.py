"""The closing lines of an apply, compared line by line."""

from __future__ import annotations

from reconciler.apply_result import ApplyResult, ChangeResult, Unverified
from reconciler.plan import Action, Change
from reconciler.refs import MemberRef, Role, TargetKey, TargetKind
from reconciler.render.apply import (
    NOT_VERIFIED,
    Checked,
    Timings,
    apply_to_data,
    interrupted_summary,
    render_apply,
    render_interrupted,
    unverified_line,
)

ROOM = TargetKey(TargetKind.ROOM, "acct", "incident-response")


def change(action: Action, ref: MemberRef, before: Role | None, after: Role | None) -> Change:
    return Change(action, ROOM, ref, "id-" + ref.key, ref.kind, before, after)


ADD = change(Action.CREATE, MemberRef.user("bob@example.com"), None, Role.MEMBER)
PROMOTE = change(Action.UPDATE, MemberRef.bot("PagerBot"), Role.MEMBER, Role.ADMINISTRATOR)
REMOVE = change(Action.DELETE, MemberRef.user("Carol@Example.com"), Role.MEMBER, None)


def test_success_closes_with_counts() -> None:
    result = ApplyResult((ChangeResult(ADD), ChangeResult(PROMOTE), ChangeResult(REMOVE)))
    assert render_apply(result, twins=frozenset()) == [
        "Apply complete! Memberships: 1 added, 1 changed, 1 removed."
    ]


def test_nothing_to_do_is_a_complete_apply() -> None:
    assert render_apply(ApplyResult(()), twins=frozenset()) == [
        "Apply complete! Memberships: 0 added, 0 changed, 0 removed."
    ]


def test_every_write_done_but_not_verified_is_not_complete() -> None:
    # QA-AH Q-AH-3: it said "Apply complete!" while the JSON result of the same run said
    # ``complete: false`` and apply exited 1; the counts stay as they were
    result = ApplyResult((ChangeResult(ADD), ChangeResult(PROMOTE), ChangeResult(REMOVE)))
    assert render_apply(result, NOT_VERIFIED, twins=frozenset()) == [
        "Apply incomplete: applied, not verified. Memberships: 1 added, 1 changed, 1 removed."
    ]
    missing = (Unverified(ADD), Unverified(REMOVE, Role.MEMBER))
    assert render_apply(result, Checked.of(missing), twins=frozenset()) == [
        "Apply incomplete: 2 applied changes not found when verified. Memberships: 1 added, "
        "1 changed, 1 removed."
    ]
    assert render_apply(result, Checked.of(missing[:1]), twins=frozenset())[0].startswith(
        "Apply incomplete: 1 applied change not found when verified. "
    )


def test_the_closing_line_says_complete_exactly_when_the_json_result_does() -> None:
    result = ApplyResult((ChangeResult(ADD), ChangeResult(REMOVE)))
    unread = OSError("unreachable")
    cases: list[tuple[Checked, tuple[Unverified, ...] | None, Exception | None]] = [
        (Checked.of(()), (), None),
        (Checked.of(None), None, None),
        (Checked.of((Unverified(ADD),)), (Unverified(ADD),), None),
        (NOT_VERIFIED, None, unread),
    ]
    for checked, verified, verify_error in cases:
        data = apply_to_data(
            result, verified=verified, timings=Timings(), verify_error=verify_error
        )
        said = render_apply(result, checked, twins=frozenset())[-1].startswith("Apply complete!")
        assert said is data["complete"], (checked, data["complete"])


def test_failures_are_listed_with_code_and_message_then_counted() -> None:
    result = ApplyResult(
        (
            ChangeResult(ADD, "NotFound", "Member id-bob@example.com not found."),
            ChangeResult(PROMOTE, "Throttled", "Rate exceeded. (gave up after 10 attempts)"),
            ChangeResult(REMOVE),
        )
    )
    assert render_apply(result, twins=frozenset()) == [
        "Applied:",
        "  ok - Carol@Example.com (Member) in incident-response",
        "Failed:",
        "  ! + bob@example.com (Member) in incident-response: NotFound: Member "
        "id-bob@example.com not found.",
        "  ! ~ bot:PagerBot: Member -> Administrator (replace: bots cannot be updated in place) "
        "in incident-response: Throttled: Rate exceeded. (gave up after 10 attempts)",
        "Apply incomplete: 2 of 3 changes failed (1 applied: 0 added, 0 changed, 1 removed).",
    ]
    assert (result.added, result.changed, result.removed, result.ok) == (0, 0, 1, False)
    assert result.touched == (ROOM,)


def test_a_change_not_attempted_is_listed_and_counted_apart_from_the_failures() -> None:
    """As the JSON result counts them: 1 failed, 1 skipped (not "2 of 2 failed")."""
    result = ApplyResult(
        (
            ChangeResult(PROMOTE, "Throttled", "Rate exceeded."),
            ChangeResult(REMOVE, "Skipped", "not attempted: adding an administrator failed first"),
        )
    )
    assert render_apply(result, twins=frozenset()) == [
        "Failed:",
        "  ! ~ bot:PagerBot: Member -> Administrator (replace: bots cannot be updated in place) "
        "in incident-response: Throttled: Rate exceeded.",
        "Not attempted:",
        "  - Carol@Example.com (Member) in incident-response: not attempted: adding an "
        "administrator failed first",
        "Apply incomplete: 1 of 2 changes failed, 1 not attempted "
        "(0 applied: 0 added, 0 changed, 0 removed).",
    ]


def test_a_change_not_attempted_is_marked_as_the_plan_marks_it() -> None:
    """QA-D Q-D-5: a demotion not attempted is ``~`` (it read as a removal with ``-``)."""
    demote = change(
        Action.UPDATE, MemberRef.user("amy@example.com"), Role.ADMINISTRATOR, Role.MEMBER
    )
    result = ApplyResult(
        (
            ChangeResult(PROMOTE, "Throttled", "Rate exceeded."),
            ChangeResult(demote, "Skipped", "not attempted: adding an administrator failed first"),
        )
    )
    assert render_apply(result, twins=frozenset())[3] == (
        "  ~ amy@example.com: Administrator -> Member in incident-response: not attempted: "
        "adding an administrator failed first"
    )


def test_outcomes_and_the_json_result() -> None:
    result = ApplyResult(
        (
            ChangeResult(ADD, already=True),
            ChangeResult(PROMOTE, "Skipped", "not attempted"),
            ChangeResult(REMOVE, "NotFound", "gone?"),
        )
    )
    assert [r.outcome for r in result.results] == ["already", "skipped", "failed"]
    data = apply_to_data(result, verified=None, timings=Timings(0.5, 1.25, 0.25))
    assert data["timings"] == {"plan_s": 0.5, "apply_s": 1.25, "verify_s": 0.25, "total_s": 2.0}
    assert data["summary"] == {
        "changes": 3,
        "ok": 0,
        "already": 1,
        "failed": 1,
        "skipped": 1,
        "added": 0,  # (issue 14) already present is not added
        "changed": 0,
        "removed": 0,
    }
    assert (data["complete"], data["verified"]) == (False, None)
    assert data["changes"][1]["error"] == {"code": "Skipped", "message": "not attempted"}
    assert data["changes"][0]["role_after"] == "Member"


def test_a_failed_replace_after_its_delete_says_the_member_is_absent_now() -> None:
    """QA3 Q3: a bot whose role changes by delete and create, deleted and not created
    again, is out of the room until apply runs again: the failure line, the JSON and the
    interrupted lists say so."""
    failed = ChangeResult(PROMOTE, "ServiceFailure", "The service failed.", left_absent=True)
    result = ApplyResult((failed, ChangeResult(REMOVE)))
    assert render_apply(result, twins=frozenset())[3] == (
        "  ! ~ bot:PagerBot: Member -> Administrator (replace: bots cannot be updated in place) "
        "in incident-response: removed as Member, not added back as Administrator "
        "(absent now: apply again adds it): ServiceFailure: The service failed."
    )
    data = apply_to_data(result, verified=(), timings=Timings())
    assert [(c["outcome"], c["left_absent"]) for c in data["changes"]] == [
        ("failed", True),
        ("ok", False),
    ]
    stopped = ChangeResult(PROMOTE, "Interrupted", "", left_absent=True)
    assert render_interrupted(ApplyResult((stopped,)), twins=frozenset())[1:] == [
        "  ~ bot:PagerBot: Member -> Administrator (replace: bots cannot be updated in place) "
        "in incident-response (removed, not added back: absent now)"
    ]
    plain = ChangeResult(PROMOTE, "ServiceFailure", "The service failed.")
    assert render_apply(ApplyResult((plain,)), twins=frozenset())[1] == (
        "  ! ~ bot:PagerBot: Member -> Administrator (replace: bots cannot be updated in place) "
        "in incident-response: ServiceFailure: The service failed."
    )


def test_a_change_verification_did_not_find_is_named_with_what_was_found() -> None:
    """QA3 Q9: each change the re-read after the apply does not show, and the JSON marks
    it (``verified`` false; true for those found; null for those not done)."""
    assert unverified_line(Unverified(ADD)) == (
        "  ? + bob@example.com (Member) in incident-response: not found as Member when "
        "read after the apply (now: absent)"
    )
    assert unverified_line(Unverified(PROMOTE, Role.MEMBER)).endswith(
        ": not found as Administrator when read after the apply (now: Member)"
    )
    assert unverified_line(Unverified(REMOVE, Role.MEMBER)) == (
        "  ? - Carol@Example.com (Member) in incident-response: still there when read "
        "after the apply (as Member)"
    )
    assert unverified_line(Unverified(ADD, target_gone=True)).endswith(
        ": its room was not found when read after the apply"
    )
    result = ApplyResult((ChangeResult(ADD), ChangeResult(PROMOTE, "X", "y"), ChangeResult(REMOVE)))
    data = apply_to_data(result, verified=(Unverified(ADD),), timings=Timings())
    assert (data["complete"], data["verified"]) == (False, False)
    assert [c["verified"] for c in data["changes"]] == [False, None, True]
    data = apply_to_data(result, verified=(), timings=Timings())
    assert [c["verified"] for c in data["changes"]] == [True, None, True]


def test_an_incomplete_apply_lists_and_counts_changes_found_so_already() -> None:
    """QA-A Q-A-4: marked with their outcome (``already``, as in the JSON result) and
    counted as ``Apply complete!`` counts them, so that the counts add up."""
    result = ApplyResult(
        (
            ChangeResult(ADD, already=True),
            ChangeResult(PROMOTE, "Throttled", "Rate exceeded."),
            ChangeResult(REMOVE, already=True),
        )
    )
    assert render_apply(result, twins=frozenset()) == [
        "Applied:",
        "  already + bob@example.com (Member) in incident-response (already present)",
        "  already - Carol@Example.com (Member) in incident-response (already gone)",
        "Failed:",
        "  ! ~ bot:PagerBot: Member -> Administrator (replace: bots cannot be updated in place) "
        "in incident-response: Throttled: Rate exceeded.",
        "Apply incomplete: 1 of 3 changes failed (2 applied: 0 added, 0 changed, 0 removed, "
        "1 already present, 1 already gone).",
    ]


def test_past_twenty_changes_done_the_per_target_counts_count_those_found_so_apart() -> None:
    def user(i: int) -> MemberRef:
        return MemberRef.user(f"u{i}@example.com")

    adds = [ChangeResult(change(Action.CREATE, user(i), None, Role.MEMBER)) for i in range(20)]
    gone = ChangeResult(change(Action.DELETE, user(99), Role.MEMBER, None), already=True)
    failed = ChangeResult(PROMOTE, "Throttled", "Rate exceeded.")
    assert render_apply(ApplyResult((*adds, gone, failed)), twins=frozenset())[:2] == [
        "Applied:",
        "  ok incident-response: 20 added, 0 changed, 0 removed, 1 already gone",
    ]


def test_an_interrupted_apply_marks_the_changes_it_found_so_already() -> None:
    """As the closing lines do (QA-A Q-A-4): a member someone else added or removed
    meanwhile is listed as applied, with what was found."""
    stopped = ChangeResult(PROMOTE, "Interrupted", "not started: interrupted")
    result = ApplyResult((ChangeResult(ADD, already=True), ChangeResult(REMOVE), stopped))
    assert render_interrupted(result, twins=frozenset()) == [
        "Applied before the interrupt:",
        "  + bob@example.com (Member) in incident-response (already present)",
        "  - Carol@Example.com (Member) in incident-response",
        "Not applied:",
        "  ~ bot:PagerBot: Member -> Administrator (replace: bots cannot be updated in place) "
        "in incident-response",
    ]


def test_an_interrupted_apply_shows_failures_and_reasons_as_the_json_has_them() -> None:
    """QA-O Q-O-3: after an interrupt, a call throttled and not tried again is listed as
    failed with its message (it was `(Throttled)` under "Not applied"), a change not
    attempted because adding an administrator failed keeps its reason, and a role changed
    by delete and create stopped between the two says so in the JSON too (it said "not
    started: interrupted")."""
    demote = change(Action.UPDATE, MemberRef.user("amy@example.com"), Role.ADMINISTRATOR, None)
    throttled = ChangeResult(
        ADD, "Throttled", "Rate exceeded. (not tried again: interrupted after 2 attempts)"
    )
    skipped = ChangeResult(
        demote,
        "Skipped",
        "not attempted: adding an administrator to this room failed first",
    )
    half = ChangeResult(PROMOTE, "Interrupted", "not started: interrupted", left_absent=True)
    result = ApplyResult((throttled, skipped, half, ChangeResult(REMOVE)))
    assert render_interrupted(result, twins=frozenset()) == [
        "Applied before the interrupt:",
        "  - Carol@Example.com (Member) in incident-response",
        "Failed:",
        "  ! + bob@example.com (Member) in incident-response: Throttled: Rate exceeded. "
        "(not tried again: interrupted after 2 attempts)",
        "Not attempted:",
        "  ~ amy@example.com: Administrator -> ? in incident-response: not attempted: adding "
        "an administrator to this room failed first",
        "Not applied:",
        "  ~ bot:PagerBot: Member -> Administrator (replace: bots cannot be updated in place) "
        "in incident-response (removed, not added back: absent now)",
    ]
    data = apply_to_data(result, verified=None, timings=Timings(), stopped="interrupted")
    assert [(c["outcome"], c["error"], c["left_absent"]) for c in data["changes"][:3]] == [
        ("failed", {"code": "Throttled", "message": throttled.error_message}, False),
        ("skipped", {"code": "Skipped", "message": skipped.error_message}, False),
        (
            "skipped",
            {
                "code": "Interrupted",
                "message": "removed, not added back: absent now (stopped: interrupted)",
            },
            True,
        ),
    ]
    # the closing line counts them as the JSON result does (1 failed, 2 skipped), the
    # skipped as the lists above it do: 1 not attempted, 1 not applied (QA-EJ Q-EJ-2)
    summary = data["summary"]
    assert (summary["ok"], summary["failed"], summary["skipped"]) == (1, 1, 2)
    assert interrupted_summary(result) == (
        "Interrupted: 1 of 4 changes applied, 1 failed, 1 not attempted, 1 not applied; "
        "run plan to see what is left."
    )


def test_the_interrupted_closing_line_counts_each_list_above_it() -> None:
    """QA-EJ Q-EJ-2: the changes not attempted (an administrator's add failed first)
    were counted "not applied" with those the interrupt did not start, so the closing
    line disagreed with the ``Not applied:`` list above it; they are counted apart, as a
    finished apply's summary counts them, and in the lists' order (in flight last but
    one)."""
    demote = change(Action.UPDATE, MemberRef.user("amy@example.com"), Role.ADMINISTRATOR, None)
    result = ApplyResult(
        (
            ChangeResult(ADD),
            ChangeResult(PROMOTE, "ServiceFailure", "Internal error."),
            ChangeResult(demote, "Skipped", "not attempted: adding an administrator failed"),
            ChangeResult(REMOVE, "InFlight", "in flight when a second interrupt quit"),
        )
    )
    lines = render_interrupted(result, twins=frozenset())
    assert _counted(lines) == {
        "Applied before the interrupt:": 1,
        "Failed:": 1,
        "Not attempted:": 1,
        "In flight when it quit (may have been made; plan shows):": 1,
    }
    assert interrupted_summary(result) == (
        "Interrupted: 1 of 4 changes applied, 1 failed, 1 not attempted, 1 in flight (may "
        "have been made), 0 not applied; run plan to see what is left."
    )
    stopped = ChangeResult(REMOVE, "Interrupted", "not started: interrupted")
    only = ApplyResult((ChangeResult(demote, "Skipped", "not attempted: ..."), stopped))
    assert interrupted_summary(only) == (
        "Interrupted: 0 of 2 changes applied, 1 not attempted, 1 not applied; run plan to "
        "see what is left."
    )


def _counted(lines: list[str]) -> dict[str, int]:
    """How many lines each list (``Failed:``, ...) of ``render_interrupted`` holds."""
    counts: dict[str, int] = {}
    header = ""
    for line in lines:
        if line.startswith("  "):
            counts[header] += 1
        else:
            header = line
            counts[header] = 0
    return counts


def test_a_failed_change_whose_answer_was_lost_is_not_marked_answer_lost() -> None:
    """QA-GQ Q-GQ-7: README, `apply --format json`: `answer_lost` is true when this apply
    made the change though an attempt's answer was lost. A failed change was not made: a
    result marked so (a create retried after a lost answer, then refused) says
    `answer_lost: false` in the JSON, and its failure line has no "found made" note; the
    one made after a lost answer says true."""
    failed = ChangeResult(ADD, "Forbidden", "Refused.", answer_lost=True)
    made = ChangeResult(REMOVE, answer_lost=True)
    result = ApplyResult((failed, made))
    data = apply_to_data(result, verified=None, timings=Timings())
    assert [(c["outcome"], c["answer_lost"]) for c in data["changes"]] == [
        ("failed", False),
        ("ok", True),
    ]
    lines = render_apply(result, twins=frozenset())
    assert "  ! + bob@example.com (Member) in incident-response: Forbidden: Refused." in lines
    assert not [line for line in lines if "bob@" in line and "found made" in line]
