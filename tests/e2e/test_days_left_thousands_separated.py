"""The days left of a grant are counted with thousands separators, as every other count
(QA-GV Q-GV-16): ``(26326 days left)`` beside ``at most 99,999,999,999 days``, in
``explain``, ``validate``'s expiry warning and its protection warning. The CLI in process,
the real boto3 client, the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

pytestmark = pytest.mark.e2e

NOW = "2026-12-04"
LEFT = "(26,326 days left)"  # 2026-12-04 to 2099-01-01


@pytest.fixture
def ready(seed: Callable[..., Any], write_desired: WriteDesired) -> None:
    seed(users=("ivan", "bob"), rooms={"watercooler": [("ivan", "Member")]})
    write_desired(
        {
            "settings.yaml": (
                f"account: {ACCOUNT}\nexpiry_warning_days: 100000\nprotected: ['@oncall']\n"
            ),
            "groups.yaml": "groups:\n  oncall: [{member: bob@example.com, until: 2099-01-01}]\n",
            "rooms.yaml": (
                "rooms:\n  watercooler:\n    members:\n"
                "      - {member: ivan@example.com, until: 2099-01-01}\n"
            ),
        }
    )


def test_explain_counts_the_days_left_with_separators(cli: Cli, ready: None) -> None:
    run = cli("--now", NOW, "explain", "ivan@example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert any(f"until 2099-01-01 {LEFT}" in line for line in run.lines), run.stdout


def test_validate_warns_of_the_days_left_with_separators(cli: Cli, ready: None) -> None:
    run = cli("--now", NOW, "validate")
    assert run.exit_code == 0, run.stdout + run.stderr
    shown = run.stdout + run.stderr
    assert f"ivan@example.com in room watercooler: Member until 2099-01-01 {LEFT}" in shown
    assert f"bob@example.com (protected: via @oncall): protected until 2099-01-01 {LEFT}" in shown
    assert "26326" not in shown
