"""A failed read and a Ctrl-C are acted on at once, whatever the other reads' requests in
flight are doing (QA-HA): the command line in this process (its signal handlers are the
main thread's), the emulator over real HTTP, boto3; the other rooms' reads are held by the
emulator (answered only when the test ends), so each case is the same whatever the load.

- Q-HA-1: a room read ahead that fails for good is the error 1.5 s later at most (the
  calls under way stopped, their requests waited for that long), even when the rooms
  before it in the read's order have not been answered.
- Q-HA-3: a Ctrl-C (SIGTERM) that comes while a failed read waits for those requests
  ends the wait: apply exits 130 at once, not when the wait is over.
- Q-HA-4: a Ctrl-C while apply reads a saved plan's rooms exits 130 at once, not once
  every read in flight is answered (or times out).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

import pytest
from conftest import ACCOUNT

from reconciler import parallel
from reconciler.emulator.errors import ServiceFailureError
from reconciler.providers import read_ahead

pytestmark = pytest.mark.e2e

HELD_S = 20.0  # a held read's answer: past what any case here may wait
PROMPT_S = 1.0  # an interrupt acted on at once ends the run within this
NOTHING_APPLIED = "Error: Interrupted before applying anything: nothing was applied."
ROOMS = ["r1", "r2", "r3"]


class Held:
    """The emulator's ``ListRoomMemberships``: the room ``failing``'s read fails (500,
    every attempt) once the other rooms' reads have all arrived; those are held (not
    answered) until ``release`` (or ``HELD_S``). ``on_held`` runs once they all are."""

    def __init__(
        self, emulator: Any, failing: str | None, on_held: Any = None, others: int = 3
    ) -> None:
        self.app = emulator.app
        self.handle = self.app.handle
        self.failing = failing
        self.others = others
        self.on_held = on_held
        self.lock = threading.Condition()
        self.arrived = 0
        self.failed_at: float | None = None
        self.released = threading.Event()

    def __call__(self, method: str, target: str, *args: Any) -> Any:
        if method != "GET" or not target.split("?")[0].endswith("/memberships"):
            return self.handle(method, target, *args)
        if self.failing is not None and f"/rooms/room-{self.failing}/" in target:
            with self.lock:
                self.lock.wait_for(lambda: self.arrived >= self.others, timeout=10)
            self.failed_at = time.monotonic()  # the last attempt's, when the run gives up
            return self.app.error(ServiceFailureError("The service failed."))
        with self.lock:
            self.arrived += 1
            self.lock.notify_all()
            everyone = self.arrived == self.others
        if everyone and self.on_held is not None:
            self.on_held()
        self.released.wait(HELD_S)
        return self.handle(method, target, *args)


@pytest.fixture
def world(seed: Any, write_desired: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Rooms bad, r1-r3 (alice in each), declared with bob added (bad with carol too: the
    read's order is the most members first), so that a saved plan reads them all."""

    def make(bad_members: list[str]) -> Any:
        names = ["bad", *ROOMS]
        emulator = seed(
            users=["alice", "bob", "carol"], rooms={n: [("alice", "Member")] for n in names}
        )
        declared = {n: ["alice", "bob"] for n in ROOMS} | {"bad": bad_members}
        rooms = "".join(
            f"  {n}:\n    account: '{ACCOUNT}'\n    members: ["
            + ", ".join(f"{m}@example.com" for m in ms)
            + "]\n"
            for n, ms in declared.items()
        )
        write_desired({"rooms.yaml": "rooms:\n" + rooms})
        monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "2")
        return emulator

    return make


def held(emulator: Any, monkeypatch: pytest.MonkeyPatch, *args: Any, **kwargs: Any) -> Held:
    holding = Held(emulator, *args, **kwargs)
    monkeypatch.setattr(emulator.app, "handle", holding)
    return holding


def test_a_failed_room_read_is_the_error_while_the_rooms_before_it_are_unanswered(
    world: Any, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Q-HA-1: bad (one member) is the last the read takes; the three before it are never
    # answered. The error came when they were (30 s: READ_TIMEOUT), not 1.5 s after bad's
    # failure, as the other parallel reads give it.
    emulator = world(["alice"])
    holding = held(emulator, monkeypatch, failing="bad")
    try:
        run = cli("--parallelism", "4", "plan")
        ended = time.monotonic()
    finally:
        holding.released.set()
    assert run.exit_code == 1
    assert "Error: ListRoomMemberships failed" in run.stderr, run.stderr
    assert "room room-bad)" in run.stderr and "ServiceFailureException" in run.stderr
    assert holding.failed_at is not None
    assert ended - holding.failed_at < parallel.STRAGGLERS_S + PROMPT_S


@pytest.mark.parametrize("saved", [False, True], ids=["apply", "apply PLAN_FILE"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_while_a_failed_read_waits_for_the_others_exits_130_at_once(
    world: Any, cli: Any, monkeypatch: pytest.MonkeyPatch, saved: bool, signum: int
) -> None:
    # Q-HA-3: the signal comes as the failed read starts waiting for the requests in flight
    # (made 10 s here, 1.5 s in the tool): apply's handler only sets STOP, and the wait
    # went on to its end before the run said it was interrupted
    emulator = world(["alice", "bob", "carol"])  # bad first: its failure ends the read
    if saved:
        assert cli("plan", "--out", "saved.plan").exit_code == 0
    monkeypatch.setattr(parallel, "STRAGGLERS_S", 10.0)
    monkeypatch.setattr(read_ahead, "STRAGGLERS_S", 10.0)
    signalled: list[float] = []
    shutdown = parallel.PriorityPool.shutdown

    def interrupted_meanwhile(
        pool: Any, cancel: bool = False, wait: bool = True, timeout: Any = None
    ) -> None:
        if cancel and wait and timeout is not None and not signalled:  # the stragglers' wait
            signalled.append(time.monotonic())
            os.kill(os.getpid(), signum)
        shutdown(pool, cancel, wait, timeout)

    monkeypatch.setattr(parallel.PriorityPool, "shutdown", interrupted_meanwhile)
    holding = held(emulator, monkeypatch, failing="bad")
    try:
        run = cli("--parallelism", "4", "apply", *(["saved.plan"] if saved else ["--auto-approve"]))
        ended = time.monotonic()
    finally:
        holding.released.set()
    assert signalled, "the failed read did not wait for the others"
    assert run.exit_code == 130, run.stderr
    assert run.err_lines[-1] == NOTHING_APPLIED
    assert ended - signalled[0] < PROMPT_S


@pytest.mark.parametrize("saved", [False, True], ids=["apply", "apply PLAN_FILE"])
def test_an_interrupt_while_reads_are_in_flight_exits_130_at_once(
    world: Any, cli: Any, monkeypatch: pytest.MonkeyPatch, saved: bool
) -> None:
    # Q-HA-4: apply PLAN_FILE's parallel read (pmap) went on waiting for every request in
    # flight after the Ctrl-C (30 s with an endpoint that never answers); the reads ahead
    # of plain apply did not
    emulator = world(["alice", "bob", "carol"])
    if saved:
        assert cli("plan", "--out", "saved.plan").exit_code == 0
    signalled: list[float] = []

    def ctrl_c() -> None:  # every room's read in flight, none answered
        signalled.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    holding = held(emulator, monkeypatch, failing=None, on_held=ctrl_c, others=4)
    try:
        run = cli("--parallelism", "4", "apply", *(["saved.plan"] if saved else ["--auto-approve"]))
        ended = time.monotonic()
    finally:
        holding.released.set()
    assert signalled, "the reads were not all in flight"
    assert run.exit_code == 130, run.stderr
    assert run.err_lines[-1] == NOTHING_APPLIED
    assert ended - signalled[0] < PROMPT_S
