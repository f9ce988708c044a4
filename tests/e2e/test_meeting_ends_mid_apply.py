"""A meeting that ends while apply works on it (AWS ends one 5 minutes after its last
attendee leaves): once a call finds the meeting itself gone, no further call goes to it;
the change that found it fails once, saying so, the meeting's other changes not made are
reported not attempted (removals not counted ``already gone``), and verification does not
call the removals done before the end unverified."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
VIEWER = {"audio": "Receive", "video": "Receive", "content": "Receive"}
LIVE = 20  # u000..u019, viewers
CHANGED = 5  # u000..u004 become participants; u005..u019 are removed (prune)
NEW = 3
ENDS_AFTER = 3  # DeleteAttendee calls served before the meeting ends


@pytest.fixture
def bridge(
    emulator: EmulatorServer, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LIVE viewers; CHANGED of them made participants, NEW added, the rest removed."""
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    attendees = [
        {"external_user_id": f"u{i:03}@example.com", "capabilities": VIEWER} for i in range(LIVE)
    ]
    emulator.reset(
        {"meetings": [{"id": MEETING, "external_meeting_id": "bridge", "attendees": attendees}]}
    )
    declared = {f"u{i:03}@example.com": "participant" for i in range(CHANGED)}
    declared.update({f"n{i}@example.com": "viewer" for i in range(NEW)})
    body = "".join(f"      {who}: {role}\n" for who, role in declared.items())
    write_desired(
        {
            "meetings.yaml": "meetings:\n  bridge:\n    meeting_id: ${INCIDENT_MEETING_ID}\n"
            "    prune: true\n    safety: {max_removals: 100, max_removal_fraction: 1.0}\n"
            "    attendees:\n" + body
        }
    )
    emulator.set_faults(latency_ms=100)
    emulator.reset_calls()


def when_deleted(calls: Callable[[], dict[str, int]], then: Callable[[], None]) -> threading.Thread:
    """A thread that runs ``then`` once ENDS_AFTER DeleteAttendee calls were served."""

    def wait() -> None:
        deadline = time.monotonic() + 30
        while calls().get("DeleteAttendee", 0) < ENDS_AFTER and time.monotonic() < deadline:
            time.sleep(0.01)
        then()

    thread = threading.Thread(target=wait)
    thread.start()
    return thread


def test_an_attendee_gone_meanwhile_is_already_gone_and_the_apply_goes_on(
    bridge: None, emulator: EmulatorServer, cli: Cli, calls: Callable[[], dict[str, int]]
) -> None:
    """The meeting still there: a removal answered NotFound is its attendee's, done."""
    last = f"u{LIVE - 1:03}@example.com"

    def remove_last() -> None:
        (meeting,) = emulator.state()["meetings"]
        (gone,) = [a["id"] for a in meeting["attendees"] if a["external_user_id"] == last]
        emulator.meetings.delete_attendee(MEETING, gone)

    remover = when_deleted(calls, remove_last)
    done = cli("apply", "--auto-approve")
    remover.join()
    assert done.exit_code == 0, done.stdout + done.stderr
    assert "1 already gone" in done.stdout
    assert calls().get("BatchCreateAttendee") == 1


def test_a_meeting_ended_mid_apply_is_not_called_again_and_reported_once(
    bridge: None,
    emulator: EmulatorServer,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    workdir: Path,
) -> None:
    ender = when_deleted(calls, lambda: emulator.meetings.end_meeting(MEETING))
    done = cli("apply", "--auto-approve", "--out", "result.json")
    ender.join()
    assert done.exit_code == 1, done.stdout + done.stderr
    made: dict[str, int] = calls()
    # the removals go first, one call each: at most the one in flight when the meeting
    # ended and the one that found it gone; nothing after
    assert ENDS_AFTER <= made.get("DeleteAttendee", 0) <= ENDS_AFTER + 2, made
    assert made.get("UpdateAttendeeCapabilities", 0) == 0, made
    assert made.get("BatchCreateAttendee", 0) == 0, made
    failures = [line for line in done.lines if line.strip().startswith("! ")]
    assert len(failures) == 1, done.stdout
    assert "NotFoundException" in failures[0]
    assert "the meeting is gone: ended or deleted during the apply" in failures[0]
    document = json.loads((workdir / "result.json").read_text())
    outcomes: dict[str, int] = {}
    for change in document["changes"]:
        outcomes[change["outcome"]] = outcomes.get(change["outcome"], 0) + 1
    removed = made["DeleteAttendee"] - 1  # all but the one that found the meeting gone
    total = CHANGED + NEW + (LIVE - CHANGED)
    assert outcomes == {"ok": removed, "failed": 1, "skipped": total - removed - 1}, outcomes
    skipped = {c["error"]["message"] for c in document["changes"] if c["outcome"] == "skipped"}
    assert skipped == {
        "not attempted: the meeting was found gone (ended or deleted) during the apply"
    }
    # the removals made before the end are done: the meeting, and they, are gone
    assert "Verification:" not in done.stderr, done.stderr
    assert document["verified"] is not False
    again = cli("plan")
    assert again.exit_code == 0
    assert "has ended" in again.stdout


def _meeting(
    emulator: EmulatorServer, write_desired: WriteDesired, live: list[Any], body: str
) -> None:
    emulator.reset(
        {"meetings": [{"id": MEETING, "external_meeting_id": "bridge", "attendees": live}]}
    )
    write_desired(
        {
            "meetings.yaml": "meetings:\n  bridge:\n    meeting_id: ${INCIDENT_MEETING_ID}\n"
            "    prune: true\n    safety: {max_removals: 100, max_removal_fraction: 1.0}\n"
            "    attendees:\n" + body
        }
    )


def test_presenter_removals_skipped_for_a_meeting_ended_say_so(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Q-T-2: presenter removals not made because the meeting ended give that reason, not
    "adding a presenter to this meeting failed first" (no presenter add was tried)."""
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    live = [{"external_user_id": f"u{i:03}@example.com", "capabilities": VIEWER} for i in range(20)]
    live += [{"external_user_id": f"p{i:03}@example.com"} for i in range(5)]  # presenters
    body = "".join(f"      u{i:03}@example.com: viewer\n" for i in range(5))
    body += "".join(f"      n{i:03}@example.com: presenter\n" for i in range(3))
    _meeting(emulator, write_desired, live, body)
    emulator.set_faults(latency_ms=100)
    emulator.reset_calls()
    ender = when_deleted(calls, lambda: emulator.meetings.end_meeting(MEETING))
    done = cli("apply", "--auto-approve", "--out", "result.json")
    ender.join()
    assert done.exit_code == 1, done.stdout + done.stderr
    document = json.loads((workdir / "result.json").read_text())
    presenters = [c for c in document["changes"] if c["member"].startswith("p0")]
    assert len(presenters) == 5
    assert {c["outcome"] for c in presenters} == {"skipped"}
    assert {c["error"]["message"] for c in presenters} == {
        "not attempted: the meeting was found gone (ended or deleted) during the apply"
    }
    assert "failed first" not in done.stdout


def test_a_meeting_ended_during_a_batch_of_additions_fails_once(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Q-V-2: 150 additions go in two batches (100 + 50); the meeting ends while the
    second is in flight. That call fails once, its other 49 changes are not attempted, and
    the 100 added before are not 100 verification warnings: one note says they went with
    the meeting."""
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    live = [{"external_user_id": "old@example.com", "capabilities": VIEWER}]
    body = "".join(f"      u{i:03}@example.com: viewer\n" for i in range(150))
    body += "      old@example.com: viewer\n"
    _meeting(emulator, write_desired, live, body)
    emulator.set_faults(latency_ms=300)  # the second batch waits that long to be served
    emulator.reset_calls()

    def end_during_second_batch() -> None:
        deadline = time.monotonic() + 30
        while calls().get("BatchCreateAttendee", 0) < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        emulator.meetings.end_meeting(MEETING)

    ender = threading.Thread(target=end_during_second_batch)
    ender.start()
    done = cli("apply", "--auto-approve", "--out", "result.json")
    ender.join()
    assert done.exit_code == 1, done.stdout + done.stderr
    failures = [line for line in done.lines if line.strip().startswith("! ")]
    assert len(failures) == 1, done.stdout
    assert "the meeting is gone: ended or deleted during the apply" in failures[0]
    assert "Apply incomplete: 1 of 150 changes failed, 49 not attempted" in done.stdout
    document = json.loads((workdir / "result.json").read_text())
    outcomes: dict[str, int] = {}
    for change in document["changes"]:
        outcomes[change["outcome"]] = outcomes.get(change["outcome"], 0) + 1
    assert outcomes == {"ok": 100, "failed": 1, "skipped": 49}, outcomes
    assert "Verification:" not in done.stderr, done.stderr
    assert "?" not in done.stderr, done.stderr
    note = [line for line in done.stderr.splitlines() if line.startswith("Note: meeting bridge")]
    assert note == [
        "Note: meeting bridge was found gone (ended or deleted) during the apply: the 100 "
        "changes made to it before went with it; not read again"
    ], done.stderr
    assert document["verified"] is True
