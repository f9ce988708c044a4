"""A desired state where a room, a channel and a meeting share a name (valid: names are
unique per kind only) applies from a saved plan, after an interactive "yes" and with
`apply --watch`, with or without `--target KIND:NAME`: the plans the tool makes again
itself select the targets by their keys, never by the bare name, which `--target` refuses
as naming several kinds (QA-HJ Q-HJ-1). The real CLI, boto3 and the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from test_target_kind_qualified import MEETING, headers, shared

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
__all__ = ["shared"]  # the fixture, imported for these tests

NO_CHANGES = (
    "No changes, but Chime has 5 members and 1 moderator the desired state does not declare."
)


def left(cli: Any) -> str:
    """The closing line of the plan made now."""
    return str(cli("plan").lines[-1])


def test_a_saved_plan_of_every_target_applies(shared: EmulatorServer, cli: Any) -> None:
    saved = cli("plan", "--out", "p.plan")
    assert saved.exit_code == 0, saved.stderr
    applied = cli("apply", "p.plan")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert "--target" not in applied.stdout + applied.stderr
    assert applied.lines[-1] == "Apply complete! Memberships: 1 added, 2 changed, 0 removed."
    assert left(cli) == NO_CHANGES  # every target converged


def test_a_saved_plan_of_one_qualified_target_applies_it_alone(
    shared: EmulatorServer, cli: Any
) -> None:
    saved = cli("plan", "--target", "channel:incident-chat", "--out", "p.plan")
    assert saved.exit_code == 0, saved.stderr
    applied = cli("apply", "p.plan")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert applied.lines[-1] == "Apply complete! Memberships: 1 added, 1 changed, 0 removed."
    assert left(cli) == "Plan: 0 to add, 1 to change, 0 to remove."  # the meeting's alice


def test_an_interactive_yes_applies(shared: EmulatorServer, cli: Any) -> None:
    applied = cli.on_terminal("apply", answer="yes")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert "Nothing was applied" not in applied.stderr
    assert applied.stdout.rstrip().endswith(
        "Apply complete! Memberships: 1 added, 2 changed, 0 removed."
    )
    assert left(cli) == NO_CHANGES


def test_a_watch_applies_the_meeting_alone(shared: EmulatorServer, cli: Any) -> None:
    watched = cli("apply", "--auto-approve", "--watch", "--interval", "0.2", "--until", "1s")
    assert watched.exit_code == 0, watched.stdout + watched.stderr
    assert "--target" not in watched.stdout + watched.stderr
    assert headers(watched.lines) == ["# meeting incident-chat"]  # what a watch reconciles
    # the meeting converged; the room and the channel of its name were left alone
    assert left(cli) == "Plan: 1 to add, 1 to change, 0 to remove."
    assert MEETING in watched.stdout  # its header's id
