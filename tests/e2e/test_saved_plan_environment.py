"""`apply PLAN_FILE` of a meeting named by `meeting_id: ${VARIABLE}` when the variable is
unset or names another meeting now: refused before any call, saying so (QA D11: it said
the meeting "no longer exists", or that the plan was edited)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
OTHER = "6f1c2a9e-0000-4000-8000-000000000002"  # a live meeting too
NOWHERE = "6f1c2a9e-0000-4000-8000-000000000003"  # no such meeting
Calls = Callable[[], dict[str, int]]
MUTED = {"audio": "Receive", "video": "None", "content": "None"}


def meeting(meeting_id: str) -> dict[str, Any]:
    return {
        "id": meeting_id,
        "external_meeting_id": f"ext-{meeting_id[-1]}",
        "attendees": [{"external_user_id": "mallory@example.com", "capabilities": MUTED}],
    }


@pytest.fixture
def bridge(
    emulator: EmulatorServer, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> EmulatorServer:
    """bridge names its meeting through INCIDENT_MEETING_ID; a plan saved to p.json with
    it set to MEETING adds alice and removes mallory."""
    write_desired(
        {
            "meetings.yaml": """
                meetings:
                  bridge:
                    meeting_id: ${INCIDENT_MEETING_ID}
                    prune: true
                    attendees: {alice@example.com: presenter}
                """
        }
    )
    emulator.reset({"meetings": [meeting(MEETING), meeting(OTHER)]})
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    return emulator


def refused(bridge: EmulatorServer, cli: Cli, calls: Calls) -> list[str]:
    before = bridge.state()
    bridge.reset_calls()
    run = cli("apply", "p.json")
    assert run.exit_code == 1, run.stdout
    assert run.stdout == ""
    assert calls() == {}
    assert bridge.state() == before
    return run.err_lines


@pytest.mark.parametrize(
    ("value", "now"),
    [(None, "not set"), ("", "not set"), (OTHER, OTHER), (NOWHERE, NOWHERE)],
    ids=["unset", "empty", "another-live-meeting", "no-such-meeting"],
)
def test_a_variable_that_changed_since_the_plan_is_named_and_nothing_is_applied(
    bridge: EmulatorServer,
    cli: Cli,
    calls: Calls,
    monkeypatch: pytest.MonkeyPatch,
    value: str | None,
    now: str,
) -> None:
    saved = cli("plan", "--out", "p.json")
    assert saved.exit_code == 0, saved.stderr
    if value is None:
        monkeypatch.delenv("INCIDENT_MEETING_ID")
    else:
        monkeypatch.setenv("INCIDENT_MEETING_ID", value)
    assert refused(bridge, cli, calls) == [
        "Error: Nothing was applied: an environment variable the desired state reads is "
        "not what it was when the plan was made:",
        f"Error:   desired-state/meetings.yaml:2: meeting bridge: ${{INCIDENT_MEETING_ID}} "
        f"is {now} now; the plan was made for {MEETING}",
        "Error: Set it as it was, or run plan again.",
    ]
    monkeypatch.setenv("INCIDENT_MEETING_ID", f"  {MEETING} ")  # as plan reads it: stripped
    applied = cli("apply", "p.json")
    assert applied.exit_code == 0, applied.stderr
    assert set(bridge.meetings.attendees_of(MEETING)) == {"alice@example.com"}
    assert set(bridge.meetings.attendees_of(OTHER)) == {"mallory@example.com"}


def test_an_ended_meeting_is_still_reported_as_gone(bridge: EmulatorServer, cli: Cli) -> None:
    """Its variable unchanged: the meeting ended since, its changes left out, not applied
    (Q-CH-1: not a stale plan), exit 1."""
    assert cli("plan", "--out", "p.json").exit_code == 0
    bridge.meetings.end_meeting(MEETING)
    run = cli("apply", "p.json")
    assert run.exit_code == 1
    assert run.err_lines == []
    assert f"meeting bridge (id {MEETING}) has ended" in run.stdout
    assert run.lines[-1].startswith("Apply incomplete: 0 of ")


def test_each_variable_that_changed_is_named(
    bridge: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    calls: Calls,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_desired(
        {
            "more.yaml": """
                meetings:
                  standup:
                    meeting_id: ${STANDUP_MEETING_ID}
                    attendees: {bob@example.com: viewer}
                """
        }
    )
    monkeypatch.setenv("STANDUP_MEETING_ID", OTHER)
    assert cli("plan", "--out", "p.json").exit_code == 0
    monkeypatch.delenv("INCIDENT_MEETING_ID")
    monkeypatch.setenv("STANDUP_MEETING_ID", MEETING)
    assert refused(bridge, cli, calls) == [
        "Error: Nothing was applied: environment variables the desired state reads are not "
        "what they were when the plan was made:",
        f"Error:   desired-state/meetings.yaml:2: meeting bridge: ${{INCIDENT_MEETING_ID}} "
        f"is not set now; the plan was made for {MEETING}",
        f"Error:   desired-state/more.yaml:2: meeting standup: ${{STANDUP_MEETING_ID}} "
        f"is {MEETING} now; the plan was made for {OTHER}",
        "Error: Set them as they were, or run plan again.",
    ]


def test_an_unchanged_meeting_whose_variable_is_unset_now_does_not_stop_the_plan(
    bridge: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # QA-AE Q-AE-1: standup, which the plan leaves unchanged, names its meeting through
    # STANDUP_MEETING_ID, which the job applying the plan does not set; carol's `until:`
    # there passed since the plan's --now (prune off: she stays, no change then or now).
    # The plan was refused for standup's variable; it changes only bridge
    write_desired(
        {
            "more.yaml": """
                meetings:
                  standup:
                    meeting_id: ${STANDUP_MEETING_ID}
                    attendees:
                      carol@example.com: {profile: viewer, until: 2025-01-01}
                """
        }
    )
    viewer = {"audio": "Receive", "video": "Receive", "content": "Receive"}
    standup = {
        **meeting(OTHER),
        "attendees": [{"external_user_id": "carol@example.com", "capabilities": viewer}],
    }
    bridge.reset({"meetings": [meeting(MEETING), standup]})
    monkeypatch.setenv("STANDUP_MEETING_ID", OTHER)
    saved = cli("--now", "2024-06-01", "plan", "--out", "p.json")
    assert saved.exit_code == 0, saved.stderr
    assert saved.lines[-1] == "Plan: 1 to add, 0 to change, 1 to remove."
    monkeypatch.delenv("STANDUP_MEETING_ID")
    run = cli("apply", "p.json")
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1] == "Apply complete! Memberships: 1 added, 0 changed, 1 removed."
    assert set(bridge.meetings.attendees_of(MEETING)) == {"alice@example.com"}
    assert set(bridge.meetings.attendees_of(OTHER)) == {"carol@example.com"}
