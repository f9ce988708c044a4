"""QA-FZ Q-FZ-3: plan's warning of the memberships ending soon says the window as
`expiry_warning_days` sets it, in words: `within 1 day` (not `1 days`), and `today` for
0 (not `within 0 days`); text and Markdown. The CLI, the real boto3 client and the
emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT

pytestmark = pytest.mark.e2e

ROOMS = """
    rooms:
      ops:
        administrators: [alice@example.com]
        members:
          - {member: bob@example.com, until: 2026-12-05}
          - {member: dave@example.com, until: "2026-12-06T00:00:00Z"}
    """


@pytest.mark.parametrize(
    ("days", "now", "head"),
    [
        (1, "2026-12-04T23:00:00Z", "2 memberships end within 1 day:"),
        (0, "2026-12-05T10:00:00Z", "2 memberships end today:"),
        (14, "2026-12-04T23:00:00Z", "2 memberships end within 14 days:"),
    ],
)
def test_the_warning_window_in_words(
    seed: Callable[..., Any],
    write_desired: Callable[..., Path],
    cli: Any,
    days: int,
    now: str,
    head: str,
) -> None:
    seed(users=("alice", "bob", "dave"), rooms={"ops": [("alice", "Administrator")]})
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nprune: true\nexpiry_warning_days: {days}\n",
            "r.yaml": ROOMS,
        }
    )
    text = cli("--now", now, "plan")
    assert text.exit_code == 0, text.stdout + text.stderr
    assert f"Warning: {head}" in text.stdout
    md = cli("--now", now, "plan", "--format", "markdown")
    assert f"> **{head}**" in md.stdout
