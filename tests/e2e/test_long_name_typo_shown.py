"""A name of 81 to 256 characters (valid) that names nothing (QA-GV Q-GV-8): README's rule
is that a name is cut only over 256 characters, but a ``--target`` or ``import --room``
value and an ``app_instances:`` label named twice were cut at 80, hiding a typo after
character 80 while the suggestion beside it was whole. Now each is whole up to 256, as
the names beside them are. Over the emulator and the real boto3 client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

pytestmark = pytest.mark.e2e

ROOM = "r" * 100 + "-alpha"  # 106 characters
TYPO = "r" * 100 + "-alpah"


@pytest.mark.parametrize("command", ["plan", "explain"])
def test_a_target_of_106_characters_that_names_none_is_quoted_whole(
    cli: Cli, seed: Callable[..., Any], write_desired: WriteDesired, command: str
) -> None:
    seed(users=("alice",))
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": f"rooms:\n  {ROOM}:\n    members: [alice@example.com]\n",
        }
    )
    run = cli(command, *(["alice@example.com"] if command == "explain" else []), "--target", TYPO)
    assert run.exit_code == 1
    shown = run.stdout + run.stderr
    assert f"--target: no target named {TYPO!r} is declared (did you mean {ROOM!r}?)" in shown
    assert "characters)" not in shown


def test_a_target_over_256_characters_is_still_cut(
    cli: Cli, seed: Callable[..., Any], write_desired: WriteDesired
) -> None:
    seed(users=("alice",))
    write_desired({"settings.yaml": f"account: {ACCOUNT}\n", "rooms.yaml": "rooms: {}\n"})
    name = "q" * 300
    run = cli("plan", "--target", name)
    assert run.exit_code == 1
    assert f"no target named {name[:80]!r}…(300 characters) is declared" in run.stderr


def test_import_room_of_202_characters_not_in_chime_is_quoted_whole(
    cli: Cli, seed: Callable[..., Any], write_desired: WriteDesired
) -> None:
    seed(users=("alice",), rooms={"r" * 200 + "-x": [("alice", "Member")]})
    write_desired({"settings.yaml": f"account: {ACCOUNT}\n"})
    wanted = "r" * 200 + "-y"
    run = cli("import", "--room", wanted)
    assert run.exit_code == 1
    assert run.err_lines[-1] == (
        f"Error: no Chime room named {wanted!r} in account {ACCOUNT}: ListRooms lists none of "
        "that name or id (names and ids are matched exactly, case included: did you mean "
        f"{'r' * 200 + '-x'!r}?)"
    )


def test_a_label_of_105_characters_named_twice_is_quoted_whole(
    cli: Cli, write_desired: WriteDesired
) -> None:
    first, second = "l" * 105, "l" * 105 + "x"
    instance = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
    settings = (
        f"account: {ACCOUNT}\napp_instances:\n"
        f"  {first}:\n    arn: {instance}\n    bearer: user:r\n"
        f"  {second}:\n    arn: {instance}\n    bearer: user:r\n"
    )
    write_desired({"settings.yaml": settings})
    run = cli("validate")
    assert run.exit_code == 1
    shown = run.stdout + run.stderr
    assert f"names the app instance of label {first!r} (desired-state/settings.yaml:3)" in shown
