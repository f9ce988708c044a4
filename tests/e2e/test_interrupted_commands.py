"""Ctrl-C or SIGTERM during any command says what was interrupted and what it did not
change, and exits 130: never click's bare "Aborted.", never a traceback (`plan`, `audit`,
`explain` and `import`: tests/e2e/test_read_ahead_stops.py; `apply`: its own, in
test_hostile_interrupts.py).

The commands that print much are interrupted while their output waits in a full pipe
(nobody reads it, as when a pager is not scrolled): the real CLI in a child process,
signalled once its first bytes are out, so that the signal always lands inside the
command. `demo` and `gitops` are interrupted the same way, and while waiting for GitHub."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import click
import pytest
from conftest import ACCOUNT, Cli, WriteDesired, seed_doc
from test_read_ahead_stops import PATIENCE_S, PROMPT_S, finish

from reconciler.cli import commands, demo
from reconciler.cli.execute import ApplyInterrupted
from reconciler.cli.main import cli as root
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

USERS = [f"u{i:04d}" for i in range(900)]
ROOMS = ["r1", "r2", "r3", "r4"]  # 3,600 members to add: a plan of about 130 KB
PIPE_BYTES = 64 * 1024  # a pipe's buffer on Linux: more output than this waits for a reader
OWN_HANDLING = {"apply", "emulator"}  # apply's interrupt (tested elsewhere); emulator stops


def interrupted(command: str, unchanged: str) -> str:
    return f"Error: Interrupted before {command} finished: {unchanged}."


def start(cwd: Path, argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *argv],
        cwd=cwd,
        env=env or os.environ.copy(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def readable(fd: int) -> bool:
    """``fd`` has something to read within PATIENCE_S. poll, not select: a worker of the
    whole suite may hold file descriptors past select()'s 1,024 ("filedescriptor out of
    range in select()", seen in a clean clone's run)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(PATIENCE_S * 1000))


def interrupt_once_printing(child: subprocess.Popen[str], signum: int) -> tuple[int, str, str]:
    """Wait for the child's first output (more than a pipe holds is coming: it then waits
    for a reader), signal it, and read what it printed."""
    assert child.stdout is not None
    assert readable(child.stdout.fileno()), "printed nothing"
    child.send_signal(signum)
    return finish(child, timeout=PROMPT_S + 5)


def says_it(code: int, out: str, err: str, last_line: str, full_output_end: str) -> None:
    assert code == 130, err
    assert "Traceback" not in err
    assert "Aborted" not in err
    assert err.splitlines()[-1] == last_line, err
    assert full_output_end not in out  # it was interrupted, not finished


# -- every command has its sentence ------------------------------------------------------------


def test_every_command_but_apply_and_emulator_says_what_an_interrupt_left_unchanged() -> None:
    """A command added later without its sentence would print click's "Aborted."."""
    missing = []
    for name in commands.names():
        command = commands.load(root, name)
        assert command is not None
        subcommands = command.commands.values() if isinstance(command, click.Group) else [command]
        for sub in subcommands:
            if name not in OWN_HANDLING and not getattr(sub.callback, "on_interrupt", ""):
                missing.append(sub.name)
    assert missing == []


# -- offline commands whose output waits ----------------------------------------------------


@pytest.fixture
def many_rooms(write_desired: WriteDesired) -> Path:
    """3,000 rooms declared: `validate -v` prints a line for each (about 300 KB); each
    administrator in 1,000 of them, AWS's most rooms per member (a valid desired state)."""
    rooms = "".join(
        f"  room{i:04d}:\n    administrators: [a{i // 1000}@example.com]\n" for i in range(3000)
    )
    return write_desired({"settings.yaml": f"account: {ACCOUNT}\n", "a.yaml": "rooms:\n" + rooms})


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_validate_interrupted_says_it_only_reads_the_files(
    many_rooms: Path, workdir: Path, signum: int
) -> None:
    child = start(workdir, ["-m", "reconciler", "-v", "validate"])
    code, out, err = interrupt_once_printing(child, signum)
    unchanged = "nothing was changed (validate only reads the desired-state files)"
    says_it(code, out, err, interrupted("validate", unchanged), "Desired state is valid")


@pytest.fixture
def drifted(seed: Callable[..., EmulatorServer], write_desired: WriteDesired) -> EmulatorServer:
    """Four empty rooms live, 900 members declared in each."""
    emulator = seed(users=USERS, rooms={r: [] for r in ROOMS})
    members = ", ".join(f"{u}@example.com" for u in USERS)
    rooms = "".join(f"  {r}:\n    members: [{members}]\n" for r in ROOMS)
    write_desired({"settings.yaml": f"account: {ACCOUNT}\n", "a.yaml": "rooms:\n" + rooms})
    return emulator


def test_show_interrupted_says_it_only_reads_the_plan_file(
    drifted: EmulatorServer, cli: Cli, workdir: Path
) -> None:
    assert cli("plan", "--out", "plan.json").exit_code == 0
    before = (workdir / "plan.json").read_bytes()
    child = start(workdir, ["-m", "reconciler", "show", "plan.json"])
    code, out, err = interrupt_once_printing(child, signal.SIGINT)
    unchanged = "nothing was changed (show only reads the plan file)"
    says_it(code, out, err, interrupted("show", unchanged), "Plan: 3,600 to add")
    assert (workdir / "plan.json").read_bytes() == before


def test_merge_plans_interrupted_says_nothing_was_changed_and_writes_no_file(
    drifted: EmulatorServer, cli: Cli, workdir: Path
) -> None:
    for k in (1, 2):
        assert cli("plan", "--shard", f"{k}/2", "--out", f"plan-{k}.json").exit_code == 0
    argv = ["-m", "reconciler", "merge-plans", "plan-1.json", "plan-2.json", "--out", "all.json"]
    code, out, err = interrupt_once_printing(start(workdir, argv), signal.SIGTERM)
    unchanged = (
        "nothing in Chime was changed (merge-plans never calls it), "
        "and --out writes a whole file or none"
    )
    says_it(code, out, err, interrupted("merge-plans", unchanged), "Plan: 3,600 to add")
    assert sorted(p.name for p in workdir.iterdir() if p.name.endswith(".json")) == [
        "plan-1.json",
        "plan-2.json",
    ]


def test_demo_interrupted_says_only_its_own_emulator_was_changed(
    workdir: Path, write_desired: WriteDesired
) -> None:
    """Interrupted while it prints its first plan: the emulator it started is gone with it."""
    rooms: dict[str, list[tuple[str, str]]] = {r: [] for r in ROOMS}
    (workdir / "seed.json").write_text(json.dumps(seed_doc(users=USERS, rooms=rooms)))
    members = ", ".join(f"{u}@example.com" for u in USERS)
    declared = "".join(f"  {r}:\n    members: [{members}]\n" for r in ROOMS)
    write_desired({"settings.yaml": f"account: {ACCOUNT}\n", "a.yaml": "rooms:\n" + declared})
    child = start(workdir, ["-m", "reconciler", "demo", "--seed", "seed.json"])
    code, out, err = interrupt_once_printing(child, signal.SIGINT)
    unchanged = "nothing outside its own emulator was changed, and the emulator has stopped"
    says_it(code, out, err, interrupted("demo", unchanged), "API calls served")
    url = urlsplit(out.splitlines()[0].split(" on ")[1].split(" ")[0])
    assert url.hostname is not None and url.port is not None
    with pytest.raises(OSError):  # its emulator is stopped
        socket.create_connection((url.hostname, url.port), timeout=2)


# -- gitops: waiting for GitHub ------------------------------------------------------------------


@pytest.fixture
def silent_github() -> Iterator[socket.socket]:
    """A GitHub API that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.settimeout(PATIENCE_S)
        yield server


@pytest.mark.parametrize(
    ("args", "unchanged"),
    [
        (
            ["pr-comment", "--pr", "7", "--body-file", "plan.md"],
            "nothing in Chime was changed (gitops never calls it); run it again to post the "
            "plan comment or update it in place",
        ),
        (
            ["drift", "--exit-code", "2", "--body-file", "plan.md"],
            "nothing in Chime was changed (gitops never calls it); run it again to bring the "
            "drift issue up to date",
        ),
    ],
)
@pytest.mark.parametrize("entry", [["-m", "reconciler", "gitops"], ["-m", "reconciler.gitops"]])
def test_gitops_interrupted_while_github_answers_nothing_says_so(
    silent_github: socket.socket, workdir: Path, entry: list[str], args: list[str], unchanged: str
) -> None:
    (workdir / "plan.md").write_text("Plan: 1 to add, 0 to change, 0 to destroy.\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    port = silent_github.getsockname()[1]
    env.update(GITHUB_TOKEN="t", GITHUB_REPOSITORY="o/r", GITHUB_API_URL=f"http://127.0.0.1:{port}")
    child = start(workdir, [*entry, *args], env)
    waiting, _ = silent_github.accept()  # its first request is under way
    with waiting:
        child.send_signal(signal.SIGINT)
        code, out, err = finish(child, timeout=PROMPT_S + 5)
    says_it(code, out, err, interrupted(f"gitops {args[0]}", unchanged), "Drift issue")
    assert out == ""


# -- commands too quick to interrupt from outside: the interrupt raised where they work --------


@pytest.mark.parametrize(
    ("args", "where", "unchanged"),
    [
        (
            ["schema"],
            "reconciler.cli.schema.json_schema",
            "nothing was changed (schema only prints)",
        ),
        (
            ["completion", "bash"],
            "reconciler.cli.completion.get_completion_class",
            "nothing was changed (completion only prints a script)",
        ),
        (
            ["codeowners"],
            "reconciler.cli.codeowners.load_desired",
            "nothing in Chime was changed (codeowners never calls it); run it again to write "
            "CODEOWNERS",
        ),
    ],
)
def test_quick_commands_interrupted_say_so(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, args: list[str], where: str, unchanged: str
) -> None:
    def interrupt(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    commands.load(root, args[0])  # its module imported, so that the name can be patched
    monkeypatch.setattr(where, interrupt)
    run = cli(*args)
    assert (run.exit_code, run.stdout) == (130, "")
    assert run.err_lines == [interrupted(args[0], unchanged)]


def test_demo_interrupted_while_it_applies_says_only_its_own_emulator_was_changed(
    workdir: Path, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> None:
    """apply's own last line ("run plan to see what is left") would send the user to an
    emulator that is gone. (By hand: a demo of 36,000 adds signalled once its apply
    started lists what was applied, then ends with this line.)"""

    def interrupted_apply(*_: object) -> bool:
        raise ApplyInterrupted("Interrupted: 1 of 2 changes applied, 1 not applied; run plan")

    monkeypatch.setattr(demo, "execute", interrupted_apply)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "a.yaml": "rooms:\n  r1:\n    members: [u0000@example.com]\n",
        }
    )
    (workdir / "seed.json").write_text(json.dumps(seed_doc(users=USERS[:1], rooms={"r1": []})))
    run = Cli("http://unused.invalid", workdir).raw(
        "--desired", "desired-state", "demo", "--seed", "seed.json"
    )
    unchanged = "nothing outside its own emulator was changed, and the emulator has stopped"
    assert run.exit_code == 130
    assert run.err_lines[-1] == interrupted("demo", unchanged)


# -- apply: at its question, and between the rounds of --watch ---------------------------------


def read_until(fd: int, text: str) -> str:
    """What the child wrote on ``fd`` up to and including ``text`` (unbuffered reads)."""
    seen = b""
    while text.encode() not in seen:
        assert readable(fd), f"never printed {text!r}: {seen.decode()!r}"
        chunk = os.read(fd, 65536)
        assert chunk, f"ended before {text!r}: {seen.decode()!r}"
        seen += chunk
    return seen.decode()


def test_ctrl_c_at_applys_question_says_nothing_was_applied(
    seed: Callable[..., EmulatorServer], write_desired: WriteDesired, workdir: Path
) -> None:
    emulator = seed(users=("alice", "bob"), rooms={"r1": [("alice", "Administrator")]})
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "a.yaml": "rooms:\n  r1:\n    administrators: [alice@example.com]\n"
            "    members: [bob@example.com]\n",
        }
    )
    master, slave = pty.openpty()
    try:
        argv = ["--endpoint-url", emulator.url, "--desired", "desired-state", "apply"]
        child = subprocess.Popen(
            [sys.executable, "-m", "reconciler", *argv],
            cwd=workdir,
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout is not None and child.stderr is not None
        shown = read_until(child.stdout.fileno(), "Only 'yes' will be accepted:")
        child.send_signal(signal.SIGINT)
        code = child.wait(PROMPT_S + 5)
        err = child.stderr.read().decode()
    finally:
        os.close(slave)
        os.close(master)
    assert "+ bob@example.com (Member)" in shown
    assert code == 130, err
    assert "Aborted" not in err and "Traceback" not in err
    assert err.splitlines()[-1] == (
        "Error: Interrupted before applying anything: nothing was applied."
    )
    assert emulator.backend.room_members(ACCOUNT, "room-r1") == {"uid-alice": "Administrator"}


def test_ctrl_c_between_the_rounds_of_apply_watch_says_the_watch_stopped(
    emulator: EmulatorServer, write_desired: WriteDesired, workdir: Path
) -> None:
    meeting = "6f1c2a9e-0000-4000-8000-000000000001"
    emulator.reset(
        {
            "meetings": [
                {"id": meeting, "external_meeting_id": "m1", "ended": False, "attendees": []}
            ]
        }
    )
    write_desired(
        {
            "meetings.yaml": f"meetings:\n  bridge:\n    meeting_id: {meeting}\n"
            "    attendees:\n      alice@example.com: viewer\n"
        }
    )
    argv = ["--endpoint-url", emulator.url, "--desired", "desired-state"]
    child = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *argv, "apply", "--auto-approve", "--watch"],
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    shown = read_until(child.stdout.fileno(), "meeting bridge:  + alice@example.com")
    child.send_signal(signal.SIGINT)  # while it waits 10 s for the next round
    code = child.wait(PROMPT_S + 5)
    err = child.stderr.read().decode()
    assert "+ alice@example.com" in shown
    assert code == 130, err
    assert "Aborted" not in err and "Traceback" not in err
    assert err.splitlines()[-1] == (
        "Error: Interrupted: the watch stopped; run plan to see what is left (the changes it "
        "made are listed above)."
    )


# -- before any command: while the command line loads ----------------------------------------

SLOW_IMPORT = """
import sys, time
from pathlib import Path

class Slow:  # the command line's import waits: a Ctrl-C lands while it loads
    def find_spec(self, name, path=None, target=None):
        if name == "reconciler.cli.main":
            Path("{marker}").write_text("loading")
            time.sleep(30)
        return None

sys.meta_path.insert(0, Slow())
"""


def test_ctrl_c_while_the_command_line_loads_prints_no_traceback(tmp_path: Path) -> None:
    """Typed Ctrl-C right after Enter: one line, exit 130 (the import is made slow by a
    sitecustomize of the test's own, so that the signal lands inside it)."""
    hooks, marker = tmp_path / "hooks", tmp_path / "loading"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SLOW_IMPORT.replace("{marker}", str(marker)))
    env = dict(os.environ, PYTHONPATH=str(hooks))
    child = start(tmp_path, ["-m", "reconciler", "validate"], env)
    deadline = time.monotonic() + PATIENCE_S
    while not marker.exists():
        assert time.monotonic() < deadline and child.poll() is None, "never loaded"
        time.sleep(0.01)
    child.send_signal(signal.SIGINT)
    code, out, err = finish(child, timeout=PROMPT_S + 5)
    assert (code, out, err) == (130, "", "Interrupted while starting: nothing was changed.\n")
