"""QA W Q-W-5: a name stdout's encoding cannot hold (``PYTHONIOENCODING=ascii``, a room
``dépôt``) is an output that cannot be written, said in one line (exit 1), not an
"Internal error ... UnicodeEncodeError" that calls it a bug; and not written with escapes
instead, which would be another name in YAML and invalid JSON."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from conftest import SUBPROCESS_TIMEOUT, Cli, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

NOT_ENCODABLE = (
    "Error: the output could not be written (ascii cannot encode '\\xe9': "
    "use PYTHONIOENCODING=utf-8)"
)


def in_ascii(cli: Cli, *args: str, encoding: str = "ascii") -> tuple[int, str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", *cli.argv(args)],
        cwd=cli.workdir,
        env={**os.environ, "PYTHONIOENCODING": encoding},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=SUBPROCESS_TIMEOUT,
    )
    err = done.stderr.decode("utf-8", "backslashreplace")
    return done.returncode, done.stdout.decode("ascii", "backslashreplace"), err.splitlines()


@pytest.fixture
def depot(emulator: EmulatorServer, write_desired: Any) -> EmulatorServer:
    emulator.reset(seed_doc(users=("alice",), rooms={"dépôt": [("alice", "Member")]}))
    write_desired(
        {
            "settings.yaml": "account: 11111111-2222-3333-4444-555555555555\n",
            "rooms.yaml": "rooms:\n  dépôt: {administrators: [alice@example.com]}\n",
        }
    )
    return emulator


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_a_name_the_output_encoding_cannot_hold_is_one_clear_error(
    depot: EmulatorServer, cli: Cli, fmt: str
) -> None:
    code, _, err = in_ascii(cli, "plan", "--format", fmt)
    assert (code, err[-1]) == (1, f"{NOT_ENCODABLE}.")
    assert not any("Internal error" in line for line in err), err


def test_apply_in_an_encoding_that_cannot_hold_a_name_changes_nothing(
    depot: EmulatorServer, cli: Cli
) -> None:
    before = depot.state()
    code, _, err = in_ascii(cli, "apply", "--auto-approve")
    assert (code, err[-1]) == (
        1,
        f"{NOT_ENCODABLE}: apply stopped; 0 of 1 changes applied, 1 not applied; run plan to "
        "see what is left.",
    )
    assert depot.state() == before


def test_escapes_when_asked_for_them(depot: EmulatorServer, cli: Cli) -> None:
    code, out, _ = in_ascii(cli, "plan", encoding="ascii:backslashreplace")
    assert code == 0
    assert "# room d\\xe9p\\xf4t (account" in out


@pytest.mark.parametrize(
    "environ",
    [
        {"PYTHONIOENCODING": "ascii:surrogateescape"},
        {"LC_ALL": "C", "PYTHONUTF8": "0"},  # Python: stdout ascii with surrogateescape
        {"PYTHONIOENCODING": "ascii:bogus"},  # a handler Python does not know (Q-DM-5)
    ],
    ids=["surrogateescape", "c-locale", "unknown-handler"],
)
def test_a_name_stdout_cannot_hold_is_the_same_error_whatever_its_errors_handler(
    depot: EmulatorServer, cli: Cli, environ: dict[str, str]
) -> None:
    """QA CZ Q-CZ-6: stdout whose errors handler is not "strict" (the C locale without
    UTF-8 mode: surrogateescape) gave "Internal error ... UnicodeEncodeError"."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIO"))}
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", *cli.argv(["plan"])],
        cwd=cli.workdir,
        env={**kept, **environ},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=SUBPROCESS_TIMEOUT,
    )
    err = done.stderr.decode("utf-8", "backslashreplace").splitlines()
    assert (done.returncode, err) == (1, [f"{NOT_ENCODABLE}."])


def test_import_refuses_a_name_stdout_cannot_hold_as_every_command_does(
    depot: EmulatorServer, cli: Cli
) -> None:
    """QA DM Q-DM-6: import wrote UTF-8 whatever stdout's encoding (click re-wraps an
    ASCII stdout), where every other command refuses the name, as the README says."""
    code, out, err = in_ascii(cli, "import")
    assert (code, out, err[-1]) == (1, "", f"{NOT_ENCODABLE}.")


@pytest.mark.parametrize(
    "environ",
    [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}],
    ids=["ascii", "c-locale"],
)
def test_validate_refuses_a_name_stdout_cannot_hold_as_every_command_does(
    depot: EmulatorServer, cli: Cli, environ: dict[str, str]
) -> None:
    """QA HE Q-HE-12: ``validate -v`` printed through click, which writes UTF-8 to an
    ASCII stdout, where every other command refuses the name."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHON"))}
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", *cli.argv(["-v", "validate"])],
        cwd=cli.workdir,
        env={**kept, **environ},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=SUBPROCESS_TIMEOUT,
    )
    err = done.stderr.decode("utf-8", "backslashreplace").splitlines()
    assert (done.returncode, err[-1:]) == (1, [f"{NOT_ENCODABLE}."])
    assert "dépôt".encode() not in done.stdout


def test_adopt_refuses_a_name_stdout_cannot_hold_and_puts_the_files_back(
    depot: EmulatorServer, cli: Cli
) -> None:
    """QA HE Q-HE-12: ``import --adopt``'s report was written in UTF-8 to an ASCII stdout."""
    depot.reset(
        seed_doc(
            users=("alice", "josé"), rooms={"dépôt": [("alice", "Member"), ("josé", "Member")]}
        )
    )
    rooms = cli.workdir / "desired-state" / "rooms.yaml"
    before = rooms.read_bytes()
    code, out, err = in_ascii(cli, "import", "--adopt")
    assert code == 1
    assert err[-1] == f"{NOT_ENCODABLE}: nothing was adopted; the files are back as they were."
    assert "jos" not in out  # the report's line is not written, in UTF-8 or otherwise
    assert rooms.read_bytes() == before
