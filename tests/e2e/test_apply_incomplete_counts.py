"""An incomplete apply counts every change it applied in its closing line, those found so
already included, as a complete apply does: ``(2 applied: 0 added, 1 changed, 0 removed,
1 already gone)``, and lists such a change with its JSON outcome, ``already``, not ``ok``
(QA-A Q-A-4). The CLI in process, the real boto3 client, the emulator over HTTP; someone
removes an attendee just before the apply's own DeleteAttendee, while another change
fails for good."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
VIEWER = {"audio": "Receive", "video": "None", "content": "None"}
ALL = "audio SendReceive, video SendReceive, content SendReceive"
PARTICIPANT = "audio SendReceive, video SendReceive, content Receive"


@pytest.fixture
def bridge(emulator: EmulatorServer, write_desired: WriteDesired) -> EmulatorServer:
    """alice promoted, dial-in-7 added (every BatchCreateAttendee fails, once: no retry),
    mallory removed, by someone else just before the apply's own DeleteAttendee."""
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "incident-42",
                    "attendees": [
                        {"external_user_id": "alice@example.com", "capabilities": VIEWER},
                        {"external_user_id": "mallory@example.com"},  # all SendReceive
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "m.yaml": f"""
                meetings:
                  bridge:
                    meeting_id: {MEETING}
                    prune: true
                    attendees: {{alice@example.com: presenter, dial-in-7: participant}}
                """,
        }
    )
    emulator.set_faults(error_rate=1.0, operations=["BatchCreateAttendee"])
    return emulator


def someone_deletes_first(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every DeleteAttendee is made twice: someone else's first, then the apply's."""
    handle = emulator.app.handle

    def twice(method: str, target: str, *args: Any, **kwargs: Any) -> Any:
        if method == "DELETE" and "/attendees/" in target:
            handle(method, target, *args, **kwargs)
        return handle(method, target, *args, **kwargs)

    monkeypatch.setattr(emulator.app, "handle", twice)


def test_an_incomplete_apply_counts_a_removal_already_gone(
    bridge: EmulatorServer,
    cli: Cli,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    someone_deletes_first(bridge, monkeypatch)
    run = cli("apply", "--auto-approve", "--out", "result.json")
    assert run.exit_code == 1, run.stdout + run.stderr
    lines = run.lines[run.lines.index("Applied:") :]
    assert lines[:3] == [
        "Applied:",
        f"  ok ~ alice@example.com: audio Receive, video None, content None -> {ALL} in bridge",
        f"  already - mallory@example.com ({ALL}) in bridge (already gone)",
    ]
    assert lines[3] == "Failed:"
    assert lines[4].startswith(f"  ! + dial-in-7 ({PARTICIPANT}) in bridge: "), lines
    assert lines[5:] == [
        "Apply incomplete: 1 of 3 changes failed "
        "(2 applied: 0 added, 1 changed, 0 removed, 1 already gone).",
    ]
    # the text says what the JSON result says
    result = json.loads((workdir / "result.json").read_text())
    assert [(c["member"], c["outcome"]) for c in result["changes"]] == [
        ("dial-in-7", "failed"),
        ("alice@example.com", "ok"),
        ("mallory@example.com", "already"),
    ]
    summary = result["summary"]
    assert (summary["ok"], summary["already"], summary["failed"]) == (1, 1, 1)


def test_a_complete_apply_counts_it_the_same_way(
    bridge: EmulatorServer, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    bridge.set_faults()  # dial-in-7 is added this time
    someone_deletes_first(bridge, monkeypatch)
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert (
        run.lines[-1]
        == "Apply complete! Memberships: 1 added, 1 changed, 0 removed (1 already gone)."
    )
