"""`import` loads the desired-state directory (the --out DIR, or --desired for stdout)
at the run's moment, as validate and plan do (REREAD item 6): a DIR whose role conflict
is settled only because one entry's `until:` has passed is valid for validate, and was
refused by import as "not a valid desired state" (it loaded DIR with nothing expired).
The real CLI and boto3 against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
FILES = {
    "settings.yaml": f'app_instances:\n  chat: {{arn: "{CHAT}", bearer: "user:reconciler"}}\n',
    # auditor's DEFAULT membership ended in 2020: only HIDDEN is left, no conflict
    "channels/chat.yaml": (
        "channels:\n  incident-chat:\n"
        "    members: [{member: user:auditor, until: 2020-01-01}]\n"
        "    hidden: [user:auditor]\n"
    ),
}


def _seed() -> dict[str, Any]:
    return {
        "accounts": [],
        "app_instances": [
            {
                "arn": CHAT,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [{"id": u} for u in ("reconciler", "alice", "auditor")],
                "channels": [{"name": "ops", "id": "ch-1", "members": ["alice"]}],
            }
        ],
    }


@pytest.mark.parametrize("out", [True, False])
def test_import_takes_a_directory_validate_takes(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, out: bool
) -> None:
    emulator.reset(_seed())
    desired = write_desired(FILES)
    assert cli("validate").exit_code == 0
    where = ("--out", "desired-state") if out else ()
    run = cli(*UNPACED, "import", *where)
    assert "not a valid desired state" not in run.stderr
    assert run.exit_code == 0, run.stderr
    if out:  # ops is written beside incident-chat, which is kept as it is
        assert (desired / "channels" / "chat-2.yaml").exists() or "ops" in (
            desired / "channels" / "chat.yaml"
        ).read_text(encoding="utf-8")
    else:
        assert "ops:" in run.stdout


def test_an_invalid_directory_stops_the_import_before_any_call(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """REREAD item 5: import loaded DIR up to three times; an invalid one was reported
    only after every room and channel had been read. Now DIR is loaded once, first."""
    emulator.reset(_seed())
    write_desired({**FILES, "channels/chat.yaml": "channels:\n  ops: {members: [nobody]}\n"})
    emulator.reset_calls()
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 1
    assert run.err_lines[0].startswith(
        "Nothing was written: desired-state is not a valid desired state"
    ), run.err_lines
    assert emulator.calls() == {}
