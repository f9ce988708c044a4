"""`--target NAME` where a room, a channel and a meeting share the name (names are unique
per kind only): the name alone is refused, listing the kind-qualified forms, and changes
nothing; `--target KIND:NAME` (the kind's word: room, channel, meeting) selects that
kind's target alone, a channel's moderators with it (QA-HF Q-HF-1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer, load_seed

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
DEMO_SEED = Path(__file__).parents[2] / "reconciler" / "demo" / "seed.yaml"
SETTINGS = """
    account: 11111111-2222-3333-4444-555555555555
    app_instances:
      chat:
        arn: arn:aws:chime:us-east-1:111122223333:app-instance/chat
        bearer: user:reconciler
    """
SHARED = f"""
    rooms:
      incident-chat:
        id: room-incident-response
        members: [alice@example.com]
    channels:
      incident-chat:
        members: [alice@example.com, mallory@example.com, dave@example.com]
        moderators: [dave@example.com]
    meetings:
      incident-chat:
        meeting_id: {MEETING}
        attendees:
          alice@example.com: viewer
    """
AMBIGUOUS = (
    "Error: --target: 'incident-chat' names 3 targets of different kinds; give --target "
    "'channel:incident-chat', --target 'meeting:incident-chat' or --target "
    "'room:incident-chat' (several --target to select more than one)"
)


@pytest.fixture
def shared(emulator: EmulatorServer, write_desired: Any) -> EmulatorServer:
    seed = load_seed(DEMO_SEED)
    seed["meetings"] = [
        {
            "id": MEETING,
            "external_meeting_id": "incident-42",
            "attendees": [{"external_user_id": "alice@example.com"}],
        }
    ]
    emulator.reset(seed)
    write_desired({"settings.yaml": SETTINGS, "a.yaml": SHARED})
    return emulator


def headers(lines: list[str]) -> list[str]:
    return [line.split(" (")[0] for line in lines if line.startswith("# ")]


def test_a_name_of_several_kinds_is_refused_and_apply_changes_nothing(
    shared: EmulatorServer, cli: Any
) -> None:
    before = cli("plan").stdout
    applied = cli("apply", "--auto-approve", "--target", "incident-chat")
    assert applied.exit_code == 1
    assert AMBIGUOUS in applied.lines
    assert cli("plan").stdout == before  # nothing applied, the meeting's alice included
    explained = cli("explain", "alice@example.com", "--target", "incident-chat")
    assert (explained.exit_code, explained.err_lines[-1]) == (1, AMBIGUOUS)


def test_the_kind_qualified_name_selects_that_kind_alone(shared: EmulatorServer, cli: Any) -> None:
    planned = cli("plan", "--target", "channel:incident-chat")
    assert planned.exit_code == 0, planned.stderr
    assert headers(planned.lines) == [
        "# channel incident-chat",
        "# channel moderators incident-chat",
    ]
    two = cli("plan", "--target", "meeting:incident-chat", "--target", "room:incident-chat")
    assert headers(two.lines) == ["# meeting incident-chat", "# room incident-chat"]
    applied = cli("apply", "--auto-approve", "--target", "meeting:incident-chat")
    assert applied.exit_code == 0, applied.stderr
    assert headers(cli("plan", "--detailed-exitcode").lines) == [
        "# channel incident-chat",
        "# channel moderators incident-chat",
        "# room incident-chat",
    ]  # the meeting converged alone
    explained = cli("explain", "alice@example.com", "--target", "room:incident-chat")
    assert explained.exit_code == 0, explained.stderr
    assert headers(explained.lines) == ["# room incident-chat"]


def test_ids_still_select_and_a_misspelt_qualified_name_is_offered_the_right_one(
    shared: EmulatorServer, cli: Any
) -> None:
    by_id = cli("plan", "--target", "room-incident-response", "--target", MEETING)
    assert headers(by_id.lines) == ["# meeting incident-chat", "# room incident-chat"]
    typo = cli("plan", "--target", "channel:incident-caht")
    assert typo.exit_code == 1
    assert typo.lines[0].startswith(
        "Error: --target: no target named 'channel:incident-caht' is declared "
        "(did you mean 'channel:incident-chat'?)"
    )
