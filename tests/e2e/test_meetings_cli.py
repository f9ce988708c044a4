"""Meetings end to end: the CLI, the real boto3 client, the emulator over HTTP. Plan,
apply, batches of 100, capability updates, prune, ended meetings, ${ENV} ids, saved
plans, and `apply --watch`."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, WriteDesired, seed_doc

from reconciler.capabilities import Capabilities
from reconciler.emulator import EmulatorServer

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
OTHER = "6f1c2a9e-0000-4000-8000-000000000002"
PRESENTER = Capabilities("SendReceive", "SendReceive", "SendReceive")
PARTICIPANT = Capabilities("SendReceive", "SendReceive", "Receive")
VIEWER = Capabilities("Receive", "Receive", "Receive")
MUTED = {"audio": "Receive", "video": "None", "content": "None"}
FIRST_ID = "00000000-0000-4000-8000-000000000001"  # attendee ids: the first and last in order
LAST_ID = "ffffffff-0000-4000-8000-000000000001"

BRIDGE = """
groups:
  sre: [alice@example.com, bob@example.com]
  execs: [bob@example.com, carol@example.com]
meetings:
  bridge:
    meeting_id: ${INCIDENT_MEETING_ID}
    prune: true
    attendees:
      alice@example.com: presenter
      "@sre": participant
      "@execs": viewer
"""


def meeting(attendees: list[tuple[str, dict[str, str]]], *, ended: bool = False) -> dict[str, Any]:
    return {
        "id": MEETING,
        "external_meeting_id": "incident-42",
        "ended": ended,
        "attendees": [{"external_user_id": u, "capabilities": c} for u, c in attendees],
    }


@pytest.fixture
def bridge(
    emulator: EmulatorServer, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> EmulatorServer:
    """The bridge declared; live: Bob muted, Mallory uninvited."""
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    write_desired({"meetings.yaml": BRIDGE})
    emulator.reset(
        {
            "meetings": [
                meeting([("bob@example.com", MUTED), ("mallory@example.com", MUTED)]),
            ]
        }
    )
    return emulator


def test_plan_then_apply_converges_with_the_fewest_calls(bridge: EmulatorServer, cli: Cli) -> None:
    planned = cli("plan")
    assert planned.exit_code == 0, planned.stderr
    assert planned.lines == [
        f"# meeting bridge (meeting_id ${{INCIDENT_MEETING_ID}}, id {MEETING})",
        "  + alice@example.com (audio SendReceive, video SendReceive, content SendReceive)",
        "  + carol@example.com (audio Receive, video Receive, content Receive)",
        "  ~ bob@example.com: audio Receive, video None, content None -> "
        "audio SendReceive, video SendReceive, content Receive",
        "  - mallory@example.com (audio Receive, video None, content None)",
        "",
        "Plan: 2 to add, 1 to change, 1 to remove.",
    ]
    bridge.reset_calls()
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert "Apply complete! Memberships: 2 added, 1 changed, 1 removed." in applied.lines
    assert bridge.meetings.attendees_of(MEETING) == {
        "alice@example.com": PRESENTER,
        "bob@example.com": PARTICIPANT,
        "carol@example.com": VIEWER,
    }
    calls = bridge.calls()
    assert calls == {
        "GetMeeting": 1,  # the plan reads the meeting's features (QA-Q Q-Q-1)
        "ListAttendees": 2,  # the plan, then the re-read that verifies the apply
        "BatchCreateAttendee": 1,
        "UpdateAttendeeCapabilities": 1,
        "DeleteAttendee": 1,
    }
    assert cli("plan", "--detailed-exitcode").exit_code == 0


def test_explain_names_the_meeting_by_the_id_its_variable_holds(
    bridge: EmulatorServer, cli: Cli
) -> None:
    run = cli("explain", "bob@example.com")
    assert run.exit_code == 0, run.stderr
    assert run.lines[2:5] == [
        f"# meeting bridge (meeting_id ${{INCIDENT_MEETING_ID}}, id {MEETING})",  # as `plan`
        "  declared in desired-state/meetings.yaml:5",
        "  capabilities: audio SendReceive, video SendReceive, content Receive",
    ]
    assert run.lines[-3] == (
        "  plan: the plan changes its capabilities audio Receive, video None, content None -> "
        "audio SendReceive, video SendReceive, content Receive"
    )


def test_explain_says_a_meeting_has_ended_not_that_it_was_not_read(
    emulator: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    """Q-AH-4: an ended meeting is what `plan` calls it (left out, not an error), in the
    text and in the review record's JSON: outcome `ended`, read, no live role."""
    write_desired(
        {
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n"
            "    attendees: {alice@example.com: presenter}\n",
        }
    )
    emulator.reset({"meetings": [meeting([("alice@example.com", MUTED)], ended=True)]})
    ended = (
        f"meeting bridge (id {MEETING}) has ended (or never existed): the meetings API "
        "does not find it; left out"
    )
    text = cli("explain", "alice@example.com")
    assert text.exit_code == 0, text.stderr
    assert f"  plan: {ended}" in text.lines
    assert not any("not read" in line for line in text.lines), text.stdout
    run = cli("explain", "alice@example.com", "--format", "json")
    assert run.exit_code == 0, run.stderr
    [target] = json.loads(run.stdout)["targets"]
    assert (target["name"], target["live"], target["plan"]) == (
        "bridge",
        {"role": None, "read": True},
        {"outcome": "ended", "note": ended, "refused_by": [], "refused_elsewhere": []},
    )


def test_attendees_are_created_in_batches_of_100(
    emulator: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
) -> None:
    people = "\n".join(f"      user{i:03d}@example.com: viewer" for i in range(230))
    write_desired(
        {"m.yaml": f"meetings:\n  big:\n    meeting_id: {MEETING}\n    attendees:\n{people}\n"}
    )
    emulator.reset({"meetings": [meeting([])]})
    result = cli("apply", "--auto-approve")
    assert result.exit_code == 0, result.stderr
    assert len(emulator.meetings.attendees_of(MEETING)) == 230
    calls = emulator.calls()
    assert calls["BatchCreateAttendee"] == 3  # 100 + 100 + 30
    assert calls["ListAttendees"] == 1 + 3  # 1 page before (empty), 3 pages to verify


def test_an_ended_meeting_is_a_note_and_the_other_targets_are_applied(
    emulator: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  ops:\n    members: [alice@example.com]\n",
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n"
            "    attendees: {alice@example.com: presenter}\n",
        }
    )
    doc = seed_doc(users=("alice",), rooms={"ops": []})
    emulator.reset({**doc, "meetings": [meeting([], ended=True)]})
    result = cli("apply", "--auto-approve")
    assert result.exit_code == 0, result.stdout + result.stderr
    note = (
        f"Note: desired-state/m.yaml:2: meeting bridge (id {MEETING}) has ended (or never "
        "existed): the meetings API does not find it; left out"
    )
    assert note in result.lines
    assert "Apply complete! Memberships: 1 added, 0 changed, 0 removed." in result.lines
    assert emulator.backend.room_members(ACCOUNT, "room-ops") == {"uid-alice": "Member"}
    data = json.loads(cli("plan", "--format", "json").stdout)
    assert data["notices"] == [note.removeprefix("Note: ")]
    assert data["errors"] == []
    markdown = cli("plan", "--format", "markdown").stdout
    assert "has ended (or never existed)" in markdown


def test_an_unset_meeting_id_variable_is_a_located_error(
    bridge: EmulatorServer, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INCIDENT_MEETING_ID")
    assert cli("validate").exit_code == 0  # offline: the variable is read at plan time
    result = cli("plan")
    assert result.exit_code == 1
    assert (
        "Error: desired-state/meetings.yaml:5: meeting bridge: meeting_id "
        "${INCIDENT_MEETING_ID} names the environment variable INCIDENT_MEETING_ID, "
        "which is not set"
    ) in result.lines
    monkeypatch.setenv("INCIDENT_MEETING_ID", "incident-42")
    assert (
        "${INCIDENT_MEETING_ID} is not a meeting id (a UUID; its value, 11 characters, "
        "is not shown)"
    ) in cli("plan").stdout


def test_plan_names_the_group_that_brings_an_attendee_aws_refuses(
    bridge: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    # QA N Q-N-2: plan said `meeting bridge: o~neil@example.com: AWS refuses '~' ...`,
    # without the `(through @sre)` that validate gives and the README promises for both
    write_desired(
        {
            "meetings.yaml": BRIDGE.replace(
                "sre: [alice@example.com, bob@example.com]",
                'sre: [alice@example.com, "o~neil@example.com"]',
            )
        }
    )
    said = (
        "desired-state/meetings.yaml:2: meeting bridge: o~neil@example.com (through @sre): "
        "AWS refuses '~' in an ExternalUserId"
    )
    planned = cli("plan")
    assert planned.exit_code == 1
    assert next(line for line in planned.lines if "o~neil" in line).startswith(f"Error: {said}")
    checked = cli("validate")
    assert checked.exit_code == 1 and checked.err_lines[0].startswith(said)


def test_a_saved_plan_applies_and_a_meeting_ended_since_is_left_out(
    bridge: EmulatorServer, cli: Cli, workdir: Path
) -> None:
    assert cli("plan", "--out", "plan.json").exit_code == 0
    shown = cli("show", "plan.json")
    assert "  + carol@example.com (audio Receive, video Receive, content Receive)" in shown.lines
    bridge.meetings.end_meeting(MEETING)
    ended = cli("apply", "plan.json")  # not stale: left out, not applied (Q-CH-1)
    assert ended.exit_code == 1
    assert (
        "  + carol@example.com (audio Receive, video Receive, content Receive) in bridge: "
        "not applied: the meeting has ended since the plan was made (left out)" in ended.lines
    )
    bridge.reset()
    bridge.reset(
        {"meetings": [meeting([("bob@example.com", MUTED), ("mallory@example.com", MUTED)])]}
    )
    assert cli("plan", "--out", "plan.json").exit_code == 0
    applied = cli("apply", "plan.json")
    assert applied.exit_code == 0, applied.stderr
    assert set(bridge.meetings.attendees_of(MEETING)) == {
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
    }


def test_a_saved_plan_applies_when_a_meeting_it_leaves_unchanged_ended_after_an_until(
    emulator: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    """Q-AJ-2: standup, which the plan leaves unchanged, is planned again because carol's
    `until:` passed since the plan's --now; it has ended since. Nothing was to be applied
    to it: the saved plan applies (a plan made now only notes that it ended)."""
    write_desired(
        {
            "m.yaml": f"""
                meetings:
                  bridge:
                    meeting_id: {MEETING}
                    attendees: {{alice@example.com: presenter}}
                  standup:
                    meeting_id: {OTHER}
                    attendees:
                      carol@example.com: {{profile: viewer, until: 2025-01-01}}
                """
        }
    )
    viewer = {"audio": "Receive", "video": "Receive", "content": "Receive"}
    standup = {
        **meeting([("carol@example.com", viewer)]),
        "id": OTHER,
        "external_meeting_id": "standup",
    }
    emulator.reset({"meetings": [meeting([]), standup]})
    made = cli("--now", "2024-06-01", "plan", "--out", "plan.json")
    assert made.exit_code == 0, made.stderr
    assert made.lines[-1].startswith("Plan: 1 to add, 0 to change, 0 to remove.")
    emulator.meetings.end_meeting(OTHER)
    run = cli("apply", "plan.json")
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1] == "Apply complete! Memberships: 1 added, 0 changed, 0 removed."
    assert set(emulator.meetings.attendees_of(MEETING)) == {"alice@example.com"}


def later(seconds: float, action: Callable[[], object]) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(seconds), action()), daemon=True)
    thread.start()
    return thread


def test_watch_keeps_the_meeting_locked_down_and_exits_0_when_it_ends(
    bridge: EmulatorServer, cli: Cli, boto3_session: Any
) -> None:
    client = boto3_session.client("chime-sdk-meetings", endpoint_url=bridge.url)

    def intruder() -> None:
        while "alice@example.com" not in bridge.meetings.attendees_of(MEETING):
            time.sleep(0.05)  # the first round has applied
        client.create_attendee(MeetingId=MEETING, ExternalUserId="eve@example.com")
        while "eve@example.com" in bridge.meetings.attendees_of(MEETING):
            time.sleep(0.05)  # a later round removed her
        bridge.meetings.end_meeting(MEETING)

    thread = later(0, intruder)
    started = time.monotonic()
    result = cli("apply", "--auto-approve", "--watch", "--interval", "0.2", "--until", "60s")
    thread.join(5)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert time.monotonic() - started < 30
    stamped = [line[11:] for line in result.lines if line.startswith("[")]
    assert (
        "meeting bridge:  - eve@example.com (audio SendReceive, video SendReceive, "
        "content SendReceive)" in stamped
    )
    assert stamped[-1] == "Every meeting in scope has ended: nothing left to watch."
    assert any(s.startswith("Note: desired-state/meetings.yaml:5: meeting bridge") for s in stamped)


def test_watch_is_bounded_by_until(bridge: EmulatorServer, cli: Cli) -> None:
    started = time.monotonic()
    result = cli("apply", "--auto-approve", "--watch", "--interval", "0.2", "--until", "1s")
    assert result.exit_code == 0, result.stderr
    assert 0.9 <= time.monotonic() - started < 20
    assert result.lines[-1].endswith("] Watch stopped: --until reached.")
    assert len(bridge.meetings.attendees_of(MEETING)) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--interval", "5"), "Error: --interval and --until go with --watch"),
        (("--watch", "--until", "soon"), "Error: --until soon: expected a duration"),
        (("--watch", "plan.json"), "Error: --watch plans every round"),
        (("--watch", "--target", "nope"), "Error: Nothing was applied: the plan has 1 error"),
    ],
)
def test_watch_usage_errors(
    bridge: EmulatorServer, cli: Cli, args: tuple[str, ...], message: str
) -> None:
    result = cli("apply", "--auto-approve", *args)
    assert result.exit_code == 1
    assert message in result.stderr


def test_a_watch_whose_first_round_is_refused_says_nothing_was_applied(
    emulator: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    # the safety refusal on stderr, as the errors' (QA-GB Q-GB-2: exit 1, nothing said)
    write_desired(
        {
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n    prune: true\n"
            "    attendees: {alice@example.com: presenter}\n"
        }
    )
    crowd = [(f"guest{i:02d}@example.com", MUTED) for i in range(12)]
    emulator.reset({"meetings": [meeting(crowd)]})
    result = cli("apply", "--auto-approve", "--watch", "--until", "1m")
    assert result.exit_code == 1
    assert result.err_lines[-1].startswith("Error: Nothing was applied: the plan is refused by ")
    assert result.err_lines[-1].endswith(": apply applies it only with --allow-unsafe.")
    assert len(emulator.meetings.attendees_of(MEETING)) == 12


def test_removals_are_paced_under_the_meetings_quota(
    emulator: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    write_desired(
        {
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n    prune: true\n"
            "    attendees: {alice@example.com: presenter}\n"
        }
    )
    crowd = [(f"guest{i:02d}@example.com", MUTED) for i in range(25)]
    emulator.reset({"meetings": [meeting(crowd)]})
    emulator.set_faults(quotas=True)  # AWS's 10 requests/s per operation, answered 429
    started = time.monotonic()
    result = cli("apply", "--auto-approve", "--allow-unsafe")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert set(emulator.meetings.attendees_of(MEETING)) == {"alice@example.com"}
    calls = emulator.calls()
    assert calls["DeleteAttendee"] == 25
    assert "Throttled" not in calls  # the pacer kept under the quota: not one 429
    assert time.monotonic() - started >= 1.4  # 25 deletes at 10/s, after a burst of 1


def test_meeting_drift_is_not_offered_to_import_adopt_which_refuses_it(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA D10: the plan said "Resolve with import --adopt", and adopt then said "Nothing to
    # adopt" (exit 0) while the drift stayed. Attendees are a mapping adopt never edits.
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    text = "meetings:\n  bridge:\n    meeting_id: ${INCIDENT_MEETING_ID}\n"
    text += "    attendees:\n      alice@example.com: presenter   # lead\n"
    files = write_desired({"m.yaml": text})
    alice = {"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}
    emulator.reset(
        {"meetings": [meeting([("alice@example.com", alice), ("bob@example.com", MUTED)])]}
    )

    planned = cli("plan", "--detailed-exitcode")
    markdown = cli("plan", "--format", "markdown")
    adopted = cli("import", "--adopt")

    assert planned.exit_code == 2
    assert planned.lines[-4:] == [
        "Not in the desired state: 1 attendee in 1 meeting.",
        "Resolve by declaring them, or with `prune: true` (removes them); `import --adopt` "
        "does not write meetings' attendees.",
        "",
        "No changes, but Chime has 1 attendee the desired state does not declare.",
    ]
    assert "> Resolve by declaring them, or with `prune: true`" in markdown.stdout
    assert adopted.exit_code == 1
    assert adopted.err_lines == [
        "Warning: bob@example.com in bridge: import --adopt does not write attendees "
        "(audio Receive, video None, content None)",
        "Error: Nothing was adopted: 1 attendee not in the desired state cannot be "
        "adopted (above).",
    ]
    assert (files / "m.yaml").read_text() == text


def test_adopts_warning_quotes_an_external_user_id_with_a_space_at_its_end(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """`Warning: dial-in-7  in bridge: ...`: the ExternalUserId's trailing space did not
    show (QA-FD Q-FD-5); it is double-quoted as adopt's report prints such a name."""
    text = f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n"
    text += "    attendees:\n      alice@example.com: presenter\n"
    write_desired({"m.yaml": text})
    alice = {"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}
    emulator.reset({"meetings": [meeting([("alice@example.com", alice), ("dial-in-7 ", MUTED)])]})
    adopted = cli("import", "--adopt")
    assert adopted.exit_code == 1
    assert adopted.err_lines[0] == (
        'Warning: "dial-in-7 " in bridge: import --adopt does not write attendees '
        "(audio Receive, video None, content None)"
    )


@pytest.mark.parametrize("ids", [(FIRST_ID, LAST_ID), (LAST_ID, FIRST_ID)])
@pytest.mark.parametrize(
    ("spellings", "kept", "removed"),
    [
        # the exact spelling is kept, whichever id AWS gave it
        (("Alice@Example.com", "alice@example.com"), "alice@example.com", "Alice@Example.com"),
        # none exact: the first in code-point order, shown as live spells it
        (("Alice@Example.com", "ALICE@EXAMPLE.COM"), "ALICE@EXAMPLE.COM", "Alice@Example.com"),
    ],
)
def test_attendees_differing_only_in_case_keep_one_chosen_the_same_way_every_run(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    ids: tuple[str, str],
    spellings: tuple[str, str],
    kept: str,
    removed: str,
) -> None:
    # QA4 R14: which one was kept varied with the attendee ids, and the kept one was shown
    # with the declared spelling (`~ alice@example.com` next to `- alice@example.com`)
    write_desired(
        {
            "settings.yaml": "prune: true\n",
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n"
            "    attendees:\n      alice@example.com: participant\n",
        }
    )
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "attendees": [
                        {"id": i, "external_user_id": u, "capabilities": MUTED}
                        for i, u in zip(ids, spellings, strict=True)
                    ],
                }
            ]
        }
    )
    planned = cli("plan")
    assert planned.exit_code == 0, planned.stderr
    assert planned.lines[1:3] == [
        f"  ~ {kept}: audio Receive, video None, content None -> "
        "audio SendReceive, video SendReceive, content Receive",
        f"  - {removed} (audio Receive, video None, content None)",
    ]
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert emulator.meetings.attendees_of(MEETING) == {kept: PARTICIPANT}


def test_a_meeting_of_another_control_region_is_reported_as_not_found(
    bridge: EmulatorServer, cli: Cli
) -> None:
    """README: rooms and meetings are called in --region; a meeting created in another
    (control) region is reported as ended or never existing, and left out."""
    elsewhere = cli("--region", "eu-central-1", "plan")
    assert elsewhere.exit_code == 0, elsewhere.stderr
    assert "has ended (or never existed): the meetings API does not find it; left out" in (
        elsewhere.stdout
    )
    assert "No changes, but nothing was compared" in elsewhere.stdout  # Q-FO-9
    here = cli("--region", "us-east-1", "plan")
    assert "Plan: 2 to add, 1 to change, 1 to remove." in here.lines, here.stdout


def test_a_plan_whose_every_meeting_is_left_out_does_not_claim_a_match(
    bridge: EmulatorServer, cli: Cli
) -> None:
    """Q-FO-9: every target in scope left out (a mistyped --region: each meeting "has
    ended (or never existed)"): nothing was compared, so the closing line says so instead
    of "Chime memberships match the desired state"; not an error, and no change is due
    (exit 0, --detailed-exitcode 0), apply's too; a Markdown plan points below."""
    closing = (
        "No changes, but nothing was compared: 1 meeting in scope was left out (the note "
        "above), and no other target is in scope."
    )
    planned = cli("--region", "eu-central-1", "plan", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.stderr
    assert planned.lines[-1] == closing
    assert "match the desired state" not in planned.stdout
    applied = cli("--region", "eu-central-1", "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stderr
    assert applied.lines[-1] == closing
    markdown = cli("--region", "eu-central-1", "plan", "--format", "markdown").stdout
    assert f"**{closing.replace('above', 'below')}**" in markdown
    assert len(bridge.meetings.attendees_of(MEETING)) == 2  # nothing applied


def test_the_markdown_plan_names_the_meeting_a_variable_chose(
    bridge: EmulatorServer, cli: Cli, workdir: Path
) -> None:
    """Q-FO-8: the PR comment (``plan --format markdown``, ``show --format markdown``)
    shows the id ``meeting_id: ${INCIDENT_MEETING_ID}`` held, as the text plan's header
    does, in the table and the details' summary, with ``--target`` too: a variable naming
    the wrong bridge is seen where the removals are approved."""
    label = f"bridge (meeting_id ${{INCIDENT_MEETING_ID}}, id {MEETING})"
    for args in ((), ("--target", "bridge")):
        markdown = cli("plan", "--format", "markdown", *args, "--out", "plan.json").stdout
        assert f"| {label.replace('_', chr(92) + '_')} | 2 | 1 | 1 |" in markdown
        assert f"<summary>meeting {label}: 2 to add, 1 to change, 1 to remove" in markdown
        shown = cli("show", "--format", "markdown", str(workdir / "plan.json")).stdout
        assert f"<summary>meeting {label}:" in shown


def test_meeting_drift_of_a_presenter_is_counted_in_attendees_as_the_last_line_counts_it(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA-FY Q-FY-3: an undeclared attendee who may share content was "1 presenter in 1
    # meeting" in the drift line and "1 attendee" in the plan's last line and in adopt's
    # count. A meeting's attendees are a mapping of profiles, no role list: the drift line
    # counts them in attendees, as the README says.
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    text = "meetings:\n  bridge:\n    meeting_id: ${INCIDENT_MEETING_ID}\n"
    text += "    attendees:\n      alice@example.com: presenter\n"
    write_desired({"m.yaml": text})
    alice = {"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}
    emulator.reset({"meetings": [meeting([("alice@example.com", alice), ("dial-in-7", alice)])]})

    planned = cli("plan", "--detailed-exitcode")
    markdown = cli("plan", "--format", "markdown")

    assert planned.exit_code == 2
    assert planned.lines[-4] == "Not in the desired state: 1 attendee in 1 meeting."
    assert planned.lines[-1] == (
        "No changes, but Chime has 1 attendee the desired state does not declare."
    )
    assert "1 attendee in 1 meeting" in markdown.stdout
    assert "presenter in" not in planned.stdout + markdown.stdout
