"""bash completion as a user sees it: an interactive bash on a terminal, the completion
script installed as the README says, a line typed with TAB; then the words the command
would be given (QA W Q-W-1, Q-W-2)."""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import stat
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash"),
]

CHANNEL = "arn:aws:chime:us-east-1:111122223333:app-instance/chat/channel/c1"
END = "@@END"


def _words_after_tab(workdir: Path, lines: list[str]) -> list[list[str]]:
    """For each line typed (TABs in it) in one interactive bash: the words the command
    line holds then, as the shell splits and unquotes them (``printf`` prints each)."""
    bin_dir = workdir / "bin"
    bin_dir.mkdir()
    command = bin_dir / "chime-reconciler"
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m reconciler "$@"\n')
    command.chmod(command.stat().st_mode | stat.S_IXUSR)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PS1": "$ ",
        "TERM": "dumb",
        "INPUTRC": os.devnull,
        "HISTFILE": os.devnull,
    }
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(workdir)
        os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"], env)
    # ^T prints the words of the line being edited, as the command would get them (an
    # open quote: none), then END, and empties the line
    setup = (
        'eval "$(chime-reconciler completion bash)"\n'
        "_words() { eval \"printf '[%s]\\n' $READLINE_LINE\" 2>/dev/null; echo @@E''ND;"
        " READLINE_LINE=; }\n"
        "bind -x '\"\\C-t\": _words'; echo @@E''ND\n"
    )
    out = ""
    try:
        os.write(fd, setup.encode())
        out += _read_until(fd, out, 1)
        for n, line in enumerate(lines, start=2):
            os.write(fd, line.encode() + b"\x14")
            out += _read_until(fd, out, n)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    answers = out.replace("\r", "").split(END)[1 : len(lines) + 1]
    assert len(answers) == len(lines), out
    return [
        [w[1:-1] for w in answer.split("\n") if w.startswith("[") and w.endswith("]")]
        for answer in answers
    ]


def _read_until(fd: int, out: str, ends: int) -> str:
    """What bash writes until ``out`` and it hold ``ends`` END marks (or 30 s pass)."""
    more = ""
    deadline = time.monotonic() + 30
    while (out + more).count(END) < ends and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.2)[0]:
            more += os.read(fd, 65536).decode(errors="replace")
    return more


def test_bash_completes_a_name_as_one_word(write_desired: Any, workdir: Path) -> None:
    write_desired(
        {
            "settings.yaml": """
                account: acc-1
                app_instances:
                  chat:
                    arn: "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
                    bearer: user:reconciler
                """,
            "rooms.yaml": f"""
                rooms:
                  zz top: {{members: [a@example.com]}}
                  web releases: {{members: [a@example.com]}}
                  web-ops: {{members: [a@example.com]}}
                  "it's $HOME": {{members: [a@example.com]}}
                channels:
                  c1: {{arn: "{CHANNEL}", members: [a@example.com]}}
                """,
        }
    )
    (workdir / "desired-state").rename(workdir / "ds")
    cases = [  # what is typed after `chime-reconciler plan `, and the words it makes
        # Q-W-1: a name with a space, typed bare, escaped or in quotes: one word
        ("--desired ds --target zz\t", ["--desired", "ds", "--target", "zz top"]),
        ("--desired ds --target web\\ r\t", ["--desired", "ds", "--target", "web releases"]),
        ('--desired ds --target "zz\t', ["--desired", "ds", "--target", "zz top"]),
        ("--desired ds --target 'zz\t", ["--desired", "ds", "--target", "zz top"]),
        ("--desired ds --target it\t", ["--desired", "ds", "--target", "it's $HOME"]),
        ('--desired ds --target "it\t', ["--desired", "ds", "--target", "it's $HOME"]),
        # Q-W-2: bash splits a word at `=` and `:`
        ("--desired=ds --target web-\t", ["--desired=ds", "--target", "web-ops"]),
        ("--desired ds --target=web-\t", ["--desired", "ds", "--target=web-ops"]),
        ("--desired ds --target=zz\t", ["--desired", "ds", "--target=zz top"]),
        ("--desired ds --target arn:aws:ch\t", ["--desired", "ds", "--target", CHANNEL]),
        # Q-X-2: a global option's value after the command completes as before it
        ("--desired d\t", ["--desired", "ds/"]),
        ("--desired=d\t", ["--desired=ds/"]),
    ]
    got = _words_after_tab(workdir, [f"chime-reconciler plan {typed}" for typed, _ in cases])
    assert list(zip([typed for typed, _ in cases], got, strict=True)) == [
        (typed, ["chime-reconciler", "plan", *expected]) for typed, expected in cases
    ]
