"""QA HE Q-HE-10: a name typed or written decomposed (NFD: ``o`` and a combining
diaeresis), where the room, the user and the desired state have it composed (NFC), got
messages naming two strings that look the same: ``no target named 'öps-räum' is declared
(did you mean 'öps-räum'?)``, ``explain`` saying "neither declared nor live", ``no Chime
room named öps-räum``. Names are still compared as written (never matched silently); the
messages now say that they differ only in their Unicode form."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ROOM = "öps-räum"
NFD_ROOM = unicodedata.normalize("NFD", ROOM)
NFD_JOSE = unicodedata.normalize("NFD", "josé@example.com")
ONLY_FORM = "only in its Unicode form: {}; names are compared as written"


@pytest.fixture
def ops(emulator: EmulatorServer, write_desired: Any) -> Any:
    emulator.reset(seed_doc(users=("alice", "josé"), rooms={ROOM: [("alice", "Administrator")]}))

    def desired(room: str = ROOM, jose: str = "josé@example.com") -> None:
        write_desired(
            {
                "settings.yaml": f"account: {ACCOUNT}\n",
                "rooms.yaml": f"rooms:\n  {room}:\n    administrators: [alice@example.com]\n"
                f"    members: [{jose}]\n",
            }
        )

    desired()
    return desired


def test_target_typed_decomposed(ops: Any, cli: Cli) -> None:
    run = cli("plan", "--target", NFD_ROOM)
    assert run.exit_code == 1
    note = ONLY_FORM.format("typed decomposed (NFD), declared composed (NFC)")
    assert f"it differs from a declared target's name {note}" in run.stderr
    assert "did you mean" not in run.stderr


def test_explain_of_a_member_typed_decomposed(ops: Any, cli: Cli) -> None:
    run = cli("explain", NFD_JOSE)
    assert run.exit_code == 0
    assert "neither declared nor live" in run.stdout  # compared as written, still
    note = ONLY_FORM.format("typed decomposed (NFD), declared composed (NFC)")
    assert f"Note: {NFD_JOSE} differs from a declared member {note}." in run.err_lines


def test_a_room_key_written_decomposed(ops: Any, cli: Cli) -> None:
    ops(room=NFD_ROOM)
    run = cli("plan")
    assert run.exit_code == 1
    note = ONLY_FORM.format("the file's decomposed (NFD), Chime's composed (NFC)")
    assert (
        f"no Chime room named '{NFD_ROOM}' in account {ACCOUNT} "
        f"(it differs from a room's name {note})" in run.stderr
    )


def test_an_address_written_decomposed(ops: Any, cli: Cli) -> None:
    ops(jose=NFD_JOSE)
    run = cli("plan")
    assert run.exit_code == 1
    assert (
        f"no Chime user with e-mail {NFD_JOSE} in account {ACCOUNT} (the address is written "
        "decomposed (NFD): Chime compares addresses as written, and one typed on a keyboard "
        "is composed, NFC)"
    ) in run.stderr


def test_import_of_a_room_typed_decomposed(ops: Any, cli: Cli) -> None:
    """QA REREAD item 4: `import --room` said `'öps-räum' (did you mean 'öps-räum'?)`."""
    run = cli("import", "--room", NFD_ROOM)
    assert run.exit_code != 0
    note = ONLY_FORM.format("typed decomposed (NFD), Chime's composed (NFC)")
    assert f"no Chime room named '{NFD_ROOM}' in account " in run.stderr
    assert f" (it differs from a room's name {note})" in run.stderr
    assert "did you mean" not in run.stderr


CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"


def test_a_channel_key_written_decomposed(
    emulator: EmulatorServer, write_desired: Any, cli: Cli
) -> None:
    """QA REREAD item 4: a channel's "no channel named" said nothing of the form."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": CHAT,
                    "admins": ["bot"],
                    "users": [{"id": "bot"}, {"id": "u1"}],
                    "channels": [{"name": ROOM, "id": "c1", "members": ["u1"]}],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"app_instances:\n  chat: {{arn: {CHAT}, bearer: user:bot}}\n",
            "chat.yaml": f"channels:\n  {NFD_ROOM}: {{members: [user:u1]}}\n",
        }
    )
    run = cli("plan")
    assert run.exit_code == 1
    note = ONLY_FORM.format("the file's decomposed (NFD), Chime's composed (NFC)")
    assert (
        f"no channel named '{NFD_ROOM}' in app instance {CHAT} (it differs from a channel's "
        f"name {note})"
    ) in run.stdout + run.stderr
