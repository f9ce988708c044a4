"""Q-AX-1: what the ``full_swap`` warning claims is what apply then does, over 50 seeded
random meetings (MaxCount 1-5, mostly full, one presenter and viewers, some kept, the
rest swapped, 1-4 adds; 17 warned of: 10 that no apply completes, 7 that a second apply
does, 4 of them with the old presenter removed by the first): it fires exactly when the
first apply meets LimitExceeded; the members it says this apply keeps are kept, else
removed; AWS refuses the adds it names; and ``applies`` (with the message's "A second
apply completes the plan." / "running it again will not help") is how many applies
complete the plan, or none in three.

The CLI in process, the real boto3 client, the emulator over HTTP (which takes a batch's
attendees in order up to the MaxCount and refuses the rest, LimitExceeded)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from conftest import ACCOUNT, UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


MEETING = "6f1c2a9e-0000-4000-8000-000000000012"
VIEW = {"audio": "Receive", "video": "Receive", "content": "Receive"}
Case = tuple[int, list[tuple[str, bool]], dict[str, str]]


def cases(n: int = 50) -> list[Case]:
    """Meetings biased towards the warning: mostly full, old members mostly dropped."""
    rnd = random.Random(12345)
    out: list[Case] = []
    while len(out) < n:
        most = rnd.randint(1, 5)
        count = most if rnd.random() < 0.7 else rnd.randint(1, most)
        live = [(f"l{i}@example.com", i == 0) for i in range(count)]
        desired = {
            name: rnd.choice(["presenter", "viewer"]) for name, _ in live[1:] if rnd.random() < 0.3
        }
        for j in range(rnd.randint(1, 4)):
            if len(desired) < most:
                desired[f"n{j}@example.com"] = rnd.choice(["presenter", "viewer"])
        out.append((most, live, desired))
    return out


def members(cli: Cli) -> tuple[dict[str, Any], set[str]]:
    """The plan (JSON) and the members it removes (those present but not declared)."""
    run = cli(*UNPACED, "plan", "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    data: dict[str, Any] = json.loads(run.stdout)
    removes = {
        c["member"] for t in data["targets"] for c in t["changes"] if c["action"] == "delete"
    }
    return data, removes


@pytest.mark.parametrize("case", cases(), ids=lambda c: f"max{c[0]}-{len(c[1])}live")
def test_the_warning_says_what_apply_does(
    case: Case, emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    most, live, desired = case
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "X"}],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge-1",
                    "features": {"attendee": {"max_count": most}},
                    "attendees": [
                        {"external_user_id": a, **({} if p else {"capabilities": VIEW})}
                        for a, p in live
                    ],
                }
            ],
        }
    )
    attendees = "{" + ", ".join(f"{k}: {v}" for k, v in desired.items()) + "}"
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n"
            "safety: {max_removals: 1000, max_removal_fraction: 1.0}\n",
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n    prune: true\n"
            f"    attendees: {attendees}\n",
        }
    )
    plan, _ = members(cli)
    swap = (plan.get("full_swap") or [None])[0]
    first = cli(*UNPACED, "apply", "--auto-approve")
    refused = {
        line.split()[2]  # "! + EMAIL (role) in T: ..." (Q-CW-1)
        for line in first.stdout.splitlines()
        if "LimitExceeded" in line and line.lstrip().startswith("! ")
    }
    assert bool(swap) == bool(refused), first.stdout
    if swap is None:
        return
    message = swap["message"]
    assert len(refused) == swap["refused"]
    assert set(swap["refused_adds"]) == refused, message  # Q-BB-2: which, in the JSON
    assert f"AWS will refuse {' and '.join(sorted(refused))} (LimitExceeded)" in message or (
        len(refused) > 2
    ), message
    _, removes = members(cli)
    kept = set(swap["kept"])
    keeps = "kept, on this apply" in message or "this apply keeps" in message
    assert (kept <= removes) if keeps else not (kept & removes), (message, removes)
    assert swap["keeps"] is keeps, message  # Q-BB-2: kept or removed, in the JSON
    applies, done = 1, False
    while applies < 4 and not done:  # exit 0: every change made
        done = cli(*UNPACED, "apply", "--auto-approve").exit_code == 0
        applies += 1
    if done:
        assert members(cli)[0]["summary"] == {"add": 0, "change": 0, "remove": 0}
    assert swap["applies"] == (applies if done else None), message
    if swap["applies"] == 2:
        assert message.endswith("A second apply completes the plan."), message
    if swap["applies"] is None:
        assert "running it again will not help" in message or "then every apply fails" in message
