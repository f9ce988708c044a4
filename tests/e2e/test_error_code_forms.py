"""QA-CX Q-CX-2: botocore takes an error's code from the ``x-amzn-ErrorType`` header
(``NotFoundException``) or, when the answer has none, from the body's ``Code``
(``NotFound``). AWS does not document the header for the Chime services, so the tool
must read both alike: an ended meeting is left out with a note, not an error, and a
channel member who is no AppInstanceUser is the desired file's error at its line. The
emulator answers without the header when told (``error_type_header: false``). The real
CLI against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
HEADER = pytest.mark.parametrize("header", [True, False], ids=["header", "body"])
SEED: dict[str, Any] = {
    "accounts": [{"id": ACCOUNT, "name": "Example Corp"}],
    "app_instances": [
        {
            "arn": INSTANCE,
            "name": "chat",
            "admins": ["reconciler"],
            "users": [{"id": "reconciler"}, {"id": "alice@example.com"}],
            "channels": [
                {"name": "general", "id": "general", "mode": "RESTRICTED",
                 "members": ["reconciler", "alice@example.com"], "moderators": ["reconciler"]},
            ],
        }
    ],
    "meetings": [{"id": MEETING, "external_meeting_id": "incident-42", "ended": True}],
}  # fmt: skip
SETTINGS = f"""
    account: {ACCOUNT}
    app_instances:
      chat:
        arn: {INSTANCE}
        bearer: user:reconciler
    """
MEETINGS = f"""
    meetings:
      bridge:
        meeting_id: {MEETING}
        attendees:
          alice@example.com: {{profile: presenter}}
    """


def chat(*members: str) -> str:
    return f"channels:\n  general:\n    members: [{', '.join(members)}]\n"


@HEADER
def test_an_ended_meeting_is_left_out_whichever_form_its_not_found_takes(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, header: bool
) -> None:
    emulator.reset(SEED)
    emulator.set_faults(error_type_header=header)
    write_desired(
        {"settings.yaml": SETTINGS, "meet.yaml": MEETINGS, "chat.yaml": chat("user:reconciler")}
    )
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert (
        f"Note: desired-state/meet.yaml:2: meeting bridge (id {MEETING}) has ended (or never "
        "existed): the meetings API does not find it; left out"
    ) in run.lines
    assert "No changes, but Chime has 1 member the desired state does not declare." in run.lines
    assert "GetMeeting failed" not in run.stdout + run.stderr


@HEADER
def test_an_unknown_channel_user_is_the_files_error_whichever_form(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, header: bool
) -> None:
    emulator.reset(SEED)
    emulator.set_faults(error_type_header=header)
    write_desired(
        {"settings.yaml": SETTINGS, "chat.yaml": chat("user:reconciler", "user:zed@example.com")}
    )
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert (
        f"Error: desired-state/chat.yaml:3: no AppInstanceUser 'zed@example.com' in {INSTANCE}"
    ) in run.lines
    assert "No changes planned, but the plan is incomplete: 1 error above." in run.lines
    assert "DescribeAppInstanceUser failed" not in run.stdout + run.stderr


def test_without_the_header_botocore_reads_the_bodys_code(emulator: EmulatorServer) -> None:
    emulator.reset(SEED)
    emulator.set_faults(error_type_header=False)
    assert emulator.faults.to_dict()["error_type_header"] is False
