"""`audit` on a channel with two AppInstanceUsers whose ids differ only in case
(``alice@example.com``, ``Alice@Example.com``, both the same e-mail to the plan), as
`plan` plans them (Q-BU-4): the declaration goes to the membership the plan keeps (spelled
as declared), the other is undeclared, and each row's NOTE names the member as Chime spells
its AppInstanceUserId, with that id. Through the CLI, boto3 and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
LOWER, UPPER = "alice@example.com", "Alice@Example.com"


def _case(emulator: EmulatorServer, write_desired: Any, prune: bool) -> None:
    """prune on: both DEFAULT, ``members: [alice@…]``; off: alice@ DEFAULT, Alice@ HIDDEN,
    ``hidden: [alice@…]``."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": CHAT,
                    "name": "chat",
                    "admins": ["reconciler"],
                    "users": [{"id": "reconciler"}, {"id": LOWER}, {"id": UPPER}],
                    "channels": [
                        {
                            "name": "chat",
                            "id": "ch-chat",
                            "members": ["reconciler", LOWER] + ([UPPER] if prune else []),
                            "hidden": [] if prune else [UPPER],
                            "moderators": ["reconciler"],
                        }
                    ],
                }
            ]
        }
    )
    declared = f"members: [{LOWER}]" if prune else f"hidden: [{LOWER}]"
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat: {{arn: "{CHAT}", bearer: "user:reconciler", user_id_from: email}}
            """,
            "chat.yaml": f"""
                channels:
                  chat:
                    prune: {str(prune).lower()}
                    {declared}
            """,
        }
    )


def _rows(cli: Any, member: str) -> dict[str, tuple[Any, Any, str]]:
    """Audit's channel rows of ``member``, by the spelling each NOTE names."""
    run = cli(*UNPACED, "audit", member, "--format", "json")
    assert run.exit_code == 0, run.stderr
    rows = {}
    for r in json.loads(run.stdout)["channels"]:
        who, _, what = r["note"].partition(": ")
        spelling, _, member_id = who.partition(" (id ")
        assert member_id == f"{CHAT}/user/{spelling})"  # the id Chime has, as it spells it
        rows[spelling] = (r["live"], r["declared"], what)
    return rows


@pytest.mark.parametrize("prune", [True, False])
def test_each_user_id_gets_the_plans_answer(
    emulator: EmulatorServer, write_desired: Any, cli: Any, prune: bool
) -> None:
    _case(emulator, write_desired, prune)
    plan = cli(*UNPACED, "plan", "--format", "json")
    [target] = [t for t in json.loads(plan.stdout)["targets"] if t["kind"] == "channel"]
    changes = {(c["action"], c["member"], c["member_id"]) for c in target["changes"]}
    if prune:  # the one spelled as declared is kept, the other removed
        assert changes == {("delete", UPPER, f"{CHAT}/user/{UPPER}")}
    else:  # the declared one is hidden; the other is drift the plan keeps
        assert changes == {("update", LOWER, f"{CHAT}/user/{LOWER}")}
        assert [m["member_id"] for m in target["unmanaged"]] == [f"{CHAT}/user/{UPPER}"]

    rows = _rows(cli, UPPER)
    assert rows[LOWER] == (
        ("DEFAULT", "DEFAULT", "declared")
        if prune
        else ("DEFAULT", "HIDDEN", "plan changes the type to HIDDEN")
    )
    undeclared = "not declared: plan removes it (prune)" if prune else "not declared: kept"
    assert rows[UPPER] == ("DEFAULT" if prune else "HIDDEN", None, undeclared)

    # the text rows say which AppInstanceUser each is, too
    text = cli(*UNPACED, "audit", UPPER).stdout
    assert f"{UPPER} (id {CHAT}/user/{UPPER})" in text
    assert f"{LOWER} (id {CHAT}/user/{LOWER})" in text
