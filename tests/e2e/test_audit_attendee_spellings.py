"""`audit` on a meeting with two live attendees whose e-mail ExternalUserIds differ only
in case (Q-BJ-1): each row is planned with the member's other attendee there, as `plan`
plans them, so its NOTE is what the plan does to that attendee, and it names the attendee
(its ExternalUserId as live, and its id). Through the CLI, boto3 and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-0000000000b1"
ALL = {"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}
VIEW = {"audio": "Receive", "video": "Receive", "content": "Receive"}
PRESENTER = "audio SendReceive, video SendReceive, content SendReceive"


def _case(emulator: EmulatorServer, write_desired: Any, prune: bool) -> None:
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "attendees": [
                        {"external_user_id": "ALICE@EXAMPLE.COM", "capabilities": ALL},
                        {"external_user_id": "alice@example.com", "capabilities": VIEW},
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "meetings.yaml": f"""
                meetings:
                  bridge:
                    meeting_id: {MEETING}
                    prune: {str(prune).lower()}
                    attendees: {{alice@example.com: presenter}}
            """,
        }
    )


def _rows(cli: Any) -> list[tuple[Any, Any, str]]:
    run = cli("audit", "alice@example.com", "--format", "json")
    assert run.exit_code == 0, run.stderr
    return [(r["live"], r["declared"], r["note"]) for r in json.loads(run.stdout)["meetings"]]


def _spelled(note: str) -> tuple[str, str]:
    """The attendee a note names, and what it says of it."""
    who, _, what = note.partition(": ")
    return who.split(" (id ")[0], what


@pytest.mark.parametrize("prune", [False, True])
def test_each_attendee_gets_the_plans_answer(
    emulator: EmulatorServer, write_desired: Any, cli: Any, prune: bool
) -> None:
    _case(emulator, write_desired, prune)
    plan = cli("plan", "--format", "json")
    [target] = json.loads(plan.stdout)["targets"]
    changes = {(c["action"], c["member"]) for c in target["changes"]}
    undeclared = ("delete", "ALICE@EXAMPLE.COM") if prune else None
    assert changes == {("update", "alice@example.com"), undeclared} - {None}

    rows = {
        _spelled(note)[0]: (live, declared, _spelled(note)[1])
        for live, declared, note in _rows(cli)
    }
    # the declared spelling: the plan changes its capabilities
    assert rows["alice@example.com"] == (
        VIEW,
        ALL,
        f"plan changes the capabilities to {PRESENTER}",
    )
    # the other: undeclared, as the plan has it (removed, or drift it keeps)
    kept = "not declared: plan removes it (prune)" if prune else "not declared: kept (prune off)"
    assert rows["ALICE@EXAMPLE.COM"] == (ALL, None, kept)

    # the text rows say which attendee each is, too
    text = cli("audit", "alice@example.com").stdout
    assert "ALICE@EXAMPLE.COM (id " in text and "alice@example.com (id " in text
