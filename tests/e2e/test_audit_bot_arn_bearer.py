"""QA-FP Q-FP-9: a bearer settings.yaml gives by its AppInstanceBot ARN is the tool itself
to the plan (protected, never removed, never listed). `audit bot:NAME` says so on its row,
`not declared: kept, protected (never removed)`, as plan and explain have it, whether the
bot's name is its own or one of two bots of that name is the bearer; never `plan removes
it (prune)`. The CLI, the real boto3 client and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
BOT_1, BOT_2, BOT_3 = (f"{INSTANCE}/bot/bot-{i}" for i in (1, 2, 3))
KEPT = "not declared: kept, protected (never removed)"
REMOVES = "not declared: plan removes it (prune)"


@pytest.fixture(autouse=True)
def estate(emulator: EmulatorServer) -> None:
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": ["r0", "bot-1", "bot-2"],
                    "users": [{"id": "r0"}, {"id": "alice"}],
                    "bots": [{"id": "bot-1", "name": "PagerBot"},
                             {"id": "bot-2", "name": "Twin"},
                             {"id": "bot-3", "name": "Twin"}],
                    "channels": [
                        {"name": "ops", "id": "ops", "members": ["alice", "bot-1"]},
                        {"name": "twins", "id": "twins", "members": ["alice", "bot-2", "bot-3"]},
                    ],
                }
            ]
        }
    )  # fmt: skip


def _desired(write_desired: Any, bearer: str) -> None:
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat: {{arn: {INSTANCE}, bearers: ["{bearer}", "user:r0"]}}
                safety: {{max_removal_fraction: 1.0}}
            """,
            "c.yaml": """
                channels:
                  ops: {prune: true, members: [user:alice]}
                  twins: {prune: true, members: [user:alice]}
            """,
        }
    )


def _rows(cli: Any, member: str) -> list[tuple[str, str, bool]]:
    run = cli(*UNPACED, "audit", member, "--format", "json")
    assert run.exit_code == 0, run.stderr
    return [(r["channel"], r["note"], r["protected"]) for r in json.loads(run.stdout)["channels"]]


def test_a_bot_bearer_by_arn_is_kept_in_audit_as_in_the_plan(write_desired: Any, cli: Any) -> None:
    _desired(write_desired, BOT_1)
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stderr
    assert "PagerBot" not in plan.stdout and BOT_1 not in plan.stdout  # the bearer: quiet
    assert _rows(cli, "bot:PagerBot") == [("ops", KEPT, True)]


def test_the_bearer_of_two_bots_of_one_name_is_kept_its_twin_removed(
    write_desired: Any, cli: Any
) -> None:
    _desired(write_desired, BOT_2)
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stderr
    assert f"- bot:{BOT_3} (DEFAULT)" in plan.stdout and BOT_2 not in plan.stdout
    assert _rows(cli, "bot:Twin") == [
        ("twins", f"Twin (id {BOT_2}): {KEPT}", True),
        ("twins", f"Twin (id {BOT_3}): {REMOVES}", False),
    ]


def test_a_channel_declaring_a_name_two_bots_share_shows_the_declaration_on_each_row(
    write_desired: Any, cli: Any
) -> None:
    """QA-FT Q-FT-2: twins declares bot:Twin, a name two bots share: the plan refuses the
    channel. Each twin's row says so with the plan's reason, begins with which twin it is,
    and shows the declaration (DECLARED, WHERE), as explain shows it for each twin."""
    _desired(write_desired, BOT_2)
    write_desired(
        {
            "c.yaml": """
                channels:
                  twins: {prune: true, members: [user:alice, bot:Twin]}
            """
        }
    )
    run = cli(*UNPACED, "audit", "bot:Twin", "--format", "json")
    assert run.exit_code == 0, run.stderr
    rows = json.loads(run.stdout)["channels"]
    assert [r["note"].split(": not planned: ")[0] for r in rows] == [
        f"Twin (id {BOT_2})",
        f"Twin (id {BOT_3})",
    ]
    assert all("2 AppInstanceBots named 'Twin'" in r["note"] for r in rows)
    assert [r["declared"] for r in rows] == ["DEFAULT", "DEFAULT"]
    where = [[(w["file"].rsplit("/", 1)[-1], w["line"]) for w in r["declared_at"]] for r in rows]
    assert where == [[("c.yaml", 2)], [("c.yaml", 2)]]
    text = cli(*UNPACED, "audit", "bot:Twin").stdout
    assert f"Twin (id {BOT_2}): not planned" in text and "c.yaml:2" in text


@pytest.mark.parametrize("bot", [BOT_3, BOT_2])
def test_audit_takes_a_bot_by_its_arn_as_plan_prints_it(
    emulator: EmulatorServer, write_desired: Any, cli: Any, bot: str
) -> None:
    """QA-FT Q-FT-4: plan names one of two bots of a name by its ARN (`- bot:arn:…`), and
    explain takes that spelling: audit takes it too, and audits that bot's channels."""
    _desired(write_desired, BOT_2)
    plan = cli(*UNPACED, "plan")
    assert f"- bot:{BOT_3} (DEFAULT)" in plan.stdout
    emulator.reset_calls()
    run = cli(*UNPACED, "audit", f"bot:{bot}", "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert not {"ListAccounts", "ListBots", "ListRooms"} & set(emulator.calls())  # no room's
    rows = [(r["channel"], r["note"]) for r in json.loads(run.stdout)["channels"]]
    assert rows == [("twins", REMOVES if bot == BOT_3 else KEPT)]
    text = cli(*UNPACED, "audit", f"bot:{bot}")
    assert text.exit_code == 0 and "twins" in text.stdout


@pytest.mark.parametrize(
    ("bot", "said"),
    [
        (f"{INSTANCE}/bot/bot-9", "no AppInstanceBot with that ARN in app instance chat"),
        (
            "arn:aws:chime:us-east-1:111122223333:app-instance/other/bot/x",
            "app instance arn:aws:chime:us-east-1:111122223333:app-instance/other is not one",
        ),
    ],
)
def test_audit_of_a_bot_arn_chime_does_not_have_is_an_unknown_member(
    write_desired: Any, cli: Any, bot: str, said: str
) -> None:
    """QA-FU Q-FU-1: a typo'd `bot:arn:…/bot/ID` (or one of an app instance settings.yaml
    does not name) is an unknown member, exit 1, as `bot:NAME` and `user:ID` are; never
    "No channels." and exit 0."""
    _desired(write_desired, BOT_2)
    run = cli(*UNPACED, "audit", f"bot:{bot}")
    assert run.exit_code == 1, run.stdout
    assert f"unknown member bot:{bot}" in run.stderr and said in run.stderr
    assert "No channels" not in run.stdout


def test_audit_of_a_bot_arn_without_app_instances_names_it_an_app_instance_bot(
    write_desired: Any, cli: Any
) -> None:
    """QA-FU Q-FU-1 (related): with no app_instances in settings.yaml, the refusal names
    the member an AppInstanceBot, not an AppInstanceUser."""
    write_desired(
        {
            "settings.yaml": "account: '11111111-2222-3333-4444-555555555555'\n",
        }
    )
    run = cli(*UNPACED, "audit", f"bot:{BOT_3}")
    assert run.exit_code == 1
    assert "is an AppInstanceBot, and settings.yaml names no app_instances" in run.stderr
