"""QA-FP Q-FP-10: a channel declared by `arn:` that Chime does not have is `plan`'s error
`no channel ARN`; `audit` of a member it declares says the same (`declared, but Chime has
no channel ARN: plan reports it`), not "no channel of that name" (the entry's name is only
its label). Through the CLI, boto3 and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
NOPE = f"{INSTANCE}/channel/nope"


def test_audit_names_the_arn_chime_has_no_channel_of(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    users = [{"id": "r0"}, {"id": "alice"}]
    emulator.reset({"app_instances": [{"arn": INSTANCE, "admins": ["r0"], "users": users}]})
    write_desired(
        {
            "settings.yaml": f"app_instances: {{chat: {{arn: {INSTANCE}, bearer: user:r0}}}}\n",
            "c.yaml": f'channels: {{gone: {{arn: "{NOPE}", members: [user:alice]}}}}\n',
        }
    )
    plan = cli(*UNPACED, "plan")
    assert f"c.yaml:1: no channel {NOPE}" in plan.stdout + plan.stderr

    run = cli(*UNPACED, "audit", "user:alice", "--format", "json")
    assert run.exit_code == 0, run.stderr
    rows = [(r["channel"], r["note"]) for r in json.loads(run.stdout)["channels"]]
    assert rows == [("gone", f"declared, but Chime has no channel {NOPE}: plan reports it")]
