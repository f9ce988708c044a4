"""Reads ahead that are no longer wanted stop at once (issue 13, after QA): a Ctrl-C or
SIGTERM, an invalid desired state, a read ahead failed for good. The real CLI in a child
process, the emulator over real HTTP (throttling every call, failing every call) or a
socket that accepts connections and never answers; the retry settings are the defaults
(backoffs of up to 20 s), so that a run waiting for the reads ahead is plain to see."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hung_child import why_still_running, with_stacks

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
SETTINGS = f"account: {ACCOUNT}\n"
ROOMS = [f"r{i}" for i in range(12)]
PROMPT_S = 2.0  # the reads ahead once stopped, the run is over within this
PATIENCE_S = 15.0  # a run still going then waits for the reads ahead (a test failure)
BROKEN = "rooms:\n  web:\n    administrators: [alice@example.com\n"
BROKEN_ERROR = (
    "desired-state/z.yaml:4: YAML syntax error: while parsing a flow sequence, expected ',' "
    "or ']', but got '<stream end>' (started at line 3)"
)


def rooms_file(names: list[str], by_id: bool = False) -> str:
    return "rooms:\n" + "".join(
        f"  {r}: {{{f'id: room-{r}, ' if by_id else ''}administrators: [alice@example.com]}}\n"
        for r in names
    )


@pytest.fixture
def world(seed: Callable[..., Any], write_desired: Callable[..., Any]) -> Any:
    """Twelve rooms of alice's, six declared by name, six by id (all read ahead)."""
    emulator = seed(users=("alice",), rooms={r: [("alice", "Administrator")] for r in ROOMS})
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "a.yaml": rooms_file(ROOMS[:6]),
            "b.yaml": rooms_file(ROOMS[6:], by_id=True),
        }
    )
    return emulator


class Silent:
    """An endpoint that accepts connections and never answers."""

    def __init__(self, server: socket.socket) -> None:
        self.server = server
        self.url = f"http://127.0.0.1:{server.getsockname()[1]}"
        self.accepted: list[socket.socket] = []

    def connected(self) -> bool:
        """Whether a client has connected (accepted now, kept open, never answered)."""
        while select.select([self.server], [], [], 0)[0]:
            self.accepted.append(self.server.accept()[0])
        return bool(self.accepted)


@pytest.fixture
def silent() -> Iterator[Silent]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        endpoint = Silent(server)
        try:
            yield endpoint
        finally:
            for conn in endpoint.accepted:
                conn.close()


def start(workdir: Path, endpoint: str, *args: str) -> subprocess.Popen[str]:
    """The CLI in a child process with the default retry settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIME_RECONCILER_RETRY")}
    argv = ["--endpoint-url", endpoint, "--desired", "desired-state", *args]
    return subprocess.Popen(
        [sys.executable, "-m", "reconciler", *argv],
        cwd=workdir,
        env=with_stacks(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(child: subprocess.Popen[str], timeout: float = PATIENCE_S) -> tuple[int, str, str]:
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"still running {timeout} s later: it waits for the reads ahead\n"
            + why_still_running(child)
        )
    return child.returncode, out, err


def validating_s(workdir: Path) -> float:
    """How long `validate` of the same files takes here and now: the interpreter's start-up
    and the loading under the machine's current load, which the "at once" bounds allow for
    twice (a loaded machine starts Python in seconds, and `plan` imports more than
    `validate`: under six busy loops on 2 cores, 4.1 s for `plan` against 2.0 s for
    `validate`); a run that waited for its reads ahead would take PATIENCE_S."""
    began = time.monotonic()
    finish(start(workdir, "http://127.0.0.1:9", "validate"))
    return time.monotonic() - began


def until(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.02)


# -- 1. Ctrl-C and SIGTERM ---------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("command", [["plan"], ["apply", "--auto-approve"]])
def test_an_interrupt_while_reads_ahead_are_throttled_exits_130_at_once(
    world: Any, workdir: Path, calls: Callable[[], dict[str, int]], signum: int, command: list[str]
) -> None:
    world.set_faults(throttle_rate=1.0)  # every call a 429: the reads ahead back off, retry
    child = start(workdir, world.url, *command)
    until(lambda: calls().get("Throttled", 0) >= 7)  # ListRooms and the 6 by id throttled
    exits_130_at_once(child, signum, calls, command[0])


def says_interrupted(command: str) -> str:
    """The last line of a run interrupted while it reads (``apply``: before it applies)."""
    if command == "apply":
        return "Error: Interrupted before applying anything: nothing was applied."
    if command == "import":  # nor any file (--out)
        return (
            "Error: Interrupted before import finished: nothing in Chime was changed "
            "(import only reads it), and nothing was written."
        )
    return (
        f"Error: Interrupted before {command} finished: nothing in Chime was changed "
        f"({command} only reads it)."
    )


def exits_130_at_once(
    child: subprocess.Popen[str], signum: int, calls: Callable[[], dict[str, int]], command: str
) -> None:
    """``stops_at_once``, and no call is made behind its exit."""
    stops_at_once(child, signum, command)
    served = sum(calls().values())
    time.sleep(0.5)
    assert sum(calls().values()) == served  # no read goes on behind the exit


@pytest.mark.parametrize("command", [["plan"], ["apply", "--auto-approve"]])
def test_an_interrupt_while_reads_ahead_wait_for_an_answer_exits_130_at_once(
    write_desired: Callable[..., Any], workdir: Path, silent: Silent, command: list[str]
) -> None:
    write_desired({"settings.yaml": SETTINGS, "a.yaml": rooms_file(ROOMS, by_id=True)})
    child = start(workdir, silent.url, *command)
    until(silent.connected, timeout=PATIENCE_S)  # started, reading its rooms
    time.sleep(0.5)  # loaded, its rooms' requests sent, none answered
    stops_at_once(child, signal.SIGINT, command[0])


def stops_at_once(child: subprocess.Popen[str], signum: int, command: str) -> str:
    """Signalled, the run exits 130 within PROMPT_S, with no traceback, its last line
    saying it was interrupted (not click's "Aborted."); its stdout."""
    child.send_signal(signum)
    signalled = time.monotonic()
    code, out, err = finish(child)
    assert time.monotonic() - signalled < PROMPT_S
    assert code == 130, err
    assert "Traceback" not in err
    assert "Aborted" not in err
    assert err.splitlines()[-1] == says_interrupted(command), err
    return out


@pytest.mark.parametrize(
    ("command", "signum"),
    [
        (["audit", "alice@example.com"], signal.SIGINT),
        (["explain", "alice@example.com"], signal.SIGTERM),
        (["import"], signal.SIGINT),
        (["import", "--out", "imported"], signal.SIGTERM),
    ],
)
def test_the_other_reading_commands_say_they_were_interrupted(
    write_desired: Callable[..., Any], workdir: Path, command: list[str], signum: int
) -> None:
    """`audit`, `explain` and `import` only read from Chime: interrupted while a read waits
    for its answer, each says so (as `plan` does), exits 130 at once, writes nothing."""
    write_desired({"settings.yaml": SETTINGS, "a.yaml": rooms_file(ROOMS)})
    with socket.socket() as server:  # accepts connections, never answers
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        server.settimeout(PATIENCE_S)
        child = start(workdir, f"http://127.0.0.1:{server.getsockname()[1]}", *command)
        waiting, _ = server.accept()  # its first read is under way
        with waiting:
            out = stops_at_once(child, signum, command[0])
    assert out == ""
    assert not (workdir / "imported").exists()


# -- 2. an invalid desired state ---------------------------------------------------------------


@pytest.mark.parametrize("command", [["plan"], ["apply", "--auto-approve"]])
def test_an_invalid_desired_state_is_reported_at_once_however_throttled_the_reads_ahead(
    world: Any,
    write_desired: Callable[..., Any],
    workdir: Path,
    calls: Callable[[], dict[str, int]],
    command: list[str],
) -> None:
    world.set_faults(throttle_rate=1.0)
    # loaded last: a.yaml's and b.yaml's rooms are read ahead while m.yaml loads (~0.1 s)
    many = "".join(f"    - u{i}@example.com\n" for i in range(10_000))
    write_desired({"m.yaml": "groups:\n  many:\n" + many, "z.yaml": BROKEN})
    baseline = validating_s(workdir)
    began = time.monotonic()
    code, out, err = finish(start(workdir, world.url, *command))
    assert time.monotonic() - began < PROMPT_S + 2 * baseline
    assert (code, out, err.splitlines()) == (
        1,
        "",
        [BROKEN_ERROR, "Desired state is invalid: 1 error."],
    )
    assert calls().get("Throttled", 0) > 0  # the rooms were being read ahead


def test_an_invalid_desired_state_is_reported_at_once_when_the_endpoint_never_answers(
    write_desired: Callable[..., Any], workdir: Path, silent: Silent
) -> None:
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "a.yaml": rooms_file(ROOMS[:6]) + rooms_file(ROOMS[6:], by_id=True)[len("rooms:\n") :],
            "z.yaml": BROKEN,
        }
    )
    baseline = validating_s(workdir)
    began = time.monotonic()
    code, out, err = finish(start(workdir, silent.url, "plan"))
    assert time.monotonic() - began < PROMPT_S + 2 * baseline
    assert (code, out, err.splitlines()) == (
        1,
        "",
        [BROKEN_ERROR, "Desired state is invalid: 1 error."],
    )


# -- 3 and 4. a room declared twice is not read twice (nor, in one file, at all) ---------------


def test_a_room_declared_by_name_and_by_id_is_listed_once_at_most(
    seed: Callable[..., Any], write_desired: Callable[..., Any], cli: Any, calls: Any
) -> None:
    seed(users=("alice",), rooms={"ops": [("alice", "Administrator")]})
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "a.yaml": "rooms:\n"
            "  ops: {administrators: [alice@example.com]}\n"
            "  ops-again: {id: room-ops, administrators: [alice@example.com]}\n",
        }
    )
    run = cli("plan")
    assert run.exit_code == 1
    assert (
        "room room-ops is declared more than once (also as ops-again at " in run.stdout + run.stderr
    )
    assert calls()["ListRooms"] == 1
    assert calls().get("ListRoomMemberships", 0) <= 1


@pytest.mark.parametrize("same_file", [True, False])
def test_a_room_id_declared_twice_is_listed_once_at_most_and_in_one_file_never(
    seed: Callable[..., Any],
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Any,
    same_file: bool,
) -> None:
    seed(users=("alice",), rooms={"ops": [("alice", "Administrator")]})
    one = "  one: {id: room-ops, administrators: [alice@example.com]}\n"
    two = "  two: {id: room-ops, administrators: [alice@example.com]}\n"
    files = (
        {"a.yaml": "rooms:\n" + one + two}
        if same_file
        else {
            "a.yaml": "rooms:\n" + one,
            "b.yaml": "rooms:\n" + two,
        }
    )
    write_desired({"settings.yaml": SETTINGS, **files})
    run = cli("plan")
    assert run.exit_code == 1
    assert "room id 'room-ops' is already declared at desired-state/a.yaml:2" in run.stderr
    listed = calls().get("ListRoomMemberships", 0)
    assert listed == 0 if same_file else listed <= 1


# -- 5. a read ahead failed for good stops the others ------------------------------------------


def test_a_read_ahead_failing_for_good_stops_the_others(
    seed: Callable[..., Any], write_desired: Callable[..., Any], cli: Any, calls: Any
) -> None:
    rooms = [f"r{i:02}" for i in range(40)]
    emulator = seed(users=("alice",), rooms={r: [("alice", "Administrator")] for r in rooms})
    write_desired({"settings.yaml": SETTINGS, "a.yaml": rooms_file(rooms, by_id=True)})
    emulator.set_faults(error_rate=1.0)
    run = cli("--parallelism", "4", "plan")
    assert run.exit_code == 1
    assert run.stderr.startswith("Error: ListRoomMemberships failed (account ")
    assert "(gave up after 10 attempts)" in run.stderr
    # the sequential read stopped at the first: 10 attempts; 4 threads read 4 at a time
    assert calls()["ListRoomMemberships"] <= 4 * 10 + 4  # 40 rooms x 10 before


def test_a_failed_listrooms_is_the_error_and_stops_the_room_reads(
    seed: Callable[..., Any], write_desired: Callable[..., Any], cli: Any, calls: Any
) -> None:
    rooms = [f"r{i:02}" for i in range(40)]
    emulator = seed(users=("alice",), rooms={r: [("alice", "Administrator")] for r in rooms})
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "a.yaml": rooms_file(rooms[:1]),  # by name: ListRooms first
            "b.yaml": rooms_file(rooms[1:], by_id=True),
        }
    )
    emulator.set_faults(error_rate=1.0)
    run = cli("--parallelism", "4", "plan")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr.splitlines() == [
        f"Error: ListRooms failed (account {ACCOUNT}): ServiceFailureException: The service "
        "failed (injected fault). (gave up after 10 attempts)"
    ]
    assert calls()["ListRooms"] == 10
    assert calls()["ListRoomMemberships"] <= 4 * 10 + 4  # 39 rooms x 10 before
