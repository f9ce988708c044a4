"""Q-EP-1, end to end (the CLI, the real boto3 client, the emulator with AWS's quotas on):
one channel's batch quota set above the service's (`--rate messaging.channel-batch=5`, the
service allows 1/s) draws 429s on that channel's batches. Those slow the channel's batch
quota only; its bearer keeps its 10/s for the deletes on the other channel (they went
down to ~1/s, and the report's apply took 56 s instead of 29 s)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reconciler.emulator import EmulatorServer

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
ADDS = 190  # to c0: 2 batches, which the service takes at 1/s
DELETES = 40  # from big: 4 s at the bearer's 10/s


def test_one_channel_s_batch_429s_do_not_slow_its_bearer(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, calls: Any
) -> None:
    users = [f"u{i}" for i in range(ADDS + 10)]
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["reconciler"],
                    "users": [{"id": u} for u in ["reconciler", *users]],
                    "channels": [
                        {"name": "big", "id": "big", "members": users[: DELETES + 10]},
                        {"name": "c0", "id": "c0", "members": users[:10]},
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"""
                prune: true
                safety: {{max_removals: 1000, max_removal_fraction: 1.0}}
                app_instances:
                  chat: {{arn: "{INSTANCE}", bearer: "user:reconciler"}}
                """,
            "chat.yaml": "channels:\n"
            f"  c0: {{members: [{', '.join(f'user:{u}' for u in users)}]}}\n"
            f"  big: {{members: [{', '.join(f'user:{u}' for u in users[:10])}]}}\n",
        }
    )
    emulator.set_faults(quotas=True)
    run = cli("-vv", "--rate", "messaging.channel-batch=5", "apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert f"Apply complete! Memberships: {ADDS} added, 0 changed, {DELETES} removed." in run.lines
    served = calls()
    assert served["DeleteChannelMembership"] == DELETES
    assert served.get("Throttled", 0) >= 2  # c0's batches met its 1/s quota
    # each decrease is c0's batch quota's: the bearer was never slowed (it was, to ~4/s)
    paced = [line for line in run.err_lines if line.startswith("DEBUG: pacing ")]
    assert paced and all(
        line.startswith(f"DEBUG: pacing messaging.channel-batch[{INSTANCE}/channel/c0]: ")
        for line in paced
    ), paced
