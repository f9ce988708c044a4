"""`audit` in meetings (Q-AM-1): the meetings API lists the attendees of a meeting whose id
is known and has no ListMeetings, so audit's meetings rows are the declared meetings the
member attends or is declared in, each note the planner's answer. The CLI, the real boto3
client and the emulator over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
MUTED = {"audio": "Receive", "video": "None", "content": "None"}
BRIDGE = """
groups:
  sre: [alice@example.com, bob@example.com]
meetings:
  bridge:
    meeting_id: ${INCIDENT_MEETING_ID}
    prune: true
    attendees:
      alice@example.com: presenter
      "@sre": participant
"""


@pytest.fixture
def bridge(
    emulator: EmulatorServer, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> EmulatorServer:
    """The bridge declared (alice, bob); live: bob muted, mallory uninvited."""
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    write_desired({"meetings.yaml": BRIDGE})
    attendees = [("bob@example.com", MUTED), ("mallory@example.com", MUTED)]
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "incident-42",
                    "ended": False,
                    "attendees": [{"external_user_id": u, "capabilities": c} for u, c in attendees],
                }
            ]
        }
    )
    emulator.reset_calls()
    return emulator


def notes(cli: Cli, member: str) -> list[tuple[str, str | None, str]]:
    run = cli(*UNPACED, "audit", member, "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    return [(r["meeting"], r["id"], r["note"]) for r in json.loads(run.stdout)["meetings"]]


def test_audit_lists_the_declared_meetings_a_member_attends(
    bridge: EmulatorServer, cli: Cli
) -> None:
    run = cli(*UNPACED, "audit", "bob@example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[0] == "bob@example.com in meetings:"
    assert run.lines[1].split()[:4] == ["MEETING", "MEETING", "ID", "LIVE"]
    assert run.lines[2].startswith(f"bridge   {MEETING}  audio Receive, video None, content None")
    assert (
        "plan changes the capabilities to audio SendReceive, video SendReceive, content Receive"
        in run.lines[2]
    )
    assert notes(cli, "bob@example.com") == [
        (
            "bridge",
            MEETING,
            "plan changes the capabilities to audio SendReceive, video SendReceive, "
            "content Receive",
        )
    ]
    assert notes(cli, "alice@example.com") == [
        ("bridge", MEETING, "declared, not in the meeting: plan adds it")
    ]
    assert notes(cli, "mallory@example.com") == [
        ("bridge", MEETING, "not declared: plan removes it (prune)")
    ]
    # only the declared meeting is read (there is no ListMeetings): once an audit (4 here),
    # not again where the plan changes the member and audit plans it for the safety
    # rules (Q-EE-1): that plan reuses the read (Q-FO-6)
    assert (bridge.calls()["GetMeeting"], bridge.calls()["ListAttendees"]) == (4, 4)


def test_a_member_in_no_declared_meeting_is_still_an_unknown_member(
    bridge: EmulatorServer, cli: Cli
) -> None:
    run = cli(*UNPACED, "audit", "zed@example.com")
    assert run.exit_code == 1
    assert "unknown member zed@example.com" in run.stderr


def test_audit_takes_an_attendee_that_is_no_email_as_explain_does(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A meeting attendee's ExternalUserId need not be an e-mail address (`dial-in-7`):
    audit answers for it in meetings, and refuses, as explain does, one no declared
    meeting declares or has."""
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    write_desired(
        {"meetings.yaml": BRIDGE.replace('"@sre": participant', "dial-in-7: participant")}
    )
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "incident-42",
                    "ended": False,
                    "attendees": [{"external_user_id": "dial-in-7", "capabilities": MUTED}],
                }
            ]
        }
    )
    run = cli(*UNPACED, "audit", "dial-in-7", "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    rows = json.loads(run.stdout)["meetings"]
    assert [(r["meeting"], r["id"]) for r in rows] == [("bridge", MEETING)]
    assert rows[0]["note"].startswith("plan changes the capabilities to")
    text = cli(*UNPACED, "audit", "dial-in-7")
    assert text.exit_code == 0, text.stdout + text.stderr
    assert text.lines[0] == "dial-in-7 in meetings:"
    stranger = cli(*UNPACED, "audit", "dial-in-8")
    assert stranger.exit_code == 1
    assert (
        "MEMBER 'dial-in-8' is not an e-mail address, bot:NAME or user:ID, and no declared "
        "meeting declares or has an attendee with that ExternalUserId" in stranger.stderr
    )
    assert "Traceback" not in stranger.stderr


def test_audit_has_no_scope_column_for_meetings_in_several_meetings(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """Each meeting is its own scope (its `meeting_id`): rows in two meetings get no
    MEETING_ID column repeating MEETING ID (QA-AU Q-AU-2), as rooms in two accounts get
    ACCOUNT."""
    standup = "6f1c2a9e-0000-4000-8000-000000000003"
    write_desired(
        {
            "meetings.yaml": f"""
                meetings:
                  bridge:
                    meeting_id: {MEETING}
                    attendees:
                      bob@example.com: viewer
                      dial-in-7: viewer
                  standup:
                    meeting_id: {standup}
                    attendees:
                      bob@example.com: viewer
                      dial-in-7: viewer
                """
        }
    )
    emulator.reset(
        {
            "meetings": [
                {
                    "id": m,
                    "external_meeting_id": name,
                    "ended": False,
                    "attendees": [
                        {"external_user_id": "bob@example.com", "capabilities": MUTED},
                        {"external_user_id": "dial-in-7", "capabilities": MUTED},
                    ],
                }
                for m, name in ((MEETING, "bridge"), (standup, "standup"))
            ]
        }
    )
    for member in ("bob@example.com", "dial-in-7"):
        run = cli(*UNPACED, "audit", member)
        assert run.exit_code == 0, run.stdout + run.stderr
        at = run.lines.index(f"{member} in meetings:")
        header, *rows = run.lines[at + 1 : at + 3]
        assert header.split()[:4] == ["MEETING", "MEETING", "ID", "LIVE"], run.stdout
        assert "MEETING_ID" not in run.stdout
        assert rows[0].startswith(f"bridge   {MEETING}  audio Receive"), run.stdout


def test_audit_json_kind_of_an_external_user_id_is_external_as_the_readme_says(
    bridge: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    """Q-EE-8: an attendee named by an ExternalUserId that is no e-mail is neither a
    `User` nor a `Bot`; the JSON says `External`, and the README lists it."""
    write_desired({"meetings.yaml": BRIDGE + "      dial-in-7: {profile: viewer}\n"})
    run = cli(*UNPACED, "audit", "dial-in-7", "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    doc = json.loads(run.stdout)
    assert (doc["member"], doc["kind"]) == ("dial-in-7", "External")
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    assert (
        "`kind` (`User` or `Bot`; `External` for a meeting attendee's ExternalUserId that is "
        "no e-mail address, `audit dial-in-7`; `AWS` for AWS's own attendee, `audit "
        "aws:MediaPipeline-1234`)"
    ) in readme
