"""`import` to stdout when the --desired directory whose settings.yaml governs the
channels is not a valid desired state (QA-CF Q-CF-1): refused with its errors, before any
call, rather than leaving every channel out without a word."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc
from test_create_retries_e2e import CHAT_SEED, CHAT_SETTINGS

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

TYPO = "rooms:\n  r1:\n    memebrs: [alice@example.com]\n"
TYPO_ERROR = "desired-state/x.yaml:3: rooms.r1: unknown key 'memebrs' (did you mean 'members'?)"
HEADLINE = (
    "Nothing was imported: desired-state is not a valid desired state, so the channels of "
    "its settings.yaml's app_instances are unknown. Fix the problems below (or import "
    "rooms only with --room):"
)


@pytest.fixture
def chat(emulator: EmulatorServer) -> EmulatorServer:
    emulator.reset(
        {**seed_doc(users=("alice",), rooms={"ops": [("alice", "Member")]}), **CHAT_SEED}
    )
    return emulator


def test_import_to_stdout_refuses_an_invalid_desired_state_naming_app_instances(
    chat: EmulatorServer, write_desired: Any, cli: Any, calls: Any
) -> None:
    settings = f"account: {ACCOUNT}\n" + textwrap.dedent(CHAT_SETTINGS)
    write_desired({"settings.yaml": settings, "x.yaml": TYPO})
    run = cli("import")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.err_lines == [HEADLINE, TYPO_ERROR, "Desired state is invalid: 1 error."]
    assert not {"ListRooms", "ListChannels"} & set(calls())


def test_import_to_stdout_refuses_malformed_app_instances_at_their_line(
    chat: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    arn = CHAT_SEED["app_instances"][0]["arn"]
    write_desired({"settings.yaml": f"account: {ACCOUNT}\napp_instances:\n  chat: {arn}\n"})
    run = cli("import")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.err_lines[0] == HEADLINE
    assert run.err_lines[1].startswith("desired-state/settings.yaml:3: app_instances.chat: ")


def test_import_room_to_stdout_still_imports_from_an_invalid_desired_state(
    chat: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    """--room reads no channel: the app instances are not needed."""
    settings = f"account: {ACCOUNT}\n" + textwrap.dedent(CHAT_SETTINGS)
    write_desired({"settings.yaml": settings, "x.yaml": TYPO})
    run = cli("import", "--room", "ops")
    assert run.exit_code == 0
    assert "\nrooms:\n  ops:  # id room-ops\n" in run.stdout


def test_import_to_stdout_without_app_instances_ignores_the_desired_state_errors(
    chat: EmulatorServer, write_desired: Any, cli: Any, workdir: Path
) -> None:
    """No channel is wanted: the rooms are imported as before (the account is read from
    settings.yaml, which is valid)."""
    write_desired({"settings.yaml": f"account: {ACCOUNT}\n", "x.yaml": TYPO})
    run = cli("import")
    assert run.exit_code == 0
    assert "\nrooms:\n  ops:  # id room-ops\n" in run.stdout
    assert "channels:" not in run.stdout


def test_import_help_says_stdout_refuses_an_invalid_desired_state(cli: Any) -> None:
    """`import --help` says so, as the README does (QA-DB L-DB-4: it did not)."""
    run = cli("import", "--help")
    assert run.exit_code == 0
    said = " ".join(run.stdout.split())  # the paragraph, unwrapped
    assert REFUSED in said


REFUSED = (
    "To stdout, nothing is imported when settings.yaml names `app_instances` and the "
    "--desired directory is not valid (its channels are unknown): its errors are shown, "
    "exit 1; --room imports the rooms all the same."
)
