"""E-mail member references are compared ignoring case letter by letter (``str.lower``),
never by ``casefold``, which takes ``straße@…`` for ``strasse@…``: two addresses, two
ExternalUserIds (and two people) to AWS. Plan, apply, a saved plan and validate, through
the CLI, the real boto3 client and the emulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT

from reconciler.emulator import EmulatorServer
from reconciler.refs import MemberRef

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
VIEW = {"audio": "Receive", "video": "Receive", "content": "Receive"}


@pytest.fixture
def bridge(emulator: EmulatorServer, write_desired: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "attendees": [
                        {"external_user_id": "strasse@example.com", "capabilities": VIEW}
                    ],
                }
            ]
        }
    )

    def declare(*who: str) -> None:
        entries = "".join(f"      {w}: viewer\n" for w in who)
        write_desired(
            {
                "m.yaml": "meetings:\n  bridge:\n    meeting_id: ${INCIDENT_MEETING_ID}\n"
                "    prune: false\n    attendees:\n" + entries
            }
        )

    return declare


def test_strasse_and_strasse_with_sharp_s_are_two_attendees(
    bridge: Any, emulator: EmulatorServer, cli: Any
) -> None:
    bridge("straße@example.com")
    planned = cli("plan", "--out", "plan.json")
    assert planned.exit_code == 0, planned.stderr
    assert "  + straße@example.com (audio Receive, video Receive, content Receive)" in (
        planned.lines
    )
    assert "Plan: 1 to add, 0 to change, 0 to remove." in planned.lines
    applied = cli("apply", "plan.json", "--auto-approve")  # the saved plan reads it back
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert set(emulator.meetings.attendees_of(MEETING)) == {
        "strasse@example.com",
        "straße@example.com",
    }
    again = cli("plan")  # strasse@ is left as it is (prune: false), straße@ is there
    assert "No changes, but Chime has 1 attendee the desired state does not declare." in again.lines
    # declaring both is two entries, not one listed twice
    bridge("straße@example.com", "strasse@example.com")
    assert cli("validate").exit_code == 0


def test_case_still_does_not_matter() -> None:
    assert MemberRef.user(" Straße@Example.COM ") == MemberRef.user("straße@example.com")
    assert MemberRef.user("straße@example.com") != MemberRef.user("strasse@example.com")


def test_a_room_adds_the_user_straße_not_strasse(
    seed: Any, write_desired: Any, cli: Any, members: Any
) -> None:
    seed(users=["strasse", "straße"], rooms={"ops": [("strasse", "Member")]})
    write_desired(
        {
            "settings.yaml": f"account: '{ACCOUNT}'\n",
            "rooms.yaml": "rooms:\n  ops: {members: [strasse@example.com, Straße@example.com]}\n",
        }
    )
    planned = cli("plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert "Plan: 1 to add, 0 to change, 0 to remove." in planned.lines
    assert cli("apply", "--auto-approve").exit_code == 0
    assert members("ops") == {"uid-strasse": "Member", "uid-straße": "Member"}


def test_a_plan_saved_with_casefolded_keys_is_refused_as_older_not_corrupt(
    bridge: Any, emulator: EmulatorServer, cli: Any
) -> None:
    """QA-V Q-V-3: the build before e-mail keys were ``str.lower`` wrote ``casefold()``
    keys under the same format_version; such a plan (rewritten as that build wrote it) is
    refused by show and apply as made by an older version, to be made again, not as a
    corrupt file, and nothing is applied."""
    bridge("Straße@example.com")
    assert cli("plan", "--out", "plan.json").exit_code == 0
    path = Path("plan.json")
    doc = json.loads(path.read_text())
    for change in doc["targets"][0]["changes"]:
        change["member_key"] = change["member"].casefold()  # the previous build's key
    path.write_text(json.dumps(doc))
    for command in (("show", "plan.json"), ("apply", "plan.json", "--auto-approve")):
        run = cli(*command)
        assert run.exit_code == 1, command
        assert (
            "Error: Cannot use the saved plan plan.json: made by an older chime-reconciler "
            "(targets[0].changes[0].member_key: 'strasse@example.com' is "
            "'Straße@example.com' casefolded, the key of versions that took e-mail "
            "addresses differing only by casefold (straße@ and strasse@) for one member; "
            "they are two now); run plan again with this version"
        ) in run.stderr.splitlines(), run.stdout + run.stderr
        assert "corrupt" not in run.stderr
    assert set(emulator.meetings.attendees_of(MEETING)) == {"strasse@example.com"}
    assert cli("apply", "--auto-approve").exit_code == 0  # made again: applies
    assert "Straße@example.com" in emulator.meetings.attendees_of(MEETING)
