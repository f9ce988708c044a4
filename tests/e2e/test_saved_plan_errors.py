"""`apply PLAN_FILE` of a saved plan that has errors: refused before any call, like plain
`apply` refuses the same desired state, even when the target in error changes nothing of
its own (QA D22: it was applied, its other targets' changes made, exit 0)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, OPS_DESIRED, Cli, WriteDesired

pytestmark = pytest.mark.e2e

Calls = Callable[[], dict[str, int]]
MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
NOBODY = (
    f"desired-state/rooms.yaml:11: no Chime user with e-mail nobody@example.com in account "
    f"{ACCOUNT}"
)
QUIET_WITH_NOBODY = OPS_DESIRED["rooms.yaml"].replace(
    "administrators: [frank@example.com]",
    "administrators: [frank@example.com]\n            members: [nobody@example.com]",
)


def refused_before_any_call(ops: Any, cli: Cli, calls: Calls, *args: str) -> list[str]:
    """Runs `apply ARGS`; asserts it exits 1, prints nothing on stdout, makes no call at
    all and changes nothing; returns its stderr lines."""
    before = ops.emulator.state()
    ops.emulator.reset_calls()
    run = cli("apply", *args)
    assert run.exit_code == 1, run.stdout
    assert run.stdout == ""
    assert calls() == {}
    assert ops.emulator.state() == before
    return run.err_lines


def test_a_saved_plan_with_an_error_in_a_target_without_changes_is_refused(
    ops: Any, cli: Cli, write_desired: WriteDesired, calls: Calls
) -> None:
    write_desired({"rooms.yaml": QUIET_WITH_NOBODY})
    plain = cli("apply", "--auto-approve")  # what plain apply says of this desired state
    assert plain.exit_code == 1
    assert plain.err_lines[-1].startswith("Error: Nothing was applied: the plan has 1 error")
    saved = cli("plan", "--out", "p.json")
    assert saved.exit_code == 1
    assert f"Error: {NOBODY}" in saved.lines
    assert saved.err_lines == [  # stdout is no terminal: stderr names the error (Q-LD-13)
        "Saved the plan to p.json; it has errors, so apply will refuse it.",
        NOBODY,  # once the plan is known written (Q-GK-4)
        "Error: the plan has 1 error (above, and in the text output); exit 1.",
    ]
    assert refused_before_any_call(ops, cli, calls, "p.json") == [
        "Error: Nothing was applied: the saved plan has 1 error:",
        f"Error:   {NOBODY}",
        "Error: Fix it, then run plan again.",
    ]
    assert refused_before_any_call(ops, cli, calls, "p.json", "--format", "json") == [
        "Error: Nothing was applied: the saved plan has 1 error:",
        f"Error:   {NOBODY}",
        "Error: Fix it, then run plan again.",
    ]


def test_a_saved_plan_whose_meeting_variable_was_unset_is_refused(
    ops: Any,
    cli: Cli,
    write_desired: WriteDesired,
    calls: Calls,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the rooms' 5 changes are not applied either: the plan has an error
    monkeypatch.delenv("INCIDENT_MEETING_ID", raising=False)
    write_desired({"bridge.yaml": "meetings:\n  bridge: {meeting_id: '${INCIDENT_MEETING_ID}'}\n"})
    assert cli("plan", "--out", "p.json").exit_code == 1
    data = json.loads(Path("p.json").read_text())
    assert sum(len(t["changes"]) for t in data["targets"]) == 5
    assert refused_before_any_call(ops, cli, calls, "p.json") == [
        "Error: Nothing was applied: the saved plan has 1 error:",
        "Error:   desired-state/bridge.yaml:2: meeting bridge: meeting_id "
        "${INCIDENT_MEETING_ID} names the environment variable INCIDENT_MEETING_ID, "
        "which is not set",
        "Error: Fix it, then run plan again.",
    ]


def test_a_saved_plan_with_several_errors_lists_each(
    ops: Any, cli: Cli, write_desired: WriteDesired, calls: Calls
) -> None:
    write_desired(
        {
            "rooms.yaml": QUIET_WITH_NOBODY.replace(
                "members: [nobody@example.com]",
                "members: [nobody@example.com, ghost@example.com]",
            )
        }
    )
    assert cli("plan", "--out", "p.json").exit_code == 1
    lines = refused_before_any_call(ops, cli, calls, "p.json")
    assert lines[0] == "Error: Nothing was applied: the saved plan has 2 errors:"
    assert lines[-1] == "Error: Fix them, then run plan again."
    assert len(lines) == 4
    assert "ghost@example.com" in lines[1] and f"Error:   {NOBODY}" == lines[2]
