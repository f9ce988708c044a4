"""QA-FZ Q-FZ-2: `explain` names the line an `until:` is written on when it is not the
member's own entry (an outer group's entry ends the path first) while the path still runs,
as it does after the end: the line to edit to extend the grant. The CLI, the real boto3
client and the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT

pytestmark = pytest.mark.e2e

R = "desired-state/r.yaml"
FILES = {
    "settings.yaml": f"account: {ACCOUNT}\n",
    "r.yaml": """
        groups:
          outer:
            - {member: "@inner", until: 2027-02-01, reason: outer-r}
          inner:
            - {member: frank@example.com, until: 2027-03-01, ticket: IN-2}
        rooms:
          web:
            administrators: [alice@example.com]
            members: ["@outer"]
        """,
}
PATH = f"Member via @outer > @inner at {R}:5 (from {R}:9) (until set at {R}:3)"


def test_a_running_path_names_the_outer_until_line(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(users=("alice", "frank"), rooms={"web": [("alice", "Administrator")]})
    write_desired(FILES)
    run = cli("--now", "2026-12-20", "explain", "frank@example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert f"{PATH}, until 2027-02-01 (43 days left), reason: outer-r, ticket IN-2" in run.stdout
    ended = cli("--now", "2027-02-02", "explain", "frank@example.com")
    assert f"expired 2027-02-01: {PATH}, reason: outer-r, ticket IN-2" in ended.stdout


def test_plan_v_and_markdown_name_the_outer_until_line(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-GG Q-GG-6: `plan -v` and the Markdown plan (the PR comment) say it too."""
    seed(users=("alice", "frank"), rooms={"web": [("alice", "Administrator")]})
    write_desired(FILES)
    line = (
        f"via @outer > @inner at {R}:5 as Member (until set at {R}:3), until 2027-02-01, "
        "reason: outer-r, ticket IN-2"
    )
    text = cli("--now", "2026-12-20", "-v", "plan")
    assert text.exit_code == 0, text.stdout + text.stderr
    assert f"      {line}" in text.lines
    markdown = cli("--now", "2026-12-20", "plan", "--format", "markdown")
    assert f"  # {line}" in markdown.lines


def test_plan_v_and_markdown_name_the_room_entry_s_until_line_of_a_group_member(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-GL Q-GL-5: the until on the room's own entry (`@outer`, line 9) of a group member
    was shown beside the member's line (5) with no pointer, as that line is explain's
    `(from ...)`, which plan -v and the Markdown plan do not show."""
    seed(users=("alice", "frank"), rooms={"web": [("alice", "Administrator")]})
    room_until = FILES["r.yaml"].replace(
        'members: ["@outer"]', 'members: [{member: "@outer", until: 2027-01-01, reason: room}]'
    )
    write_desired({**FILES, "r.yaml": room_until})
    line = (
        f"via @outer > @inner at {R}:5 as Member (until set at {R}:9), until 2027-01-01, "
        "reason: room; outer-r, ticket IN-2"
    )
    text = cli("--now", "2026-12-20", "-v", "plan")
    assert text.exit_code == 0, text.stdout + text.stderr
    assert f"      {line}" in text.lines, text.lines
    markdown = cli("--now", "2026-12-20", "plan", "--format", "markdown")
    assert f"  # {line}" in markdown.lines, markdown.lines
