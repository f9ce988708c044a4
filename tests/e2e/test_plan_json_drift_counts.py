"""The JSON plan's `"drift"` counts members no file declares, and among them the elevated
ones (README, "Drift: members no file declares": `"drift": {"members": 3, "elevated":
1}`): an administrator granted out of band is the drift a CI job alerts on (QA-GQ
Q-GQ-1: no test had a nonzero `elevated`, so a plan always saying 0 passed). The CLI, the
real boto3 client and the emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def test_an_undeclared_administrator_is_counted_as_elevated_drift(
    seed: Callable[..., EmulatorServer], write_desired: WriteDesired, cli: Cli
) -> None:
    """web (prune: false) declares alice; bob (an Administrator) and carol (a Member) were
    added by hand: 2 members of drift, 1 of them elevated, in the JSON plan and in the
    text plan's count."""
    seed(
        users=("alice", "bob", "carol"),
        rooms={"web": [("alice", "Member"), ("bob", "Administrator"), ("carol", "Member")]},
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "web.yaml": "rooms:\n  web:\n    prune: false\n    members: [alice@example.com]\n",
        }
    )
    planned = cli("plan", "--format", "json")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    doc = json.loads(planned.stdout)
    assert doc["summary"] == {"add": 0, "change": 0, "remove": 0}
    assert doc["drift"] == {"members": 2, "elevated": 1}
    (target,) = doc["targets"]
    assert sorted((m["member"], m["role"]) for m in target["unmanaged"]) == [
        ("bob@example.com", "Administrator"),
        ("carol@example.com", "Member"),
    ]
    text = cli("plan")
    assert "Not in the desired state: 1 administrator, 1 member in 1 room." in text.stdout
