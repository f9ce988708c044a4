"""QA-GT-6: two bots of one name kept in a room after their entry expired (the room does
not prune) are each named with their id in "expired memberships are still in Chime", as
the drift lines right above name them, in text and Markdown; JSON `expired_kept` items
carry `member_id` (they were two identical `bot:Pager` lines, two identical items). The
CLI, boto3 and the emulator."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from conftest import UNPACED
from test_cli_plan import plan_schema

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

A = "11111111-2222-3333-4444-555555555555"
KEPT = (
    "in room one: Administrator expired 2020-01-01, declared at {d}/rooms.yaml:3; still a "
    "member: this room does not prune"
)


@pytest.fixture(autouse=True)
def twins(emulator: EmulatorServer, write_desired: Any) -> None:
    emulator.reset(
        {
            "accounts": [
                {
                    "id": A,
                    "name": "Example Corp",
                    "users": [{"id": "u1", "email": "a@example.com"}],
                    "bots": [
                        {"id": "b1", "name": "Pager"},
                        {"id": "b2", "name": "Pager"},
                        {"id": "b3", "name": "Solo"},
                    ],
                    "rooms": [
                        {
                            "id": "r1",
                            "name": "one",
                            "memberships": [
                                {"member": "a@example.com", "role": "Administrator"},
                                {"member": "b1"},
                                {"member": "b2", "role": "Administrator"},
                                {"member": "b3"},
                            ],
                        }
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: '{A}'\n",
            "rooms.yaml": "groups:\n  admins:\n"
            "    - {member: bot:Pager, until: 2020-01-01, reason: incident}\n"
            "rooms:\n  one: {prune: false, administrators: [a@example.com, '@admins']}\n",
        }
    )


def test_each_twin_is_named_by_its_id(cli: Any) -> None:
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 0, run.stderr
    d = "desired-state"
    start = run.lines.index("Warning: 2 expired memberships are still in Chime:")
    assert run.lines[start + 1 : start + 3] == [
        f"  bot:Pager (id b1) {KEPT.format(d=d)}",
        f"  bot:Pager (id b2) {KEPT.format(d=d)}",
    ], run.lines
    md = cli(*UNPACED, "plan", "--format", "markdown")
    assert f"> - bot:Pager (id b1) {KEPT.format(d=d)}" in md.lines, md.stdout
    assert f"> - bot:Pager (id b2) {KEPT.format(d=d)}" in md.lines, md.stdout
    doc = json.loads(cli(*UNPACED, "plan", "--format", "json").stdout)
    jsonschema.Draft202012Validator(plan_schema()).validate(doc)
    assert [(e["member"], e.get("member_id")) for e in doc["expired_kept"]] == [
        ("bot:Pager", "b1"),
        ("bot:Pager", "b2"),
    ]
    saved = cli(*UNPACED, "plan", "--out", "p.json")
    assert saved.exit_code == 0, saved.stderr
    shown = cli(*UNPACED, "show", "p.json")
    assert f"  bot:Pager (id b2) {KEPT.format(d=d)}" in shown.lines, shown.stdout
