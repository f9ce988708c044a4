"""`explain`, `validate` and `codeowners` on channels (members, moderators) and meetings
(attendees), through the CLI, the real boto3 clients and the emulator over HTTP; output
compared line by line. The clock is fixed with --now."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

NOW = ("--now", "2027-03-20")
D = "desired-state"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
ALL = {"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}
VIEW = {"audio": "Receive", "video": "Receive", "content": "Receive"}

FILES = {
    "settings.yaml": f"""
        app_instances:
          chat:
            arn: {INSTANCE}
            bearer: user:reconciler
    """,
    "groups.yaml": """
        groups:
          sre:
            - alice@example.com
            - {member: carol@example.com, until: 2027-03-01, reason: quarterly audit}
    """,
    "chat.yaml": """
        channels:
          incident-chat:
            prune: true
            owners: [example-org/chat-admins]
            members: ["@sre"]
            moderators:
              - {member: alice@example.com, until: 2027-03-31, reason: incident lead, ticket: OPS-9}
    """,
    "meetings.yaml": f"""
        meetings:
          bridge:
            meeting_id: {MEETING}
            prune: true
            owners: [bob]
            attendees:
              "@sre": viewer
              alice@example.com: {{profile: presenter, until: 2027-03-25, reason: demo}}
    """,
}


@pytest.fixture
def scenario(emulator: EmulatorServer, write_desired: Any) -> None:
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["reconciler"],
                    "users": [
                        {"id": "reconciler"},
                        {"id": "alice@example.com"},
                        {"id": "carol@example.com"},
                    ],
                    "channels": [
                        {
                            "name": "incident-chat",
                            "id": "ch-1",
                            "members": ["alice@example.com", "carol@example.com"],
                            "moderators": [],
                        }
                    ],
                }
            ],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "attendees": [
                        {"external_user_id": "alice@example.com", "capabilities": VIEW},
                        {"external_user_id": "carol@example.com", "capabilities": VIEW},
                    ],
                }
            ],
        }
    )
    write_desired(FILES)


def test_explain_covers_channels_moderators_and_meetings(scenario: None, cli: Any) -> None:
    run = cli(*UNPACED, *NOW, "explain", "alice@example.com")
    assert run.exit_code == 0, run.stderr
    chat = f"(app instance {INSTANCE}, id {INSTANCE}/channel/ch-1)"
    assert run.lines == [
        "Explaining alice@example.com as of 2027-03-20T00:00:00Z.",
        "",
        f"# channel incident-chat {chat}",
        f"  declared in {D}/chat.yaml:2; owners: @example-org/chat-admins",
        "  role: DEFAULT",
        f"    DEFAULT via @sre at {D}/groups.yaml:3 (from {D}/chat.yaml:5)",
        "  live: DEFAULT",
        "  plan: in sync: no change",
        "",
        f"# channel moderators incident-chat {chat}",
        f"  declared in {D}/chat.yaml:2; owners: @example-org/chat-admins",
        "  role: Moderator",
        f"    Moderator at {D}/chat.yaml:7, until 2027-03-31 (11 days left), reason: "
        "incident lead, ticket OPS-9",
        "  live: not a member",
        "  plan: the plan adds it as Moderator",
        "",
        f"# meeting bridge (meeting_id {MEETING}, id {MEETING})",
        f"  declared in {D}/meetings.yaml:2; owners: @bob",
        "  capabilities: audio SendReceive, video SendReceive, content SendReceive",
        f"    audio Receive, video Receive, content Receive via @sre at {D}/groups.yaml:3 "
        f"(from {D}/meetings.yaml:7)",
        "    audio SendReceive, video SendReceive, content SendReceive at "
        f"{D}/meetings.yaml:8, until 2027-03-25 (5 days left), reason: demo",
        "  live: audio Receive, video Receive, content Receive",
        "  plan: the plan changes its capabilities audio Receive, video Receive, content "
        "Receive -> "
        "audio SendReceive, video SendReceive, content SendReceive",
        "",
        (
            "Of the desired state's targets, alice@example.com is declared in 3 and live in 2 "
            "(audit reads the rooms and channels outside them too)."
        ),
    ]


def test_explain_an_expired_attendee_and_channel_member_in_json(scenario: None, cli: Any) -> None:
    run = cli(*UNPACED, *NOW, "explain", "carol@example.com", "--format", "json")
    assert run.exit_code == 0, run.stderr
    doc = json.loads(run.stdout)
    got = [
        (
            t["kind"],
            t["name"],
            t["role"],
            [(p["expired"], p["until"], p["reason"], p["via"]) for p in t["paths"]],
            t["plan"]["outcome"],
        )
        for t in doc["targets"]
    ]
    assert got == [
        ("channel", "incident-chat", None, [(True, "2027-03-01", "quarterly audit", ["sre"])],
         "remove"),
        ("meeting", "bridge", None, [(True, "2027-03-01", "quarterly audit", ["sre"])],
         "remove"),
    ]  # fmt: skip
    assert doc["summary"] == {"declared": 0, "live": 2}
    text = cli(*UNPACED, *NOW, "explain", "carol@example.com", "--target", "bridge")
    assert text.lines[2:] == [
        f"# meeting bridge (meeting_id {MEETING}, id {MEETING})",
        f"  declared in {D}/meetings.yaml:2; owners: @bob",
        "  capabilities: not declared",
        f"    expired 2027-03-01: audio Receive, video Receive, content Receive via @sre at "
        f"{D}/groups.yaml:4 (from {D}/meetings.yaml:7), reason: quarterly audit",
        "  live: audio Receive, video Receive, content Receive",
        "  plan: the plan removes it (prune is on)",
        "",
        (
            "Of the 1 target selected by --target, carol@example.com is declared in 0 and live in "
            "1 (explain without --target reads the others)."
        ),
    ]


def test_explain_json_gives_capabilities_as_the_json_plan_does(scenario: None, cli: Any) -> None:
    run = cli(
        *UNPACED, *NOW, "explain", "alice@example.com", "--target", "bridge", "--format", "json"
    )
    assert run.exit_code == 0, run.stderr
    (target,) = json.loads(run.stdout)["targets"]
    presenter = {"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}
    viewer = {"audio": "Receive", "video": "Receive", "content": "Receive"}
    assert target["role"] == presenter
    assert [p["role"] for p in target["paths"]] == [viewer, presenter]
    assert target["live"]["role"] == viewer
    plan = cli(*UNPACED, *NOW, "plan", "--target", "bridge", "--format", "json")
    (change,) = [
        c
        for t in json.loads(plan.stdout)["targets"]
        for c in t["changes"]
        if c["member"] == "alice@example.com"
    ]
    assert (change["role_before"], change["role_after"]) == (target["live"]["role"], target["role"])
    # a room's or channel's role stays its name
    chat = cli(
        *UNPACED,
        *NOW,
        "explain",
        "alice@example.com",
        "--target",
        "incident-chat",
        "--format",
        "json",
    )
    assert [t["role"] for t in json.loads(chat.stdout)["targets"]] == ["DEFAULT", "Moderator"]


def test_the_meetings_plan_removes_the_expired_attendee_and_says_why(
    scenario: None, cli: Any
) -> None:
    run = cli(*UNPACED, *NOW, "plan", "--target", "bridge")
    assert run.exit_code == 0, run.stderr
    assert run.lines[:4] == [
        f"# meeting bridge (meeting_id {MEETING}, id {MEETING})",
        "  ~ alice@example.com: audio Receive, video Receive, content Receive -> audio "
        "SendReceive, video SendReceive, content SendReceive",
        "  - carol@example.com (audio Receive, video Receive, content Receive): expired "
        f"2027-03-01, declared at {D}/groups.yaml:4",
        "",
    ]
    assert run.lines[-4:] == [
        "Warning: 1 membership ends within 14 days:",
        "  alice@example.com in meeting bridge: audio SendReceive, video SendReceive, content "
        f"SendReceive until 2027-03-25 (5 days left), declared at {D}/meetings.yaml:8",
        "",
        "Plan: 0 to add, 1 to change, 1 to remove.",
    ]


def test_codeowners_names_the_owners_of_channel_and_meeting_files(
    scenario: None, cli: Any, workdir: Any
) -> None:
    (workdir / ".git").mkdir()
    run = cli(*UNPACED, "codeowners", "--stdout")
    assert (run.exit_code, run.lines) == (
        0,
        [
            f"/{D}/chat.yaml @example-org/chat-admins",
            f"/{D}/meetings.yaml @bob",
        ],
    )


def test_validate_requires_reasons_for_presenters_and_moderators_and_limits_each_role(
    scenario: None, cli: Any, workdir: Any, write_desired: Any
) -> None:
    (workdir / ".git").mkdir()
    assert cli(*UNPACED, "codeowners").exit_code == 0
    settings = FILES["settings.yaml"] + "    require_reason: true\n"
    meetings = FILES["meetings.yaml"] + "          dave@example.com: presenter\n"
    write_desired({"settings.yaml": settings, "meetings.yaml": meetings})
    run = cli(*UNPACED, *NOW, "validate", "--max-duration", "presenters=3d", "--max-duration",
              "moderators=30d")  # fmt: skip
    assert (run.exit_code, [line for line in run.err_lines if "Warning: " not in line]) == (
        1,
        [
            f"{D}/meetings.yaml:8: meeting bridge: alice@example.com until 2027-03-25 ends "
            "after 2027-03-23: grants in presenters may last at most 3 days (--max-duration)",
            f"{D}/meetings.yaml:9: meeting bridge: Presenter dave@example.com needs a reason: "
            "add `reason:` or `ticket:` to this entry (settings.yaml require_reason)",
            f"{D}/meetings.yaml:9: meeting bridge: dave@example.com has no `until:`: grants "
            "in presenters may last at most 3 days (--max-duration)",
            "Desired state is invalid: 3 errors.",
        ],
    )


@pytest.mark.parametrize("invalid", [False, True])
def test_validate_warns_about_expired_and_soon_ending_entries_of_every_kind(
    scenario: None, cli: Any, workdir: Any, invalid: bool
) -> None:
    """With an error too (QA-HE Q-HE-4: a policy error dropped every warning), before
    the errors, as plan gives them."""
    (workdir / ".git").mkdir()
    assert cli(*UNPACED, "codeowners").exit_code == 0
    more = ("--max-duration", "presenters=3d") if invalid else ()
    run = cli(*UNPACED, *NOW, "validate", *more)
    assert (run.exit_code, run.err_lines[:4]) == (
        int(invalid),
        [
            "Warning: alice@example.com in meeting bridge: audio SendReceive, video "
            "SendReceive, content SendReceive until 2027-03-25 (5 days left), declared at "
            f"{D}/meetings.yaml:8",
            "Warning: alice@example.com in channel moderators incident-chat: Moderator until "
            f"2027-03-31 (11 days left), declared at {D}/chat.yaml:7",
            "Warning: carol@example.com in channel incident-chat: DEFAULT expired 2027-03-01, "
            f"declared at {D}/groups.yaml:4: the entry can be removed",
            "Warning: carol@example.com in meeting bridge: audio Receive, video Receive, "
            f"content Receive expired 2027-03-01, declared at {D}/groups.yaml:4: the entry "
            "can be removed",
        ],
    )
    errors = [line for line in run.err_lines[4:] if not line.startswith("Warning: ")]
    assert (len(errors), errors[-1:]) == (
        (2, ["Desired state is invalid: 1 error."]) if invalid else (0, [])
    )


def test_the_count_under_target_says_what_it_selects(scenario: None, cli: Any) -> None:
    """QA-GZ-4: one --target naming a channel selects two targets (the channel and its
    moderators), and the closing count said "Of the 2 targets selected by --target" though one
    was given. Now it says what --target selected."""
    run = cli(*UNPACED, *NOW, "explain", "bob@example.com", "--target", "incident-chat")
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1].startswith("Of the 2 targets selected by --target, bob@example.com is")
