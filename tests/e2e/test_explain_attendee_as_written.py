"""`explain` and `audit` read MEMBER, for meetings, as the ExternalUserId written, as plan
and apply do (QA-EQ Q-EQ-1, Q-EQ-2): `user:bob@example.com` is that attendee, not
`bob@example.com` (the rooms and channels' `user:EMAIL` is the e-mail, Q-EE-9), and
`dial-in-7 ` or ` x`, with their white space, are the live attendees AWS holds so (the plan
removes them under prune), not the declared `dial-in-7`. The CLI, the real boto3 client
and the emulator."""

from __future__ import annotations

import json

import boto3
import pytest
from conftest import ACCOUNT, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000006"
RECEIVE = {"audio": "Receive", "video": "Receive", "content": "Receive"}
VIEWER = "audio Receive, video Receive, content Receive"
ALL = "audio SendReceive, video SendReceive, content SendReceive"
HEADER = f"# meeting m6 (meeting_id {MEETING}, id {MEETING})"


def _meeting(write_desired: WriteDesired, attendee: str, prune: bool = False) -> None:
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "m.yaml": f"""
            meetings:
              m6:
                meeting_id: {MEETING}
                prune: {"true" if prune else "false"}
                attendees:
                  "{attendee}": viewer
            """,
        }
    )


@pytest.fixture
def user_prefixed(emulator: EmulatorServer, write_desired: WriteDesired) -> None:
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "acme", "users": [{"email": "bob@example.com"}]}],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "m6",
                    "attendees": [
                        {"external_user_id": "user:bob@example.com", "capabilities": RECEIVE},
                        {"external_user_id": "bob@example.com"},
                    ],
                }
            ],
        }
    )
    _meeting(write_desired, "user:bob@example.com")


def test_explain_of_user_email_in_a_meeting_is_that_attendee(user_prefixed: None, cli: Cli) -> None:
    run = cli("explain", "user:bob@example.com")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.lines[2:] == [
        HEADER,
        "  declared in desired-state/m.yaml:2",
        f"  capabilities: {VIEWER}",
        f"    {VIEWER} at desired-state/m.yaml:6",
        f"  live: {VIEWER}",
        "  plan: in sync: no change",
        "",
        (
            "Of the desired state's targets, user:bob@example.com is declared in 1 and live in 1 "
            "(audit reads the rooms and channels outside them too)."
        ),
    ]
    doc = json.loads(cli("explain", "user:bob@example.com", "--format", "json").stdout)
    assert doc["member"] == "user:bob@example.com"
    assert [(t["name"], t["declared"]) for t in doc["targets"]] == [("m6", True)]
    # the e-mail is the other attendee, undeclared
    plain = cli("explain", "bob@example.com")
    assert f"  live: {ALL}" in plain.lines
    assert plain.lines[-1] == (
        "Of the desired state's targets, bob@example.com is declared in 0 and live in 1 "
        "(audit reads the rooms and channels outside them too)."
    )


def test_audit_of_user_email_in_a_meeting_is_that_attendee(user_prefixed: None, cli: Cli) -> None:
    run = cli("audit", "user:bob@example.com")
    assert (run.exit_code, run.stderr) == (0, "")
    at = run.lines.index("user:bob@example.com in meetings:")
    row = run.lines[at + 2]
    assert row.split()[:2] == ["m6", MEETING]
    # WHERE as a room row's: the role, then where (Q-FK-1)
    assert row.endswith(f"declared  {VIEWER} at desired-state/m.yaml:6")
    doc = json.loads(cli("audit", "user:bob@example.com", "--format", "json").stdout)
    assert [(m["meeting"], m["live"], m["declared"], m["note"]) for m in doc["meetings"]] == [
        ("m6", RECEIVE, RECEIVE, "declared")
    ]


@pytest.fixture
def padded(
    emulator: EmulatorServer, write_desired: WriteDesired, boto3_session: boto3.session.Session
) -> None:
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "acme"}],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "m6",
                    "attendees": [{"external_user_id": "dial-in-7", "capabilities": RECEIVE}],
                }
            ],
        }
    )
    client = boto3_session.client(
        "chime-sdk-meetings", endpoint_url=emulator.url, region_name="us-east-1"
    )
    for external in ("dial-in-7 ", " x"):
        client.create_attendee(MeetingId=MEETING, ExternalUserId=external)
    _meeting(write_desired, "dial-in-7", prune=True)


@pytest.mark.parametrize("member", ["dial-in-7 ", " x"])
def test_explain_of_a_padded_attendee_is_the_one_the_plan_removes(
    padded: None, cli: Cli, member: str
) -> None:
    run = cli("explain", member)
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.lines[2:] == [
        HEADER,
        "  declared in desired-state/m.yaml:2",
        "  capabilities: not declared",
        f"  live: {ALL}",
        "  plan: the plan removes it (prune is on)",
        "",
        (
            # no audit hint: audit reads the declared meetings only (Q-RR-16)
            f"Of the desired state's targets, {member} is declared in 0 and live in 1."
        ),
    ]
    doc = json.loads(cli("explain", member, "--format", "json").stdout)
    assert doc["member"] == member
    assert [(t["declared"], t["plan"]["outcome"]) for t in doc["targets"]] == [(False, "remove")]


def test_audit_of_a_padded_attendee_is_the_one_the_plan_removes(padded: None, cli: Cli) -> None:
    run = cli("audit", "dial-in-7 ")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.lines[0] == "dial-in-7  in meetings:"
    assert run.lines[2].startswith(f"m6       {MEETING}  {ALL}  -  ")
    assert run.lines[2].endswith("  not declared: plan removes it (prune)  -")
    doc = json.loads(cli("audit", "dial-in-7 ", "--format", "json").stdout)
    assert doc["member"] == "dial-in-7 "
    assert [(m["live"], m["declared"]) for m in doc["meetings"]] == [
        ({"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}, None)
    ]
    # the declared one, without white space, is as declared
    declared = cli("explain", "dial-in-7")
    assert "  plan: in sync: no change" in declared.lines
