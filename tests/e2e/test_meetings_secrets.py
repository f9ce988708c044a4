"""JoinTokens never leave the meetings API: every byte the CLI writes in an end-to-end run
at -vv, with faults injected and botocore's own DEBUG logging turned on (it logs raw
response bodies), plus every file it writes, is searched for every JoinToken the emulator
issued."""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer
from reconciler.providers.meetings_api import redact, strip_tokens

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
DESIRED = """
groups:
  sre: [alice@example.com, bob@example.com]
meetings:
  bridge:
    meeting_id: ${INCIDENT_MEETING_ID}
    prune: true
    attendees:
      alice@example.com: presenter
      "@sre": participant
      dial-in-7: viewer
"""


@pytest.fixture
def botocore_debug() -> Iterator[io.StringIO]:
    """botocore's and urllib3's DEBUG logging on, into a buffer (as a user may turn it on:
    ``boto3.set_stream_logger("")``)."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    saved = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(saved)


def test_no_join_token_in_any_output_log_or_file(
    emulator: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    botocore_debug: io.StringIO,
) -> None:
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    write_desired({"m.yaml": DESIRED})
    crowd = [{"external_user_id": f"guest{i:03d}@example.com"} for i in range(15)]
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "incident-42",
                    "attendees": [{"external_user_id": "bob@example.com"}, *crowd],
                }
            ]
        }
    )
    emulator.set_faults(throttle_rate=0.15, error_rate=0.1, item_error_rate=0.3, seed=11)
    outputs: list[str] = []

    def run(*args: str) -> int:
        result = cli("-vv", *args)
        outputs.extend([result.stdout, result.stderr])
        return result.exit_code

    run("plan")
    run("plan", "--out", "plan.json")
    run("plan", "--format", "json")
    run("plan", "--format", "markdown")
    run("show", "plan.json", "--format", "json")
    run("apply", "--auto-approve", "--allow-unsafe")  # 15 removals: over the safety limit
    run("apply", "--auto-approve", "--allow-unsafe")  # whatever faults left undone
    assert set(emulator.meetings.attendees_of(MEETING)) == {
        "alice@example.com",
        "bob@example.com",
        "dial-in-7",
    }
    # people keep joining during a watch; then the meeting ends
    client = emulator  # the emulator's own API: faults do not apply to it
    ender = threading.Thread(
        target=lambda: (
            time.sleep(0.5),
            client.app.handle(
                "POST", f"/meetings/{MEETING}/attendees", b'{"ExternalUserId":"eve-99"}'
            ),
            time.sleep(0.5),
            client.meetings.end_meeting(MEETING),
        ),
        daemon=True,
    )
    ender.start()
    assert run("apply", "--auto-approve", "--watch", "--interval", "0.1", "--until", "30s") == 0
    ender.join(5)
    run("plan")  # the meeting has ended: a note
    child = cli.subprocess("-vv", "plan", "--format", "json")  # a real process's bytes
    outputs.extend([child.stdout, child.stderr])

    logs = botocore_debug.getvalue()
    files = [p.read_text(encoding="utf-8") for p in workdir.rglob("*") if p.is_file()]
    everything = "\n".join([*outputs, logs, *files])
    tokens = emulator.meetings.issued_join_tokens()
    assert len(tokens) >= 16 + 2 + 1  # seeded, created by the applies, and Eve's
    assert emulator.calls().get("Throttled", 0) > 0  # the faults were met
    assert "ListAttendees" in everything  # -vv logged the calls ...
    assert '\\"JoinToken\\":\\"***\\"' in logs or '"JoinToken":"***"' in logs  # ... redacted
    leaked = [t for t in tokens if t in everything or t[:24] in everything]
    assert leaked == []


def test_redaction_covers_json_bodies_and_python_reprs() -> None:
    body = b'{"Attendee":{"AttendeeId":"a","JoinToken":"c2VjcmV0\\"x","ExternalUserId":"e"}}'
    assert redact(repr(body)) == (
        'b\'{"Attendee":{"AttendeeId":"a","JoinToken":"***","ExternalUserId":"e"}}\''
    )
    parsed: dict[str, Any] = {"Attendees": [{"JoinToken": "s3cret", "AttendeeId": "a"}]}
    assert redact(repr(parsed)) == "{'Attendees': [{'JoinToken': '***', 'AttendeeId': 'a'}]}"
    strip_tokens(parsed)
    assert parsed == {"Attendees": [{"AttendeeId": "a"}]}
