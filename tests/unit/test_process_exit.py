"""The command line's process ends as Python would end it (``process_exit``): the same exit
status, everything written reaches its reader, every atexit hook runs, a thread still at
work is waited for; a flush into a closed pipe (stdout's or stderr's) ends as the command
line's closed output does (141), any other failed flush as Python reports it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# ``MODE`` (argv[1]): "fast" ends through run_then_exit, "plain" with Python's own exit
SCRIPT = """
import atexit, sys, threading, time
from reconciler.process_exit import run_then_exit

mode, code, action = sys.argv[1], sys.argv[2], sys.argv[3]

def main():
    atexit.register(lambda: sys.stderr.write("first hook registered, last to run\\n"))
    atexit.register(lambda: sys.stderr.write("last hook registered, first to run\\n"))
    # left in the buffer: a megabyte, or where the reader goes away, a line
    sys.stdout.write("x" * 1_000_000 if action != "closed" else "a line\\n")
    if action == "closed-stderr":  # the closing line, after the reader has gone: it stays
        sys.stdin.read(1)          # in stderr's buffer (`2>&1 | head -1`)
        try:
            sys.stderr.write("Imported 5 rooms.\\n")
        except BrokenPipeError:
            pass
    if action == "thread":
        def late():
            time.sleep(0.3)
            print("thread done", file=sys.stderr, flush=True)
        threading.Thread(target=late).start()
    if action == "closed":
        sys.stdin.read(1)  # the reader has gone: the flush at exit fails
    raise SystemExit(code if code == "message" else int(code))

if mode == "fast":
    run_then_exit(main)
main()
"""


# stdout buffered, as it is for a run: what is left in the buffer is written at exit
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def run(mode: str, code: str, action: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, code, action],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("code", ["0", "2", "130"])
def test_status_output_and_hooks_are_as_with_python_s_exit(code: str) -> None:
    fast, plain = run("fast", code), run("plain", code)
    assert fast.returncode == plain.returncode == int(code)
    assert fast.stdout == plain.stdout == "x" * 1_000_000
    hooks = "last hook registered, first to run\nfirst hook registered, last to run\n"
    assert fast.stderr == plain.stderr == hooks


def test_a_message_exits_1_with_the_message() -> None:
    fast, plain = run("fast", "message"), run("plain", "message")
    assert fast.returncode == plain.returncode == 1
    assert fast.stderr == plain.stderr
    assert fast.stderr.startswith("message\n")


def test_a_thread_still_at_work_is_waited_for() -> None:
    fast = run("fast", "2", "thread")
    assert fast.returncode == 2
    assert fast.stderr.splitlines() == [
        "thread done",
        "last hook registered, first to run",
        "first hook registered, last to run",
    ]


def test_a_flush_into_a_closed_stdout_ends_as_a_closed_output_does() -> None:
    # Python reports the failed flush and exits 120; the command line ends as for any
    # closed output (``reconciler.closed_output``): 141, nothing said
    results = []
    for mode in ("fast", "plain"):
        child = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, mode, "0", "closed"],
            env=ENV,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout is not None and child.stdin is not None
        child.stdout.close()  # the reader goes away (as `| head` does)
        child.stdin.write(b"go")
        child.stdin.close()
        assert child.stderr is not None
        err = child.stderr.read().decode()
        results.append((child.wait(timeout=60), err))
    (fast_code, fast_err), (plain_code, plain_err) = results
    assert (fast_code, plain_code) == (141, 120)
    assert "BrokenPipeError" in plain_err
    assert fast_err == "last hook registered, first to run\nfirst hook registered, last to run\n"


def test_a_flush_into_a_closed_stderr_ends_as_a_closed_stdout_does() -> None:
    # QA W Q-W-4: `import 2>&1 | head -1`: the closing line on stderr could not be
    # written, and the flush at exit failed again: exit 120 ("failed to flush stdio")
    child = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, "fast", "0", "closed-stderr"],
        env=ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stderr is not None and child.stdin is not None and child.stdout is not None
    child.stderr.close()  # the reader goes away
    child.stdin.write(b"go")
    child.stdin.close()
    assert child.stdout.read() == b"x" * 1_000_000  # stdout is whole
    assert child.wait(timeout=60) == 141
