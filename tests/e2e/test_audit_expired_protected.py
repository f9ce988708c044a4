"""QA-FR Q-FR-5: a `protected:` member whose every entry in a room expired is demoted by
the plan (protection keeps the membership, not the role); audit's NOTE says the entry
expired (when, where, its reason) before what the plan does, as plan and explain say it,
not only "plan changes the role to Member" of an undeclared break-glass account. The
CLI, the real boto3 client and the emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT

pytestmark = pytest.mark.e2e

EXPIRED = "expired 2026-11-01 (declared at desired-state/rooms.yaml:6, reason: drill)"


def test_audit_says_why_a_protected_member_is_demoted(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(
        users=("alice", "breakglass"),
        rooms={"ops": [("alice", "Administrator"), ("breakglass", "Administrator")]},
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nprotected: [breakglass@example.com]\n",
            "rooms.yaml": """
                rooms:
                  ops:
                    prune: true
                    administrators:
                      - alice@example.com
                      - {member: breakglass@example.com, until: 2026-11-01, reason: drill}
                """,
        }
    )
    plan = cli("--now", "2026-12-01", "plan")
    assert "breakglass@example.com: Administrator -> Member: expired 2026-11-01" in plan.stdout
    text = cli("--now", "2026-12-01", "audit", "breakglass@example.com")
    assert text.exit_code == 0, text.stdout + text.stderr
    assert f"{EXPIRED}: plan changes the role to Member" in text.stdout
    doc = json.loads(
        cli("--now", "2026-12-01", "audit", "breakglass@example.com", "--format", "json").stdout
    )
    (row,) = doc["rooms"]
    assert row["note"] == f"{EXPIRED}: plan changes the role to Member"
    assert row["status"] == "not-declared"
