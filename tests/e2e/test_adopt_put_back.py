"""import --adopt interrupted or failing once it has edited the desired-state files puts
every file back as it was, byte for byte, and says so: the real CLI against the emulator
with the real boto3 client (a child process signalled while its second plan waits for a
slow Chime; in process, a failure raised where the edited files are checked)."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_read_ahead_stops import PATIENCE_S, finish, start

import reconciler.cli.adopt as adopt_cli
from reconciler.desired.loader import load_desired
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
LATENCY_MS = 500  # each call of the second plan: the interrupt lands while it waits


@pytest.fixture
def drift(ops: Any, emulator: EmulatorServer, boto3_session: Any) -> EmulatorServer:
    """The ops scenario, and carol made an administrator of releases out of band: two
    members for --adopt to write into desired-state/rooms.yaml."""
    chime = boto3_session.client("chime", endpoint_url=emulator.url)
    chime.create_room_membership(
        AccountId=ACCOUNT, RoomId="room-releases", MemberId="uid-carol", Role="Administrator"
    )
    return emulator


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*")}


def until_changed(path: Path, before: bytes) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while path.read_bytes() == before:
        assert time.monotonic() < deadline, "adopt never edited the file"
        time.sleep(0.005)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_adopt_interrupted_while_it_plans_again_puts_the_files_back(
    drift: EmulatorServer, workdir: Path, signum: int
) -> None:
    desired = workdir / "desired-state"
    before = snapshot(desired)
    rooms = desired / "rooms.yaml"
    drift.set_faults(latency_ms=LATENCY_MS)
    child = start(workdir, drift.url, "import", "--adopt")
    until_changed(rooms, before["rooms.yaml"])  # edited: now it plans again, slowly
    child.send_signal(signum)
    code, out, err = finish(child)
    assert snapshot(desired) == before  # the same files, byte for byte, and no other
    assert code == 130, err
    assert "Traceback" not in err
    assert err.splitlines()[-1] == (
        "Error: Interrupted before import --adopt finished: nothing in Chime was changed, "
        "and the desired-state files are back as they were."
    )
    assert out == ""


def test_adopt_whose_second_plan_fails_in_chime_puts_the_files_back(
    drift: EmulatorServer, cli: Any, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desired = workdir / "desired-state"
    rooms = desired / "rooms.yaml"
    rooms.write_bytes(rooms.read_bytes().replace(b"\n", b"\r\n"))  # put back as it was too
    before = snapshot(desired)

    def then_chime_fails(*args: Any) -> Any:  # the files are edited: Chime fails from now
        assert snapshot(desired) != before
        drift.set_faults(error_rate=1.0)
        return load_desired(*args)

    monkeypatch.setattr(adopt_cli, "load_desired", then_chime_fails)
    run = cli("import", "--adopt")
    assert snapshot(desired) == before
    assert run.exit_code == 1, run.stdout + run.stderr
    assert run.err_lines[0] == "Checking the edited files failed; they are back as they were."
    assert run.err_lines[1].startswith("Error: ListRooms failed"), run.stderr


def test_adopt_failing_while_it_checks_the_edited_files_puts_them_back(
    drift: EmulatorServer, cli: Any, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desired = workdir / "desired-state"
    before = snapshot(desired)

    def broken(*_: object) -> None:
        assert snapshot(desired) != before  # called once the files are edited
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(adopt_cli, "load_desired", broken)
    with pytest.raises(OSError):  # unexpected: the command line reports it as a bug
        cli("import", "--adopt")
    assert snapshot(desired) == before


def files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*.yaml")}


FILE_SIZE_LIMIT = 1000  # bytes a file of the child may hold: a.yaml fits, big/b.yaml not
PADDING = "".join(f"# note {i:03d}: {'x' * 60}\n" for i in range(16))  # about 1,100 bytes


def test_adopt_that_cannot_write_a_file_names_it_and_puts_the_others_back(
    seed: Any, write_desired: Any, workdir: Path
) -> None:
    # Q-DV-4: "Internal error ... PermissionError: ... '.b.yaml.d2e7137b.tmp'" (or "the
    # output could not be written"): neither the file named nor the files said to be back.
    # A file size limit (as a full disk, and for root too) makes big/b.yaml's write fail.
    emulator = seed(
        users=("alice", "bob", "carol"),
        rooms={
            "web": [("alice", "Administrator"), ("bob", "Member")],
            "ops": [("alice", "Administrator"), ("carol", "Member")],
        },
    )
    desired = write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "a.yaml": "rooms:\n  ops:\n    administrators: [alice@example.com]\n",
            "big/b.yaml": f"{PADDING}rooms:\n  web:\n    administrators: [alice@example.com]\n",
        }
    )
    assert len((desired / "big" / "b.yaml").read_bytes()) > FILE_SIZE_LIMIT
    before = files(desired)
    a_yaml = (desired / "a.yaml").stat().st_ctime_ns

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it: EFBIG, no signal

    adopt = ["--endpoint-url", emulator.url, "--desired", "desired-state", "import", "--adopt"]
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", *adopt],
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limited,
    )

    assert files(desired) == before  # a.yaml, written first, is back byte for byte
    assert (desired / "a.yaml").stat().st_ctime_ns != a_yaml  # (ops: written, put back)
    assert (done.returncode, done.stdout) == (1, ""), done.stderr
    assert done.stderr.splitlines() == [
        "Writing the edited files failed; they are back as they were.",
        "Error: cannot write desired-state/big/b.yaml: File too large",
    ]
