"""`explain --format json` writes `ends_at` as the JSON plan does, fractions of a second
kept, and `now` as precisely (Q-K-4): an access review's record does not show an end
before the moment it calls the entry still active. Through the CLI and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
NOW = ("--now", "2099-12-08T12:00:00.25Z")


@pytest.fixture
def ends(seed: Any, write_desired: Any) -> None:
    seed(users=["alice", "dave"], rooms={"ops": [("alice", "Member")]})
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": """
                rooms:
                  ops:
                    administrators:
                      - {member: alice@example.com, until: "2099-12-08T12:00:00.5Z"}
                      - {member: dave@example.com, until: 9999-12-31}
            """,
        }
    )


def _explained(cli: Any, member: str) -> tuple[str, str, bool]:
    run = cli(*NOW, "explain", member, "--format", "json")
    assert run.exit_code == 0, run.stderr
    doc = json.loads(run.stdout)
    [path] = doc["targets"][0]["paths"]
    return doc["now"], path["ends_at"], path["expired"]


def test_explain_and_the_plan_give_one_ends_at(ends: None, cli: Any) -> None:
    plan = json.loads(cli(*NOW, "plan", "--format", "json").stdout)
    planned = {c["member"]: p["ends_at"] for c in plan["targets"][0]["changes"]
               for p in c["provenance"]}  # fmt: skip
    assert planned == {
        "alice@example.com": "2099-12-08T12:00:00.500000Z",
        "dave@example.com": "9999-12-31T23:59:59.999999Z",
    }
    assert _explained(cli, "alice@example.com") == (
        "2099-12-08T12:00:00.250000Z",
        "2099-12-08T12:00:00.500000Z",
        False,
    )
    assert _explained(cli, "dave@example.com")[1] == "9999-12-31T23:59:59.999999Z"


def test_the_text_header_keeps_whole_seconds(ends: None, cli: Any) -> None:
    run = cli(*NOW, "explain", "alice@example.com")
    assert run.lines[0] == "Explaining alice@example.com as of 2099-12-08T12:00:00Z."
