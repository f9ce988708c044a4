"""Names from Chime never reach a GitHub step log as workflow commands (QA-HD Q-HD-1).

GitHub's runner (actions/runner ``ActionCommand.cs``) obeys ``##[cmd]`` anywhere in a log
line (``TryParse``) and ``::cmd::`` at a line's start after white space (``TryParseV2``).
The workflows print plans (text and Markdown), ``audit``, ``import`` and ``show`` there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACC = "11111111-2222-3333-4444-555555555555"
HOOK = "x ##[error]hook-injected"
ROOM = "::error::plainroom"
MASK = "##[add-mask]ops"
ENV = {"CHIME_RECONCILER_RETRY_BASE_MS": "1", "CHIME_RECONCILER_RETRY_CAP_MS": "5"}


def commands(text: str) -> list[str]:
    """The lines of ``text`` GitHub's runner would read as workflow commands."""
    return [line for line in text.splitlines() if "##[" in line or line.lstrip().startswith("::")]


@pytest.fixture
def hostile(emulator: EmulatorServer) -> EmulatorServer:
    hook = {"member": f"webhook:{HOOK}", "role": "Member"}
    admin = {"member": "u0@example.com", "role": "Administrator"}
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACC,
                    "name": "Corp",
                    "users": [
                        {"id": "uid-0", "email": "u0@example.com"},
                        {"id": "uid-1", "email": "u1@example.com"},
                    ],
                    "webhooks": [{"id": "hook-h", "name": HOOK}],
                    "rooms": [
                        {"id": "r-ops", "name": "ops", "memberships": [admin, hook]},
                        {"id": "r-evil", "name": ROOM, "memberships": [admin]},
                        {"id": "r-mask", "name": MASK, "memberships": [admin]},
                    ],
                }
            ]
        }
    )
    return emulator


def run(emulator: EmulatorServer, desired: Path, *args: str) -> Any:
    argv = ["--no-color", "--endpoint-url", emulator.url, "--desired", str(desired), *args]
    return CliRunner(env=ENV).invoke(cli, argv, catch_exceptions=False)


@pytest.fixture
def desired(tmp_path: Path) -> Path:
    root = tmp_path / "desired-state"
    root.mkdir()
    (root / "rooms.yaml").write_text(
        f"rooms:\n  ops:\n    account: {ACC}\n    administrators: [u0@example.com]\n"
        "    members: [u1@example.com]\n"
    )
    return root


def test_plan_show_and_apply_print_no_workflow_command(
    hostile: EmulatorServer, desired: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "plan.json"
    text = run(hostile, desired, "plan", "-v", "--out", str(saved))
    assert text.exit_code == 0, text.output  # a change: u1 added
    assert "unmanaged: webhook:x ##\\[error]hook-injected (Member)" in text.stdout
    markdown = run(hostile, desired, "plan", "--format", "markdown")
    assert "webhook:x ##\\[error]hook-injected" in markdown.stdout
    show = run(hostile, desired, "show", str(saved))
    as_json = run(hostile, desired, "plan", "--format", "json")
    assert f"webhook:{HOOK}" in json.dumps(json.loads(as_json.stdout))  # the same value
    applied = run(hostile, desired, "apply", "--auto-approve")
    for result in (text, markdown, show, as_json, applied):
        assert commands(result.stdout + result.stderr) == []


def test_audit_and_import_print_no_workflow_command(hostile: EmulatorServer, desired: Path) -> None:
    audit = run(hostile, desired, "audit", "u0@example.com")
    assert audit.exit_code == 0, audit.output
    assert ":\\:error::plainroom" in audit.stdout
    imported = run(hostile, desired, "import", "--account", ACC)
    assert imported.exit_code == 0, imported.output
    assert commands(audit.stdout + audit.stderr + imported.stdout + imported.stderr) == []
    # the YAML still names the rooms exactly (quoted, ``##[`` as a YAML escape)
    assert set(yaml.safe_load(imported.stdout)["rooms"]) == {"ops", ROOM, MASK}
    one = run(hostile, desired, "import", "--room", ROOM)
    assert one.exit_code == 0, one.output
    assert commands(one.stdout + one.stderr) == []
    assert set(yaml.safe_load(one.stdout)["rooms"]) == {ROOM}
