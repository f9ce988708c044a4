"""Q-FO-5: README's "API calls: the lower bound" states the bound of a meeting's writes,
and apply spends exactly it over the emulator: ``ceil(adds/100)`` BatchCreateAttendee,
one UpdateAttendeeCapabilities per change, one DeleteAttendee per removal, verification
``ceil(A/100)`` ListAttendees only; never BatchUpdateAttendeeCapabilitiesExcept, whose
reasons the README gives."""

from __future__ import annotations

import math
from pathlib import Path

from conftest import UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
VIEWER = {"audio": "Receive", "video": "Receive", "content": "Receive"}
README = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())


def bound_passage() -> str:
    at = README.index("## API calls: the lower bound")
    return README[at : README.index("* Retries:", at)]


def test_the_readme_states_the_meeting_write_bound_and_why_not_the_batch_call() -> None:
    text = bound_passage()
    assert (
        "Meetings: per meeting, `ceil(adds/100)` `BatchCreateAttendee`, one "
        "`UpdateAttendeeCapabilities` per capability change, one `DeleteAttendee` per removal"
    ) in text
    assert "`ceil(A/100)` `ListAttendees` each" in text
    assert "`BatchUpdateAttendeeCapabilitiesExcept`" in text
    assert "so one call per change is the bound it aims at" in text


def test_apply_spends_the_stated_bound(
    emulator: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    changed, added = 40, 110  # 40 viewers made participants, 110 newcomers, 1 removal
    live = [{"external_user_id": "alice@example.com"}]  # the presenter, unchanged
    live += [
        {"external_user_id": f"u{i:03d}@example.com", "capabilities": VIEWER}
        for i in range(changed)
    ]
    live.append({"external_user_id": "mallory@example.com", "capabilities": VIEWER})
    emulator.reset({"meetings": [{"id": MEETING, "external_meeting_id": "m1", "attendees": live}]})
    people = [f"      u{i:03d}@example.com: participant" for i in range(changed)]
    people += [f"      n{i:03d}@example.com: viewer" for i in range(added)]
    write_desired(
        {
            "m.yaml": f"meetings:\n  m:\n    meeting_id: {MEETING}\n    prune: true\n"
            "    attendees:\n      alice@example.com: presenter\n" + "\n".join(people) + "\n"
        }
    )
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    after = 1 + changed + added
    assert emulator.calls() == {
        "GetMeeting": 1,
        "ListAttendees": math.ceil(len(live) / 100) + math.ceil(after / 100),
        "BatchCreateAttendee": math.ceil(added / 100),
        "UpdateAttendeeCapabilities": changed,
        "DeleteAttendee": 1,
    }
    assert len(emulator.meetings.attendees_of(MEETING)) == after
