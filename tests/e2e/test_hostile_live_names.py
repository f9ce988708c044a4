"""Hostile live state through the real CLI, boto3 and the emulator: bot and webhook names
that carry escape sequences, carriage returns and forged plan lines reach the terminal,
the Markdown and the JSON only as visible escapes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
BOT = "Pager\x1b]0;pwned\x07\x1b[2J\rBot"
HOOK = "Alerts\n  - alice@example.com (Administrator)"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]")
ROOMS = f"rooms: {{ops: {{account: '{ACCOUNT}', members: [alice@example.com]}}}}\n"


@pytest.fixture
def hostile(seed: Any, write_desired: Any) -> None:
    seed(
        users=("alice",),
        bots=(BOT,),
        webhooks=(HOOK,),
        rooms={
            "ops": [("alice", "Member"), (f"bot:{BOT}", "Member"), (f"webhook:{HOOK}", "Member")]
        },
    )
    write_desired({"rooms.yaml": ROOMS})


def test_live_names_reach_a_terminal_only_as_visible_escapes(hostile: None, cli: Any) -> None:
    run = cli("plan", "-v")
    assert run.exit_code == 0, run.stderr
    assert not RAW.search(run.stdout + run.stderr)
    assert (
        "    not in the desired state: bot:Pager\\x1b]0;pwned\\x07\\x1b[2J\\rBot (Member)"
        in run.lines
    )
    assert "  - alice@example.com (Administrator)" not in run.lines  # not a forged line
    assert "    unmanaged: webhook:Alerts\\n  - alice@example.com (Administrator) (Member)" in (
        run.lines
    )


def test_live_names_in_markdown_and_json_are_inert(hostile: None, cli: Any) -> None:
    md = cli("plan", "-v", "--format", "markdown")
    assert md.exit_code == 0
    assert not RAW.search(md.stdout)
    js = cli("plan", "-v", "--format", "json")
    assert not RAW.search(js.stdout)
    (target,) = json.loads(js.stdout)["targets"]
    assert {m["member"] for m in target["unmanaged"]} == {f"bot:{BOT}", f"webhook:{HOOK}"}


def test_a_file_name_with_an_escape_sequence_is_shown_visibly_in_errors(
    write_desired: Any, cli: Any, workdir: Path
) -> None:
    root = write_desired({"ok.yaml": ROOMS})
    (root / "evil\x1b[2J.yaml").write_text("rooms: {x: {members: [bob@]}}\n")
    run = cli("validate")
    assert run.exit_code == 1
    assert not RAW.search(run.stderr)
    assert run.err_lines[0].startswith("desired-state/evil\\x1b[2J.yaml:1: ")
