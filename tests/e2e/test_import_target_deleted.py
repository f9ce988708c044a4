"""A room or channel deleted while `import` reads it (Q-AQ-2): it is no longer part of the
estate, so it is left out with a note naming it, the rest is imported, and the import
exits 0 (it used to fail whole on the NotFoundException).

The emulator has no DeleteRoom or DeleteChannel: the deletion is a reset to the same seed
without the target, once the first listing of memberships was served."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
N = 6  # rooms r0..r5 / channels c0..c5; the last one is deleted while import reads


def _room_seed(with_last: bool) -> dict[str, Any]:
    rooms = [
        {"id": f"r{i}", "name": f"room {i}", "memberships": [{"member": "a@example.com"}]}
        for i in range(N if with_last else N - 1)
    ]
    users = [{"id": "u-a", "email": "a@example.com"}]
    return {"accounts": [{"id": ACCOUNT, "name": "E", "users": users, "rooms": rooms}]}


def _channel_seed(with_last: bool) -> dict[str, Any]:
    users = [{"id": "reconciler"}, {"id": "u1"}]
    channels = [
        {"name": f"channel {i}", "id": f"ch-{i}", "members": ["u1"]}
        for i in range(N if with_last else N - 1)
    ]
    instance = {"arn": INSTANCE, "admins": ["reconciler"], "users": users, "channels": channels}
    return {"app_instances": [instance]}


def _delete_after_first_listing(
    emulator: EmulatorServer,
    calls: Callable[[], dict[str, int]],
    operation: str,
    seed: dict[str, Any],
) -> threading.Thread:
    def delete() -> None:
        deadline = time.monotonic() + 30
        while calls().get(operation, 0) < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        emulator.reset(seed)  # the last one is deleted; the rest stays

    thread = threading.Thread(target=delete)
    thread.start()
    return thread


def test_a_room_deleted_while_import_reads_is_left_out_with_a_note(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    workdir: Path,
) -> None:
    emulator.reset(_room_seed(True))
    write_desired({"settings.yaml": f"account: {ACCOUNT}\n"})
    emulator.set_faults(latency_ms=100)
    emulator.reset_calls()
    deleter = _delete_after_first_listing(emulator, calls, "ListRoomMemberships", _room_seed(False))
    done = cli("--parallelism", "1", "import", "--out", "desired-state")
    deleter.join()

    assert done.exit_code == 0, done.stdout + done.stderr
    assert (
        f"Note: room room {N - 1} (id r{N - 1}, account {ACCOUNT}) was deleted while "
        "importing: left out."
    ) in done.stdout.splitlines()
    written = sorted(p.name for p in (workdir / "desired-state/rooms").iterdir())
    assert written == [f"room-{i}.yaml" for i in range(N - 1)]
    after = cli("plan", "--detailed-exitcode")
    assert after.exit_code == 0, after.stdout + after.stderr


def test_a_channel_deleted_while_import_reads_is_left_out_with_a_note(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    workdir: Path,
) -> None:
    emulator.reset(_channel_seed(True))
    settings = {"app_instances": {"chat": {"arn": INSTANCE, "bearer": "user:reconciler"}}}
    write_desired({"settings.yaml": json.dumps(settings)})
    emulator.set_faults(latency_ms=100)
    emulator.reset_calls()
    deleter = _delete_after_first_listing(
        emulator, calls, "ListChannelMemberships", _channel_seed(False)
    )
    done = cli("--parallelism", "1", "import", "--out", "desired-state")
    deleter.join()

    assert done.exit_code == 0, done.stdout + done.stderr
    gone = f"{INSTANCE}/channel/ch-{N - 1}"
    assert (
        f"Note: channel channel {N - 1} ({gone}) was deleted while importing: left out."
    ) in done.stdout.splitlines()
    text = (workdir / "desired-state/channels/chat.yaml").read_text()
    assert "channel 0" in text and f"channel {N - 1}" not in text
    after = cli("plan", "--detailed-exitcode")
    assert after.exit_code == 0, after.stdout + after.stderr
