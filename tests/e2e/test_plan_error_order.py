"""A plan with planning errors and governance errors together lists them in one order,
file and line, whether made whole or merged from its shards (QA-FV Q-FV-1: the whole plan
put the governance errors last, merge-plans sorted them in). The real CLI, boto3 and the
emulator (the shard scenario of test_cli_shard)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED
from test_cli_shard import ACCOUNT, INSTANCE, seed

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

DESIRED = {
    "settings.yaml": f"""
        account: {ACCOUNT}
        max_grant_days: {{moderators: 30}}
        app_instances:
          chat: {{arn: {INSTANCE}, bearer: user:reconciler}}
        """,
    # a governance error: a moderator without `until:`
    "a.yaml": "channels:\n  ops:\n    members: [user:alice, user:bob]\n"
    "    moderators: [user:bob]\n",
    # a planning error: no such room
    "b.yaml": "rooms:\n  nosuchroom:\n    members: [bob@example.com]\n",
}


def test_a_plans_errors_are_in_file_order_whole_and_merged(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, workdir: Path
) -> None:
    seed(emulator)
    write_desired(DESIRED)
    whole = cli(*UNPACED, "plan", "--format", "json", "--out", "whole.json")
    assert whole.exit_code == 1, whole.stderr
    errors = json.loads(whole.stdout)["errors"]
    assert [e.split(":")[0].rsplit("/", 1)[-1] for e in errors] == ["a.yaml", "b.yaml"]
    for n in (1, 2):
        files = [f"plan-{k}.json" for k in range(1, n + 1)]
        for k, name in enumerate(files, 1):
            cli(*UNPACED, "plan", "--shard", f"{k}/{n}", "--out", name)
        for fmt in ("json", "text", "markdown"):
            merged = cli("merge-plans", *files, "--format", fmt)
            assert merged.exit_code == 1
            assert merged.stdout == cli("show", "whole.json", "--format", fmt).stdout
    text = cli(*UNPACED, "plan").stdout
    assert text.index("a.yaml:4:") < text.index("b.yaml:2:")


# QA-HI Q-HI-5: an ASCII ":1: " in the name was the file "x" at line 1 as well
@pytest.mark.parametrize("name", ["x:\u0661: rooms.yaml", "x:1: rooms.yaml", "x:1: r.yml"])
def test_a_file_named_with_a_non_ascii_digit_keeps_its_errors_in_line_order(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, name: str
) -> None:
    """QA-LF Q-LF-8: the order read ``FILE:LINE: `` with ``\\d+``, which takes an
    Arabic-Indic digit (U+0661) for a line number: in ``x:\\u0661: rooms.yaml`` the line was
    taken to be 1, and merge-plans ordered the errors at lines 2 and 10 as text, 10 first. ASCII
    digits only now: the file is the whole name, its errors by their line."""
    seed(emulator)
    members = "".join(f"      - m{i}@example.com\n" for i in range(6))
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            name: f"rooms:\n  nosuch1:\n    members:\n{members}  nosuch2:\n    members: [b@x.io]\n",
        }
    )
    assert cli(*UNPACED, "plan", "--shard", "1/1", "--out", "p.json").exit_code == 1
    merged = cli("merge-plans", "p.json", "--format", "json")
    assert merged.exit_code == 1, merged.stderr
    errors = json.loads(merged.stdout)["errors"]
    assert [e.split(f"{name}:", 1)[1].split(":", 1)[0] for e in errors] == ["2", "10"], errors
