"""QA HE Q-HE-1: in a C locale without UTF-8 mode (``LC_ALL=C PYTHONUTF8=0``) Python
decodes the command line with ASCII, keeping ``é`` typed as two lone surrogates; no
command turned them back into text: ``audit josé@…`` was an "Internal error", ``explain``
said a declared member was "neither declared nor live" (exit 0), ``--target öps-räum``
named no target, and completing ``--target ö`` offered nothing. The command line is now
read as the UTF-8 bytes typed."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from conftest import ACCOUNT, SUBPROCESS_TIMEOUT, Cli

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ROOM = "öps-räum"


def in_c_locale(cli: Cli, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """``args`` run in the C locale without UTF-8 mode; stdout in UTF-8 (the advice the
    tool gives for such a locale), so that the names can be shown."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHON"))}
    env = {**kept, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    env |= {"PYTHONIOENCODING": "utf-8", **extra}
    return subprocess.run(  # the words go to the child as their UTF-8 bytes, as typed
        [sys.executable, "-m", "reconciler", *args],
        cwd=cli.workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=SUBPROCESS_TIMEOUT,
        encoding="utf-8",
        errors="backslashreplace",
    )


@pytest.fixture
def ops(emulator: EmulatorServer, write_desired: Any) -> EmulatorServer:
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Exämple Corp",
                    "users": [
                        {"id": "user-alice", "email": "alice@example.com", "name": "Alice"},
                        {"id": "user-jose", "email": "josé@example.com", "name": "José"},
                    ],
                    "bots": [{"id": "bot-pager", "name": "PägerBöt"}],
                    "rooms": [
                        {
                            "id": "room-ops",
                            "name": ROOM,
                            "memberships": [
                                {"member": "alice@example.com", "role": "Administrator"}
                            ],
                        },
                        {"id": "room-quiet", "name": "quiet", "memberships": []},
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": f"""
                groups:
                  équipe: [alice@example.com, josé@example.com]
                rooms:
                  {ROOM}:
                    administrators: [alice@example.com]
                    members: ["@équipe", "bot:PägerBöt"]
                  quiet:
                    administrators: [alice@example.com]
                """,
        }
    )
    return emulator


def test_explain_finds_a_member_typed_with_accents(ops: EmulatorServer, cli: Cli) -> None:
    for member in ("josé@example.com", "bot:PägerBöt"):
        done = in_c_locale(cli, *cli.argv(["explain", member]))
        assert done.returncode == 0, done.stderr
        assert f"Explaining {member} as of" in done.stdout
        assert f"# room {ROOM} (account" in done.stdout
        assert "neither declared nor live" not in done.stdout


def test_audit_of_a_member_typed_with_accents(ops: EmulatorServer, cli: Cli) -> None:
    done = in_c_locale(cli, *cli.argv(["audit", "josé@example.com", "--format", "json"]))
    assert (done.returncode, done.stderr) == (0, "")
    assert "josé@example.com" in done.stdout
    assert ROOM in done.stdout


def test_target_typed_with_accents(ops: EmulatorServer, cli: Cli) -> None:
    done = in_c_locale(cli, *cli.argv(["plan", "--target", ROOM]))
    assert done.returncode == 0, done.stderr
    assert f"# room {ROOM} (account" in done.stdout
    assert "+ josé@example.com (Member)" in done.stdout
    assert "quiet" not in done.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completing_a_target_typed_with_accents(ops: EmulatorServer, cli: Cli, shell: str) -> None:
    line = "chime-reconciler --desired desired-state plan --target ö"
    done = in_c_locale(
        cli, _CHIME_RECONCILER_COMPLETE=f"{shell}_complete", COMP_WORDS=line, COMP_CWORD="5"
    )
    assert done.returncode == 0, done.stderr
    assert ROOM in done.stdout
    assert "quiet" not in done.stdout


def test_gitops_drift_opens_a_plan_file_typed_with_accents(cli: Cli) -> None:
    """QA REREAD item 2: `--plan-file` was a plain string, so the text `dé/plan.json` went
    to open() as it is: an Internal error (ASCII cannot encode `é`). It is opened, and
    named as typed."""
    (cli.workdir / "dé").mkdir()
    (cli.workdir / "dé" / "plan.json").write_text("{}", encoding="utf-8")
    (cli.workdir / "body.md").write_text("drift\n", encoding="utf-8")
    done = in_c_locale(
        cli,
        *("gitops", "drift", "--exit-code", "1", "--body-file", "body.md"),
        *("--plan-file", "dé/plan.json"),
    )
    assert "Internal error" not in done.stderr, done.stderr
    assert done.returncode == 1
    assert "Cannot use the saved plan dé/plan.json: not a chime-reconciler plan" in done.stderr
