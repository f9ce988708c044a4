"""Q-FQ-5: at a target's maximum, when the calls for the adds that fit keep failing (an
outage, a throttling storm), apply must not send the other adds one chunk at a time, each
with a retry budget of its own: the calls stay bounded by the retry budget (the adds that
fit, then the rest in one call), not by the budget times the adds.

The report's case: a meeting of 120 holding 119 attendees, 100 adds (1 place), every
BatchCreateAttendee failing. The CLI in process, the real boto3 client, the emulator over
HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import ACCOUNT, UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000041"
ATTEMPTS = 10  # the default retry budget of a whole call; throttled items get 3 times it


@pytest.mark.parametrize(
    ("fault", "budget", "gave_up"),
    [({"error_rate": 1.0}, ATTEMPTS, 10), ({"item_error_rate": 1.0}, 3 * ATTEMPTS, 30)],
    ids=["whole-call-fails", "items-throttled"],
)
def test_a_failing_service_at_a_maximum_costs_about_one_retry_budget_not_one_per_add(
    fault: dict[str, float],
    budget: int,
    gave_up: int,
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
) -> None:
    attendees = ["alice@example.com"] + [f"z{i}@example.com" for i in range(118)]
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "X"}],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge-4",
                    "features": {"attendee": {"max_count": 120}},
                    "attendees": [{"external_user_id": a} for a in attendees],
                }
            ],
        }
    )
    wanted = {"alice@example.com": "presenter"}
    wanted |= {f"n{i}@example.com": "viewer" for i in range(100)}
    entries = ", ".join(f"{k}: {v}" for k, v in wanted.items())
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "m.yaml": f"meetings:\n  b4:\n    meeting_id: {MEETING}\n"
            f"    prune: false\n    attendees: {{{entries}}}\n",
        }
    )
    assert "AWS will refuse 99 of the plan's 100 adds" in cli(*UNPACED, "plan").stdout
    emulator.set_faults(operations=["BatchCreateAttendee"], **fault)

    before = calls().get("BatchCreateAttendee", 0)
    applied = cli(*UNPACED, "apply", "--auto-approve")
    made = calls().get("BatchCreateAttendee", 0) - before

    assert applied.exit_code == 1, applied.stdout + applied.stderr
    assert "Apply incomplete: 100 of 100 changes failed" in applied.stdout, applied.stdout
    assert applied.stdout.count(f"(gave up after {gave_up} attempts)") == 100, applied.stdout
    # the add that fits, with its budget, then the other 99 in one call with theirs: not
    # 99 more budgets (1,000 or 3,000 calls before the fix)
    assert made == 2 * budget, made
