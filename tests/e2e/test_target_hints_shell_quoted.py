"""The ``--target`` values a message tells the user to give (the ambiguity error's, the
"refused by another target's rule" note's) are quoted for a shell: a name holding ``'``
and ``$HOME`` is offered as one single-quoted word, which the shell passes as written,
not in ``repr``'s double quotes, where ``$HOME`` expands (REREAD-8)."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer, load_seed

pytestmark = pytest.mark.e2e

NAME = "O'Brien $HOME"
DEMO_SEED = Path(__file__).parents[2] / "reconciler" / "demo" / "seed.yaml"
SETTINGS = """
    account: 11111111-2222-3333-4444-555555555555
    app_instances:
      chat:
        arn: arn:aws:chime:us-east-1:111122223333:app-instance/chat
        bearer: user:reconciler
    """
ROOMS = f"""
    rooms:
      incident-response:
        prune: true
        safety: {{max_removals: 1}}
        administrators: [dave@example.com]
        members: [alice@example.com, bob@example.com]
      "{NAME}":
        prune: true
        administrators: [carol@example.com, frank@example.com]
        members: [bot:PagerBot]
    """
CHANNEL = f"""
    channels:
      "{NAME}":
        members: [alice@example.com]
    """


@pytest.fixture
def obrien(emulator: EmulatorServer, write_desired: Any) -> EmulatorServer:
    seed = load_seed(DEMO_SEED)
    room = next(r for r in seed["accounts"][0]["rooms"] if r["name"] == "web-releases")
    room["name"] = NAME
    emulator.reset(seed)
    write_desired({"settings.yaml": SETTINGS, "rooms.yaml": ROOMS})
    return emulator


def echoed(command: str) -> list[str]:
    """The words a shell passes for ``command`` pasted after ``echo``'s stand-in."""
    run = subprocess.run(
        ["sh", "-c", f"printf '%s\\n' {command}"],
        capture_output=True,
        text=True,
        check=True,
        env={"HOME": "/expanded", "PATH": "/usr/bin:/bin"},
    )
    return run.stdout.splitlines()


def test_the_note_offers_a_target_value_the_shell_passes_as_written(obrien: Any, cli: Any) -> None:
    run = cli("explain", "heidi@example.com")
    assert run.exit_code == 0, run.stderr
    note = next(line for line in run.lines if "applies this room alone" in line)
    pasted = note.split("; --target ", 1)[1].removesuffix(" applies this room alone)")
    assert pasted == shlex.quote(f"room:{NAME}")
    assert echoed(f"--target {pasted}") == ["--target", f"room:{NAME}"]


def test_the_ambiguity_error_offers_values_the_shell_passes_as_written(
    obrien: Any, cli: Any, write_desired: Any
) -> None:
    write_desired({"settings.yaml": SETTINGS, "rooms.yaml": ROOMS, "channels.yaml": CHANNEL})
    run = cli("explain", "heidi@example.com", "--target", NAME)
    assert run.exit_code == 1
    error = next(line for line in run.err_lines if "targets of different kinds" in line)
    given = error.split("; give ", 1)[1].split(" (several --target")[0]
    words = echoed(re.sub(r",? or |, ", " ", given))
    assert words == ["--target", f"channel:{NAME}", "--target", f"room:{NAME}"]
