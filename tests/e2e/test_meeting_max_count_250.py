"""A meeting created with MaxCount 250, AWS's maximum, has no maximum of its own below
AWS's: over it, `plan` says "more than AWS's maximum of 250", as for a meeting created
without MaxCount, and the JSON plan's `over_maximum[].own_maximum` is false (QA-GQ Q-GQ-5:
no test had a MaxCount of exactly 250, so calling it "the meeting's own maximum" passed).
The CLI, the real boto3 client and the emulator over HTTP."""

from __future__ import annotations

import json

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-0000000000fa"


@pytest.mark.parametrize("max_count", [250, None], ids=["MaxCount-250", "no-MaxCount"])
def test_a_meeting_created_with_max_count_250_is_over_awss_maximum(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, max_count: int | None
) -> None:
    """250 attendees live (breakglass, protected and not declared, and p0..p248); 250
    declared (p0..p249): 251 after the apply."""
    live = ["breakglass@example.com"] + [f"p{i}@example.com" for i in range(249)]
    features = {} if max_count is None else {"features": {"attendee": {"max_count": max_count}}}
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "full",
                    **features,
                    "attendees": [{"external_user_id": who} for who in live],
                }
            ]
        }
    )
    attendees = "".join(f"      p{i}@example.com: presenter\n" for i in range(250))
    write_desired(
        {
            "settings.yaml": "protected: [breakglass@example.com]\n",
            "m.yaml": f"meetings:\n  full:\n    meeting_id: {MEETING}\n    prune: true\n"
            f"    attendees:\n{attendees}",
        }
    )
    run = cli("plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert (
        "Error: desired-state/m.yaml:2: meeting 'full' would have 251 attendees after this "
        "apply, more than AWS's maximum of 250: 250 declared, and 1 kept that no file "
        "declares there (breakglass@example.com: protected); apply would fail for the 1 "
        "over it"
    ) in run.lines, run.stdout + run.stderr


@pytest.mark.parametrize("max_count", [250, None], ids=["MaxCount-250", "no-MaxCount"])
def test_a_meeting_full_of_undeclared_attendees_at_max_count_250_has_no_own_maximum(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, max_count: int | None
) -> None:
    """250 attendees live no file declares (x0..x249), kept (no prune); 1 declared (p0):
    its add would take the meeting to 251. The JSON plan's `over_maximum` item has
    `own_maximum: false` and says AWS's maximum, as the text plan does."""
    features = {} if max_count is None else {"features": {"attendee": {"max_count": max_count}}}
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "full",
                    **features,
                    "attendees": [{"external_user_id": f"x{i}"} for i in range(250)],
                }
            ]
        }
    )
    write_desired(
        {
            "m.yaml": f"meetings:\n  full:\n    meeting_id: {MEETING}\n"
            "    attendees:\n      p0@example.com: presenter\n"
        }
    )
    doc = json.loads(cli("plan", "--format", "json").stdout)
    (over,) = doc["over_maximum"]
    assert (over["maximum"], over["own_maximum"], over["after"]) == (250, False, 251), over
    assert "AWS's maximum of 250" in over["message"], over
    assert over["message"] in cli("plan").stdout
