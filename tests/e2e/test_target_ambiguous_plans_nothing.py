"""A `--target` value that names targets of several kinds (a room, a channel and a meeting
sharing a name) is refused and selects nothing, as a name no target has: nothing is
planned (nor read, but what was read ahead while the files loaded) or applied for it, as
README says; the other values are planned (QA-HJ Q-HJ-6). The real CLI, boto3 and the
emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from test_target_kind_qualified import AMBIGUOUS, headers, shared

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
__all__ = ["shared"]  # the fixture, imported for these tests


def test_an_ambiguous_name_plans_nothing(
    shared: EmulatorServer, cli: Any, calls: Callable[[], dict[str, int]]
) -> None:
    planned = cli("plan", "--target", "incident-chat")
    assert planned.exit_code == 1
    assert AMBIGUOUS in planned.lines
    assert headers(planned.lines) == []
    assert planned.lines[-1] == "No changes planned, but the plan is incomplete: 1 error above."
    read = calls()
    assert "ListAttendees" not in read and "ListChannelMemberships" not in read, read


def test_the_other_values_are_planned_beside_it(shared: EmulatorServer, cli: Any) -> None:
    planned = cli("plan", "--target", "incident-chat", "--target", "meeting:incident-chat")
    assert planned.exit_code == 1
    assert AMBIGUOUS in planned.lines
    assert headers(planned.lines) == ["# meeting incident-chat"]
