"""A CODEOWNERS that is a FIFO (or another file that is not a regular file) is refused by
`validate` and `codeowners` with one line naming it, exit 1, and left as it is. They used
to open it for reading and wait for a writer forever: each run here is a child process
with a timeout, so that a regression fails instead of hanging."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TIMEOUT = 20.0  # seconds; the refusal takes well under one

ROOMS = """
rooms:
  ops:
    owners: [alice]
    members: [carol@example.com]
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository (``.git``) with desired-state/ naming an owner."""
    (tmp_path / ".git").mkdir()
    desired = tmp_path / "desired-state"
    desired.mkdir()
    (desired / "settings.yaml").write_text("account: acct-1\n")
    (desired / "rooms.yaml").write_text(textwrap.dedent(ROOMS).lstrip())
    return tmp_path


def run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIME_RECONCILER")}
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        cwd=repo,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def tree(repo: Path) -> list[str]:
    return sorted(str(p.relative_to(repo)) for p in repo.rglob("*"))


@pytest.mark.parametrize("command", [["validate"], ["codeowners"], ["codeowners", "--check"]])
@pytest.mark.parametrize("where", [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"])
def test_a_fifo_codeowners_is_refused_in_one_line_and_left_as_it_is(
    repo: Path, command: list[str], where: str
) -> None:
    fifo = repo / where
    fifo.parent.mkdir(exist_ok=True)
    os.mkfifo(fifo)
    before = tree(repo)
    done = run(repo, *command)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [
        f"Error: cannot read {where}: it is a FIFO (named pipe), not a regular file; "
        "nothing was changed"
    ]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert tree(repo) == before  # no CODEOWNERS written elsewhere, no temporary file left


def test_a_fifo_given_with_file_is_refused(repo: Path) -> None:
    fifo = repo / "owners.fifo"
    os.mkfifo(fifo)
    done = run(repo, "codeowners", "--file", "owners.fifo")
    assert (done.returncode, done.stderr.splitlines()) == (
        1,
        [
            "Error: cannot read owners.fifo: it is a FIFO (named pipe), not a regular "
            "file; nothing was changed"
        ],
    )
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_socket_codeowners_is_refused(repo: Path) -> None:
    (repo / ".github").mkdir()
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(repo / ".github" / "CODEOWNERS"))
        done = run(repo, "validate")
    assert (done.returncode, done.stderr.splitlines()) == (
        1,
        [
            "Error: cannot read .github/CODEOWNERS: it is a socket, not a regular file; "
            "nothing was changed"
        ],
    )


def test_a_regular_codeowners_still_works(repo: Path) -> None:
    """The same runs with a regular file: written, then current."""
    assert run(repo, "codeowners").stdout == "Wrote .github/CODEOWNERS: 1 file with owners.\n"
    assert run(repo, "codeowners", "--check").returncode == 0
    assert run(repo, "validate").returncode == 0
