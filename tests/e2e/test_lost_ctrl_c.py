"""A Ctrl-C is never lost, and one in the first second says the documented line.

pydantic-core drops a ``KeyboardInterrupt`` raised while it compiles a pattern ("Exception
ignored in"): the real CLI, in a child process, gets one raised and swallowed inside the
desired state's loading (a sitecustomize of the test's own calls the process's SIGINT
handler there, as the signal would, and swallows what it raises). It must still exit 130
with the command's own line, having changed nothing. And a Ctrl-C that lands while a
command is still starting (its module loading, the desired state loading) says so, never
a bare "Interrupted." or a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

from reconciler.cli.apply import NOTHING_APPLIED
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

TIMEOUT_S = 60
MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
WRITES = ("Create", "BatchCreate", "Delete", "Update")

HOOKS = """
import importlib.util, os, signal, sys, time
from pathlib import Path

MODE, MODULE = os.environ["LOST_CTRL_C"].split(":")
MARKER = Path(os.environ["LOST_CTRL_C_MARKER"])


def swallowing(load):
    def run(*args, **kwargs):
        try:  # as pydantic-core does: the KeyboardInterrupt is raised, then dropped
            signal.getsignal(signal.SIGINT)(signal.SIGINT, None)
        except KeyboardInterrupt:
            MARKER.write_text("swallowed")
        return load(*args, **kwargs)
    return run


def slow(load):
    def run(*args, **kwargs):
        MARKER.write_text("loading")
        time.sleep(30)
        return load(*args, **kwargs)
    return run


class Hook:
    def find_spec(self, name, path=None, target=None):
        if name != MODULE:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if MODE == "slow-import":
            MARKER.write_text("loading")
            time.sleep(30)
            return spec
        run_module = spec.loader.exec_module

        def exec_module(module):
            run_module(module)
            module._load = (swallowing if MODE == "swallow" else slow)(module._load)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, Hook())
"""


def run_hooked(
    tmp: Path, cli: Cli, mode: str, module: str, *args: str
) -> tuple[int, str, str, Path]:
    """``python -m reconciler`` with the hook; ``slow`` modes get a SIGINT once loading."""
    hooks, marker = tmp / "hooks", tmp / "marker"
    hooks.mkdir(exist_ok=True)
    (hooks / "sitecustomize.py").write_text(HOOKS)
    env = dict(
        os.environ,
        PYTHONPATH=str(hooks),
        LOST_CTRL_C=f"{mode}:{module}",
        LOST_CTRL_C_MARKER=str(marker),
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *cli.argv(args)],
        cwd=cli.workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if mode != "swallow":
        deadline = time.monotonic() + TIMEOUT_S
        while not marker.exists():
            assert time.monotonic() < deadline and child.poll() is None, "never loaded"
            time.sleep(0.01)
        child.send_signal(signal.SIGINT)
    try:
        out, err = child.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:  # the Ctrl-C was lost: the watch went on
        child.kill()
        out, err = child.communicate()
        pytest.fail(f"still running {TIMEOUT_S} s after the Ctrl-C: {err[-2000:]}")
    return child.returncode, out, err, marker


def no_writes(emulator: EmulatorServer) -> None:
    made = {op: n for op, n in emulator.calls().items() if op.startswith(WRITES)}
    assert made == {}


@pytest.fixture
def one_to_add(seed: Callable[..., EmulatorServer], write_desired: WriteDesired) -> EmulatorServer:
    emulator = seed(users=("alice", "bob"), rooms={"r1": [("alice", "Administrator")]})
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "a.yaml": "rooms:\n  r1:\n    administrators: [alice@example.com]\n"
            "    members: [bob@example.com]\n",
        }
    )
    return emulator


@pytest.fixture
def a_meeting(emulator: EmulatorServer, write_desired: WriteDesired) -> EmulatorServer:
    emulator.reset(
        {
            "meetings": [
                {"id": MEETING, "external_meeting_id": "m1", "ended": False, "attendees": []}
            ]
        }
    )
    write_desired(
        {
            "meetings.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n"
            "    attendees:\n      alice@example.com: viewer\n"
        }
    )
    return emulator


def test_a_swallowed_ctrl_c_while_loading_still_stops_apply_before_any_change(
    one_to_add: EmulatorServer, cli: Cli, tmp_path: Path
) -> None:
    code, _, err, marker = run_hooked(
        tmp_path, cli, "swallow", "reconciler.desired.loader", "apply", "--auto-approve"
    )
    assert marker.read_text() == "swallowed"  # the hook did swallow one
    assert code == 130, err
    assert "Traceback" not in err
    assert err.splitlines()[-1] == f"Error: {NOTHING_APPLIED}"
    no_writes(one_to_add)
    assert one_to_add.backend.room_members(ACCOUNT, "room-r1") == {"uid-alice": "Administrator"}


def test_a_swallowed_ctrl_c_while_loading_stops_apply_watch_before_its_first_round(
    a_meeting: EmulatorServer, cli: Cli, tmp_path: Path
) -> None:
    code, out, err, _ = run_hooked(
        tmp_path,
        cli,
        "swallow",
        "reconciler.desired.loader",
        "apply",
        "--auto-approve",
        "--watch",
        "--interval",
        "1",
    )
    assert code == 130, err
    assert err.splitlines()[-1] == f"Error: {NOTHING_APPLIED}"
    assert "alice@example.com" not in out  # no round applied anything
    no_writes(a_meeting)


def test_a_swallowed_ctrl_c_writes_no_plan_file(
    one_to_add: EmulatorServer, cli: Cli, tmp_path: Path
) -> None:
    code, _, err, _ = run_hooked(
        tmp_path, cli, "swallow", "reconciler.desired.loader", "plan", "--out", "plan.json"
    )
    assert code == 130, err
    assert err.splitlines()[-1] == (
        "Error: Interrupted before plan finished: nothing in Chime was changed (plan only "
        "reads it)."
    )
    assert not (cli.workdir / "plan.json").exists()


def test_ctrl_c_while_apply_loads_the_desired_state_says_nothing_was_applied(
    one_to_add: EmulatorServer, cli: Cli, tmp_path: Path
) -> None:
    code, _, err, _ = run_hooked(
        tmp_path, cli, "slow", "reconciler.desired.loader", "apply", "--auto-approve"
    )
    assert (code, err.splitlines()[-1]) == (130, f"Error: {NOTHING_APPLIED}"), err
    assert "Traceback" not in err
    no_writes(one_to_add)


def test_ctrl_c_while_the_commands_module_loads_says_it_was_starting(
    one_to_add: EmulatorServer, cli: Cli, tmp_path: Path
) -> None:
    """Before the command began (click has read the command line; ``plan``'s module is
    loading): the line the command line's own loading says, not a bare "Interrupted."."""
    code, out, err, _ = run_hooked(tmp_path, cli, "slow-import", "reconciler.cli.plan", "plan")
    assert (code, out) == (130, ""), err
    assert err.strip() == "Interrupted while starting: nothing was changed."


def test_apply_watch_refuses_an_until_that_has_passed_before_reading_anything(
    a_meeting: EmulatorServer, cli: Cli
) -> None:
    done = cli("apply", "--auto-approve", "--watch", "--until", "2020-01-01T00:00:00Z")
    assert done.exit_code == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("Error: --until 2020-01-01T00:00:00Z: that time has passed (it is now ")
    assert line.endswith("); nothing was applied")
    assert a_meeting.calls() == {}
