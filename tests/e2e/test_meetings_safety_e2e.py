"""A meeting's own ``safety:`` end to end: the CLI, the real boto3 client, the emulator over
HTTP. The town hall's own ``max_removals`` refuses a plan that removes more of its
attendees (a presenter made a viewer counts), naming that meeting's limit; the standup is
judged by settings.yaml's limit alone; raised, the same apply goes through for both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reconciler.capabilities import BUILTIN_PROFILES
from reconciler.emulator import EmulatorServer

TOWN_HALL = "6f1c2a9e-0000-4000-8000-000000000001"
STANDUP = "6f1c2a9e-0000-4000-8000-000000000002"
PRESENTER = BUILTIN_PROFILES["presenter"].to_dict()
VIEWER = BUILTIN_PROFILES["viewer"].to_dict()


def meeting(meeting_id: str, attendees: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {
        "id": meeting_id,
        "external_meeting_id": meeting_id[-4:],
        "attendees": [{"external_user_id": u, "capabilities": c} for u, c in attendees.items()],
    }


SEED = {
    "meetings": [
        # the town hall: lead presents; t0-t1 are not declared
        meeting(
            TOWN_HALL,
            {"lead@example.com": PRESENTER, "t0@example.com": VIEWER, "t1@example.com": VIEWER},
        ),
        # the standup: s0 is not declared
        meeting(STANDUP, {"keep@example.com": VIEWER, "s0@example.com": VIEWER}),
    ]
}


def meetings(town_hall_limit: int) -> str:
    """The town hall: 2 attendees removed and lead made a viewer (3 removals); the
    standup: 1 removed, settings.yaml's limit (the town hall's 3 do not join it)."""
    return f"""
        meetings:
          town-hall:
            meeting_id: {TOWN_HALL}
            prune: true
            safety: {{max_removals: {town_hall_limit}}}
            attendees: {{lead@example.com: viewer}}
          standup:
            meeting_id: {STANDUP}
            prune: true
            attendees: {{keep@example.com: viewer}}
        """


SETTINGS = "safety: {max_removals: 1, max_removal_fraction: 1.0}\n"


def test_a_meetings_own_limit_refuses_the_plan_and_leaves_the_other_meeting_alone(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    emulator.reset(SEED)
    write_desired({"settings.yaml": SETTINGS, "meetings.yaml": meetings(town_hall_limit=2)})

    planned = cli("plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    assert planned.lines[planned.lines.index("Plan: 0 to add, 1 to change, 3 to remove.") :] == [
        "Plan: 0 to add, 1 to change, 3 to remove.",
        "",
        "Error: refusing this plan: [town-hall] Too many removals: 3 (1 of them a demotion "
        "as presenter) is over this meeting's limit of 2 "
        "(meetings.town-hall.safety.max_removals)",
        "This plan breaks the safety rules (settings.yaml `safety:`); apply refuses it unless "
        "--allow-unsafe is given.",
    ]
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 1
    served = calls()
    assert "DeleteAttendee" not in served
    assert "UpdateAttendeeCapabilities" not in served
    assert len(emulator.meetings.attendees_of(TOWN_HALL)) == 3
    assert len(emulator.meetings.attendees_of(STANDUP)) == 2

    write_desired({"settings.yaml": SETTINGS, "meetings.yaml": meetings(town_hall_limit=3)})
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    viewer = BUILTIN_PROFILES["viewer"]
    assert emulator.meetings.attendees_of(TOWN_HALL) == {"lead@example.com": viewer}
    assert emulator.meetings.attendees_of(STANDUP) == {"keep@example.com": viewer}
