"""`import --adopt --room NAME` where a room, a channel and a meeting share the name: it
adopts into every target of that name, of any kind, as README says (`--room room:NAME`
into the room alone), and is not refused as an ambiguous `--target` (an option import does
not have) (QA-HJ Q-HJ-2). The real CLI, boto3 and the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_target_kind_qualified import shared

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
__all__ = ["shared"]  # the fixture, imported for these tests


def test_a_name_several_kinds_share_adopts_into_each(
    shared: EmulatorServer, cli: Any, workdir: Path
) -> None:
    adopted = cli("import", "--adopt", "--room", "incident-chat")
    assert adopted.exit_code == 0, adopted.stdout + adopted.stderr
    assert "--target" not in adopted.stderr
    assert adopted.lines[0] == (
        "Adopted 1 moderator and 5 members into 1 file (2 to administrators, 3 to members, "
        "1 to moderators):"
    )
    text = (workdir / "desired-state" / "a.yaml").read_text()
    assert "administrators: [breakglass@example.com, dave@example.com]" in text  # the room's
    assert "moderators: [dave@example.com, alice@example.com]" in text  # the channel's


def test_the_qualified_name_adopts_into_that_kind_alone(
    shared: EmulatorServer, cli: Any, workdir: Path
) -> None:
    adopted = cli("import", "--adopt", "--room", "room:incident-chat")
    assert adopted.exit_code == 0, adopted.stdout + adopted.stderr
    text = (workdir / "desired-state" / "a.yaml").read_text()
    assert "administrators: [breakglass@example.com, dave@example.com]" in text
    assert "moderators: [dave@example.com]\n" in text  # the channel's left as it was


def test_a_misspelt_shared_name_is_offered_as_it_is(
    shared: EmulatorServer, cli: Any, workdir: Path
) -> None:
    """QA-HL Q-HL-4: the hint was ``'room:incident-chat'`` (--target's, where a shared name
    is refused), and following it adopted into the room alone, not the channel."""
    text = (workdir / "desired-state" / "a.yaml").read_text()
    misspelt = cli("import", "--adopt", "--room", "incident-caht")
    assert misspelt.exit_code == 1
    assert misspelt.err_lines[0].startswith(
        "Error: --room: no room, channel or meeting named 'incident-caht' is declared "
        "(did you mean 'incident-chat'?)"
    )
    assert (workdir / "desired-state" / "a.yaml").read_text() == text
    qualified = cli("import", "--adopt", "--room", "room:incident-caht")
    assert "(did you mean 'room:incident-chat'?)" in qualified.err_lines[0]
