"""QA-EJ Q-EJ-1: a second Ctrl-C (or SIGTERM after SIGINT) that came once the apply's
calls were done, but before it had said what it applied and written its --out result,
quit with neither: nothing said, no result file, though changes were made. Each window
is driven in-process by a hook at that point (no sleep races the tool): the first signal
once two changes are recorded (the worker waits until the handler has seen it), the
second while the plan is still being written out (``_Aside.wait``) or while the apply
says what it applied (``render_interrupted``), or while a round of ``apply --watch`` is
reported; or while apply still reads and plans, before anything is applied (QA-GA Q-GA-1).
The process's exit (``os._exit``) is the
test's ``SystemExit``, so that the command ends as the process would."""

from __future__ import annotations

import importlib
import json
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, Cli
from test_watch_interrupts import BOTH, DESIRED, SEED, SETTINGS, WATCH_INTERRUPTED

from reconciler import interrupt
from reconciler.apply_ledger import Ledger
from reconciler.apply_result import ChangeResult
from reconciler.cli import execute, watch
from reconciler.cli.pipeline import Session
from reconciler.emulator import EmulatorServer
from reconciler.render.watch import Round

pytestmark = pytest.mark.e2e

ROOMS = 4
TOTAL = 2 * ROOMS
FIRST_AFTER = 2  # changes recorded when the first signal comes
SECTIONS = ("Applied before the interrupt:", "Not applied:")


@pytest.fixture
def world(seed: Any, write_desired: Any) -> None:
    seed(users=[f"u{i}" for i in range(TOTAL)], rooms={f"r{i}": [] for i in range(ROOMS)})
    rooms = "".join(
        f"  r{i}: {{members: [u{2 * i}@example.com], administrators: [u{2 * i + 1}@example.com]}}\n"
        for i in range(ROOMS)
    )
    write_desired({"settings.yaml": f"account: '{ACCOUNT}'\n", "rooms.yaml": "rooms:\n" + rooms})


@pytest.fixture
def watched(emulator: EmulatorServer, workdir: Path) -> EmulatorServer:
    """``apply --watch``'s world (test_watch_interrupts): a channel and a meeting."""
    emulator.reset(SEED)
    desired = workdir / "desired-state"
    desired.mkdir()
    (desired / "settings.yaml").write_text(SETTINGS)
    (desired / "desired.yaml").write_text(DESIRED)
    return emulator


@pytest.fixture
def exits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``os._exit(130)`` in the signal handler: ``SystemExit(130)`` raised where the main
    thread was, which the command line ends with, as the process would."""

    def leave(code: int) -> None:
        raise SystemExit(code)

    monkeypatch.setattr(interrupt.os, "_exit", leave)
    yield
    interrupt.PRESSED.clear()  # the process ended: the next test's Ctrl-Cs are its own


def ctrl_c() -> None:
    """A Ctrl-C, to this process: its handler runs in the main thread."""
    os.kill(os.getpid(), signal.SIGINT)


@pytest.fixture
def first_mid_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first Ctrl-C once ``FIRST_AFTER`` changes are recorded; the worker waits until
    the handler has seen it, so that no other change starts."""
    record = Ledger.record
    done: list[ChangeResult] = []

    def recording(self: Ledger, result: ChangeResult) -> None:
        record(self, result)
        done.append(result)
        if len(done) == FIRST_AFTER:
            ctrl_c()
            assert interrupt.STOP.wait(10), "the first Ctrl-C was never handled"

    monkeypatch.setattr(Ledger, "record", recording)


def hook(
    monkeypatch: pytest.MonkeyPatch, where: Any, name: str, before: Callable[[], None]
) -> None:
    """``before()`` the first time ``where.name`` is called, then the real one."""
    real = getattr(where, name)
    calls = []

    def hooked(*args: Any, **kwargs: Any) -> Any:
        if not calls:
            calls.append(1)
            before()
        return real(*args, **kwargs)

    monkeypatch.setattr(where, name, hooked)


def sections(lines: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    under: str | None = None
    for line in lines:
        if line in SECTIONS:
            under = line
            found[under] = []
        elif under is not None and line.startswith("  + "):
            found[under].append(line[4:].split(" ")[0])
        else:
            under = None
    return found


def said_and_written(cli: Cli, workdir: Path, run: Any, said: str, second: str) -> None:
    """What the user sees: exit 130, the second signal's line (``said``: what the signal
    handler wrote on file descriptor 2 itself), the lists of what was applied and not
    (said once), the closing line counting them, the --out result with the same changes,
    and Chime holding the changes applied."""
    assert run.exit_code == 130, run.stderr
    err = run.stderr.splitlines()
    assert err[0] == interrupt.FIRST
    listed = sections(run.lines)
    applied = listed.get(SECTIONS[0], [])
    not_applied = listed.get(SECTIONS[1], [])
    assert len(applied) == FIRST_AFTER, run.lines
    assert len(applied) + len(not_applied) == TOTAL
    assert run.lines.count(SECTIONS[0]) == 1  # said once
    assert err[-1] == (
        f"Error: Interrupted: {FIRST_AFTER} of {TOTAL} changes applied, "
        f"{TOTAL - FIRST_AFTER} not applied; run plan to see what is left."
    )
    document = json.loads((workdir / "result.json").read_text())
    assert document["complete"] is False
    by_outcome: dict[str, set[str]] = {}
    for c in document["changes"]:
        by_outcome.setdefault(c["outcome"], set()).add(c["member"])
    assert by_outcome == {"ok": set(applied), "skipped": set(not_applied)}
    interrupt.PRESSED.clear()  # a new process: its own Ctrl-Cs only
    left = {s[4:].split(" ")[0] for s in cli("plan").lines if s.startswith("  + ")}
    assert left == set(not_applied)
    assert said == second


def test_a_second_signal_while_the_plan_is_still_written_out_says_and_writes_the_result(
    world: None,
    cli: Cli,
    workdir: Path,
    exits: None,
    first_mid_apply: None,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The calls done, the plan still being written to a slow reader (``_Aside``): the
    second signal quits at once, after saying and writing what the calls did."""
    hook(monkeypatch, execute._Aside, "wait", ctrl_c)
    run = cli("--parallelism", "1", "apply", "--auto-approve", "--out", "result.json")
    said_and_written(cli, workdir, run, capfd.readouterr().err, interrupt.SECOND_SAYING)


def test_a_second_signal_while_a_slow_reader_takes_the_plan_says_it_on_stderr_unmixed(
    world: None,
    cli: Cli,
    workdir: Path,
    exits: None,
    first_mid_apply: None,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """QA-EM Q-EM-1: the calls done and the plan's writer still blocked on a slow reader:
    what was applied was said on stdout, its lines mixed with the rest of the plan's. It
    is said on stderr (stdout is cut: the process quits at once), in full, once."""
    released = threading.Event()
    writers: list[threading.Thread] = []
    real_init = execute._Aside.__init__

    def blocked_writer(self: execute._Aside, fn: Callable[[], None]) -> None:
        def slow() -> None:  # the reader has not read yet
            released.wait(10)
            fn()

        real_init(self, slow)
        writers.append(self.thread)

    monkeypatch.setattr(execute._Aside, "__init__", blocked_writer)
    hook(monkeypatch, execute._Aside, "wait", ctrl_c)
    try:
        run = cli("--parallelism", "1", "apply", "--auto-approve", "--out", "result.json")
    finally:
        released.set()
        for thread in writers:
            thread.join(10)
    assert run.exit_code == 130, run.stderr
    assert SECTIONS[0] not in run.lines  # nothing of it on stdout, amid the plan
    listed = sections(run.err_lines)
    assert run.err_lines.count(SECTIONS[0]) == 1
    assert len(listed[SECTIONS[0]]) == FIRST_AFTER
    assert len(listed[SECTIONS[0]]) + len(listed.get(SECTIONS[1], [])) == TOTAL
    assert run.err_lines[-1] == (
        f"Error: Interrupted: {FIRST_AFTER} of {TOTAL} changes applied, "
        f"{TOTAL - FIRST_AFTER} not applied; run plan to see what is left."
    )
    document = json.loads((workdir / "result.json").read_text())
    outcomes = [c["outcome"] for c in document["changes"]]
    assert (outcomes.count("ok"), outcomes.count("skipped")) == (FIRST_AFTER, TOTAL - FIRST_AFTER)
    assert capfd.readouterr().err == interrupt.SECOND_SAYING


def test_a_second_signal_while_the_apply_says_what_it_applied_lets_it_finish(
    world: None,
    cli: Cli,
    workdir: Path,
    exits: None,
    first_mid_apply: None,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The apply saying what it applied itself: the second signal lets it say all of it,
    write the result, and end (130), instead of quitting in the middle."""
    hook(monkeypatch, execute, "render_interrupted", ctrl_c)
    run = cli("--parallelism", "1", "apply", "--auto-approve", "--out", "result.json")
    said_and_written(cli, workdir, run, capfd.readouterr().err, interrupt.SECOND_FINISHING)


def test_a_second_signal_while_a_watch_round_is_reported_lets_it_finish(
    watched: EmulatorServer,
    cli: Cli,
    workdir: Path,
    exits: None,
    first_mid_apply: None,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """``apply --watch``: the round's calls done, the round being reported (its line, the
    --out document): the second signal lets it be reported, and the watch ends (130)."""
    real = watch.Round

    def round_then_ctrl_c(*args: Any, **kwargs: Any) -> Round:
        made = real(*args, **kwargs)
        ctrl_c()  # as the round is reported
        return made

    monkeypatch.setattr(watch, "Round", round_then_ctrl_c)
    run = cli("--parallelism", "1", "apply", "--auto-approve", "--watch", *BOTH)
    assert run.exit_code == 130, run.stderr
    assert run.err_lines[-1] == WATCH_INTERRUPTED
    document = json.loads((workdir / "watch.json").read_text())
    outcomes = [c["outcome"] for c in document["changes"]]
    assert outcomes.count("ok") == FIRST_AFTER
    assert outcomes.count("skipped") == len(outcomes) - FIRST_AFTER > 0
    assert (document["complete"], document["watch"]["rounds"]) == (False, 1)
    assert capfd.readouterr().err == interrupt.SECOND_FINISHING


APPLY = importlib.import_module("reconciler.cli.apply")  # the module, not its command


@pytest.mark.parametrize("saved", [False, True], ids=["planning", "checking a saved plan"])
def test_a_second_signal_while_apply_still_reads_says_nothing_was_applied(
    world: None,
    cli: Cli,
    exits: None,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    saved: bool,
) -> None:
    """QA-GA Q-GA-1: a second signal while apply still reads and plans (or checks a saved
    plan against the live state) said "run plan to see what was applied", with no closing
    line, though nothing was: it says nothing was applied, as one signal's error does."""

    def twice() -> None:
        ctrl_c()
        ctrl_c()

    args: tuple[str, ...] = ("apply", "--auto-approve")
    if saved:
        assert cli("plan", "--out", "plan.json").exit_code == 0
        hook(monkeypatch, APPLY, "load_fresh", twice)
        args = ("apply", "plan.json")
    else:
        hook(monkeypatch, Session, "plan", twice)
    capfd.readouterr()
    run = cli(*args)
    assert run.exit_code == 130, run.stderr
    assert run.err_lines[-1] == interrupt.READING
    assert capfd.readouterr().err == (
        "Interrupted again: quitting at once.\n"
        "Error: Interrupted before applying anything: nothing was applied.\n"
    )
    interrupt.PRESSED.clear()  # a new process: its own Ctrl-Cs only
    left = [s for s in cli("plan").lines if s.startswith("  + ")]  # the hook fired once
    assert len(left) == TOTAL  # nothing was applied
