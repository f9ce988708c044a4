"""Channels as code end to end: the CLI, the real boto3 clients, the emulator over HTTP
with AWS's quotas on. Asserts what a user sees and what AWS is asked (calls at the lower
bound, none throttled)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
BIG = f"{INSTANCE}/channel/big"


def uid(i: int) -> str:
    return f"u{i:03d}"


def arn(i: int) -> str:
    return f"{INSTANCE}/user/{uid(i)}"


def chat_seed(channels: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "app_instances": [
            {
                "arn": INSTANCE,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [{"id": "reconciler"}, {"id": "alice@example.com"}]
                + [{"id": uid(i)} for i in range(200)],
                "bots": [{"id": "bot-1", "name": "PagerBot"}],
                "channels": channels,
            }
        ]
    }


SETTINGS = f"""
    app_instances:
      chat:
        arn: {INSTANCE}
        bearer: user:reconciler
    safety:
      max_removals: 100
      max_removal_fraction: 1.0
    """


# for a test that is not about pacing: the emulator enforces no rate unless quotas_on, and
# the bearer's 10 calls/s made each command of the import round trip last ~1.5 s
UNPACED = ("--rate", "messaging.bearer=off", "--rate", "messaging.channel-list=off")


def users(ids: range) -> str:
    return "[" + ", ".join(f"user:{uid(i)}" for i in ids) + "]"


@pytest.fixture
def quotas_on(emulator: EmulatorServer) -> EmulatorServer:
    emulator.set_faults(quotas=True)
    return emulator


LIVE_BIG = {
    "name": "big",
    "id": "big",
    "members": [uid(i) for i in range(60)],  # DEFAULT u000-u059
    "hidden": [uid(i) for i in range(60, 80)],  # HIDDEN u060-u079
    "moderators": [uid(0)],
}
DESIRED_BIG = f"""
    channels:
      big:
        prune: true
        members: {users(range(0, 30))}  {users(range(80, 190))}
        hidden: {users(range(60, 70))}
        moderators: [user:{uid(1)}, user:{uid(2)}]
    """


def test_a_large_apply_with_quotas_on_throttles_nothing_and_calls_at_the_lower_bound(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    # DEFAULT: 30 kept, 100 added, 25 removed, 5 moved to HIDDEN; HIDDEN: 10 kept, 5
    # added, 10 removed; moderators: 2 granted, 1 revoked. 100 adds, AWS's most per
    # BatchCreateChannelMembership: one call, and two with any smaller batch (Q-EG-2)
    members = list(range(0, 30)) + list(range(80, 180))
    hidden = list(range(60, 70)) + list(range(30, 35)) + list(range(190, 195))
    emulator.reset(chat_seed([LIVE_BIG]))
    emulator.set_faults(quotas=True)
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": f"""
                channels:
                  big:
                    prune: true
                    members: [{", ".join(f"user:{uid(i)}" for i in members)}]
                    hidden: [{", ".join(f"user:{uid(i)}" for i in hidden)}]
                    moderators: [user:{uid(1)}, user:{uid(2)}]
                """,
        }
    )
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    served = calls()
    assert "Throttled" not in served
    state = emulator.messaging.channel_members(BIG)
    assert state == {arn(i): "DEFAULT" for i in members} | {arn(i): "HIDDEN" for i in hidden}
    assert emulator.messaging.channel_moderators(BIG) == [arn(1), arn(2)]
    removals = 25 + 10 + 5  # and the 5 moved are deleted first
    # one call of the 100 DEFAULT adds, one of the 10 HIDDEN (the 5 moved are re-created)
    assert served["BatchCreateChannelMembership"] == 2
    assert served["DeleteChannelMembership"] == removals
    assert served["CreateChannelModerator"] == 2
    assert served["DeleteChannelModerator"] == 1
    # the channel is declared by name: resolved once, one listing per Privacy (QA-AL Q-AL-1)
    assert served["ListChannels"] == 2
    # reads: ceil(max(n, 1)/50) pages per type, before (60 DEFAULT, 20 HIDDEN) and after,
    # to verify (140 DEFAULT, 20 HIDDEN)
    pages = [math.ceil(n / 50) for n in (60, 20, 140, 20)]
    assert served["ListChannelMemberships"] == sum(pages)
    assert served["ListChannelModerators"] == 2
    assert served["DescribeChannel"] == 1  # found once, for both kinds and the re-read


def test_a_converged_channel_plans_no_changes(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    emulator.reset(chat_seed([LIVE_BIG]))
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": f"""
                channels:
                  big:
                    members: {users(range(0, 60))}
                    hidden: {users(range(60, 80))}
                    moderators: [user:{uid(0)}]
                """,
        }
    )
    run = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[-1] == "No changes. Chime memberships match the desired state."


def small(**channel: Any) -> dict[str, Any]:
    return {"name": "ops", "id": "ops", **channel}


OPS = f"{INSTANCE}/channel/ops"


def test_groups_emails_bots_and_types_plan_with_their_own_words(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    emulator.reset(chat_seed([small(members=[uid(1)], hidden=[uid(2)], moderators=[uid(1)])]))
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "company.yaml": """
                groups:
                  sre: [Alice@Example.com, "bot:PagerBot"]
                """,
            "chat.yaml": f"""
                channels:
                  ops:
                    prune: true
                    members: ["@sre", user:{uid(2)}]
                    moderators: [user:{uid(1)}, "bot:PagerBot"]
                """,
        }
    )
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines == [
        f"# channel ops (app instance {INSTANCE}, id {OPS})",
        "  + bot:PagerBot (DEFAULT)",
        "  + Alice@Example.com (DEFAULT)",
        "  ~ user:u002: HIDDEN -> DEFAULT (replace: a membership type changes by delete and "
        "create)",
        "  - user:u001 (DEFAULT)",
        "",
        f"# channel moderators ops (app instance {INSTANCE}, id {OPS})",
        "  + bot:PagerBot (Moderator)",
        "",
        "Plan: 3 to add, 1 to change, 1 to remove.",
    ]
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert emulator.messaging.channel_members(OPS) == {
        f"{INSTANCE}/user/alice@example.com": "DEFAULT",
        f"{INSTANCE}/bot/bot-1": "DEFAULT",
        arn(2): "DEFAULT",
    }
    assert emulator.messaging.channel_moderators(OPS) == [arn(1), f"{INSTANCE}/bot/bot-1"]
    assert cli(*UNPACED, "plan", "--detailed-exitcode").exit_code == 0


def test_a_banned_member_is_reported_never_added_and_the_ban_stays(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    emulator.reset(chat_seed([small(members=[uid(1)], bans=[uid(9)])]))
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": f"""
                channels:
                  ops:
                    members: [user:{uid(1)}, user:{uid(9)}]
                """,
        }
    )
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 1
    assert (
        "desired-state/chat.yaml:3: user:u009 is banned from channel 'ops': not added "
        "(a plan never lifts a ban; DeleteChannelBan does)"
    ) in run.stdout + run.stderr
    state = emulator.state()["app_instances"][0]["channels"][0]
    assert (state["members"], state["bans"]) == ([arn(1)], [arn(9)])


def test_bans_are_listed_only_where_a_plan_would_add_someone(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    """A banned member is never a member: only a declared member the channel does not
    list can be banned, so a channel with none costs no ListChannelBans."""
    emulator.reset(
        chat_seed(
            [
                small(members=[uid(1)], bans=[uid(9)]),
                {"name": "side", "id": "side", "members": [uid(2)], "hidden": [uid(3)]},
            ]
        )
    )
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": f"""
                channels:
                  ops: {{members: [user:{uid(1)}]}}
                  side: {{members: [user:{uid(2)}, user:{uid(3)}]}}
                """,
        }
    )
    run = cli(*UNPACED, "plan")  # side: u003 HIDDEN -> DEFAULT, a type change, not an add
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "ListChannelBans" not in calls()
    write_desired(
        {
            "chat.yaml": f"""
                channels:
                  ops: {{members: [user:{uid(1)}, user:{uid(9)}]}}
                  side: {{members: [user:{uid(2)}, user:{uid(3)}]}}
                """,
        }
    )
    refused = cli(*UNPACED, "plan")
    assert refused.exit_code == 1
    assert "user:u009 is banned from channel 'ops': not added" in refused.stdout
    assert calls()["ListChannelBans"] == 1  # ops only


def test_an_elastic_channel_is_reported_as_not_managed(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    elastic = {
        "maximum_sub_channels": 10,
        "target_memberships_per_sub_channel": 100,
        "minimum_membership_percentage": 10,
    }
    emulator.reset(chat_seed([small(elastic=elastic)]))
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": f"""
                channels:
                  ops:
                    members: [user:{uid(1)}]
                """,
        }
    )
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 1
    assert (
        f"desired-state/chat.yaml:2: channel 'ops' ({OPS}) is an elastic channel: elastic "
        "channels are not managed (their memberships live in sub-channels)"
    ) in run.stdout + run.stderr


def test_the_bearer_is_never_removed_even_where_pruning_is_on(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    bearer = f"{INSTANCE}/user/reconciler"
    emulator.reset(
        chat_seed([small(members=["reconciler", uid(1)], moderators=["reconciler", uid(1)])])
    )
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": f"""
                channels:
                  ops:
                    prune: true
                    members: [user:{uid(2)}]
                    moderators: [user:{uid(2)}]
                """,
        }
    )
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert emulator.messaging.channel_members(OPS) == {bearer: "DEFAULT", arn(2): "DEFAULT"}
    assert emulator.messaging.channel_moderators(OPS) == [bearer, arn(2)]


def test_target_selects_channels_by_name(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    emulator.reset(chat_seed([small(), {"name": "other", "id": "other"}]))
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": f"""
                channels:
                  ops:
                    members: [user:{uid(1)}]
                  other:
                    members: [user:{uid(2)}]
                """,
        }
    )
    run = cli(*UNPACED, "apply", "--auto-approve", "--target", "other")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert emulator.messaging.channel_members(OPS) == {}
    assert emulator.messaging.channel_members(f"{INSTANCE}/channel/other") == {arn(2): "DEFAULT"}


@pytest.mark.parametrize(
    ("chat", "message"),
    [
        (
            """
            channels:
              ops:
                members: [user:u001]
                hidden: [user:u001]
            """,
            "desired-state/chat.yaml:4: channels.ops.hidden[0]: user:u001: conflicting roles "
            "DEFAULT and HIDDEN in channel 'ops'",
        ),
        (
            """
            channels:
              ops:
                app_instance: nope
                members: [user:u001]
            """,
            "desired-state/chat.yaml:2: channels.ops: app_instance 'nope' is not a label of "
            "settings.yaml's `app_instances` (its labels are 'chat')",
        ),
        (
            """
            channels:
              ops:
                members: [user:bad id]
            """,
            "desired-state/chat.yaml:3: channels.ops.members[0]: malformed AppInstanceUserId",
        ),
    ],
)
def test_bad_channel_declarations_are_located_errors(
    write_desired: Callable[..., Any], cli: Any, chat: str, message: str
) -> None:
    write_desired({"settings.yaml": SETTINGS, "chat.yaml": chat})
    run = cli(*UNPACED, "validate")
    assert run.exit_code == 1
    assert message in run.stdout + run.stderr, run.stdout + run.stderr


def test_import_writes_channels_and_the_round_trip_plans_no_changes(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any, workdir: Any
) -> None:
    """The bearer (a member and moderator of ops) is left out with a comment, as adopt
    leaves it out: the tool's own identity is not a declared member (QA3 Q8)."""
    emulator.reset(
        chat_seed(
            [
                small(
                    members=["reconciler", "alice@example.com", uid(1), "bot:PagerBot"],
                    hidden=[uid(2)],
                    moderators=["reconciler", uid(3)],
                ),
                {"name": "twin", "id": "twin-1", "members": [uid(4)]},
                {"name": "twin", "id": "twin-2", "hidden": [uid(5)]},
                {"name": "empty", "id": "empty"},
            ]
        )
    )
    write_desired({"settings.yaml": SETTINGS})
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stdout + run.stderr
    text = (workdir / "desired-state" / "channels" / "chat.yaml").read_text()
    assert text.splitlines()[2:] == [
        "channels:",
        "  empty:",
        "    members: []",
        "    hidden: []",
        "    moderators: []",
        "  ops:",
        "    members:",
        "      - bot:PagerBot",
        "      - alice@example.com",
        "      - user:u001",
        "    hidden:",
        "      - user:u002",
        "    moderators:",
        "      - user:u003",
        "    # user:reconciler (the bearer) is left out: the tool's own identity, never removed.",
        "  twin (twin-1):",
        f"    arn: {INSTANCE}/channel/twin-1  # name: twin",
        "    members:",
        "      - user:u004",
        "    hidden: []",
        "    moderators: []",
        "  twin (twin-2):",
        f"    arn: {INSTANCE}/channel/twin-2  # name: twin",
        "    members: []",
        "    hidden:",
        "      - user:u005",
        "    moderators: []",
    ]
    again = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert again.lines[-1] == "No changes. Chime memberships match the desired state."
    # importing again leaves every channel as it is (no `channels: {}` file in the way of
    # the one written); with --force it refreshes the same file
    left = cli(*UNPACED, "import", "--out", "desired-state")
    assert (left.exit_code, left.lines) == (
        0,
        [
            "Nothing imported.",  # no `0 channels (0 memberships)`: QA-FX Q-FX-4
            "Left 4 channels as they are, declared already: "
            "empty (desired-state/channels/chat.yaml:4), ops (desired-state/channels/chat.yaml:8), "
            "twin (twin-1) (desired-state/channels/chat.yaml:18) and "
            "twin (twin-2) (desired-state/channels/chat.yaml:24).",
        ],
    )
    assert (workdir / "desired-state" / "channels" / "chat.yaml").read_text() == text
    # Q-M-3: a preview to stdout has every channel, declared or not, as it has every room
    preview = cli(*UNPACED, "import")
    imported = (
        "Imported 4 channels (6 memberships, 1 moderator; the bearer left out) from 1 app "
        "instance.\n"
    )
    assert (preview.exit_code, preview.stdout, preview.stderr) == (0, text, imported)
    assert cli(*UNPACED, "import", "--out", "desired-state", "--force").exit_code == 0
    assert (workdir / "desired-state" / "channels" / "chat.yaml").read_text() == text
    assert cli(*UNPACED, "plan", "--detailed-exitcode").exit_code == 0


NOTE = "NOTE"
REFUSED = (
    "not declared: plan removes it (prune), but the plan is refused: [ops] Would leave 0 "
    "moderators (now 1), fewer than the minimum of 1 (safety.min_moderators)"
)
# the type change is in the entry whose plan min_moderators refuses: said as for the
# moderator's removal, as explain says it (Q-EE-1)
RETYPED = "plan changes the type to HIDDEN" + REFUSED.removeprefix(
    "not declared: plan removes it (prune)"
)
# the add in new: only ops's minimum refuses the plan, which apply refuses as a whole, so
# it adds nothing in new either (QA-HF Q-HF-3)
ADDED = (
    "declared, not in Chime: plan adds it, but the plan is refused by a rule other targets break: "
    "[ops] Would leave 0 moderators (now 1), fewer than the minimum of 1 "
    "(safety.min_moderators) (apply changes nothing without --allow-unsafe; --target "
    "'channel:new' applies this channel alone)"
)
WIDE = len(ADDED) + 2  # the NOTE column is as wide as its longest note


def test_audit_lists_a_members_channels_and_what_the_desired_state_says(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    emulator.reset(
        chat_seed(
            [
                small(members=[uid(1)], moderators=[uid(1)]),
                {"name": "side", "id": "side", "hidden": [uid(1)]},
                {"name": "new", "id": "new"},
            ]
        )
    )
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": f"""
                channels:
                  ops:
                    prune: true
                    hidden: [user:{uid(1)}]
                  new:
                    members: [user:{uid(1)}]
                """,
        }
    )
    run = cli(*UNPACED, "audit", f"user:{uid(1)}")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines == [
        "user:u001 in Chime SDK messaging channels:",
        "CHANNEL  CHANNEL ID  LIVE       DECLARED  " + NOTE.ljust(WIDE) + "WHERE",
        # by channel name, live and declared together, as the rooms' rows (Q-AM-1)
        # Q-M-7: Chime has `new` (id new), though u001 is not in it yet
        "new      new         -          DEFAULT   "
        + ADDED.ljust(WIDE)
        + "DEFAULT at desired-state/chat.yaml:6",
        "ops      ops         DEFAULT    HIDDEN    "
        + RETYPED.ljust(WIDE)
        + "HIDDEN at desired-state/chat.yaml:4",
        # Q-CJ-2: the removal is planned, but min_moderators (1) refuses the plan of ops
        "ops      ops         Moderator  -         " + REFUSED.ljust(WIDE) + "-",
        "side     side        HIDDEN     -         "
        + "channel not in the desired state".ljust(WIDE)
        + "-",
    ]
    as_json = cli(*UNPACED, "audit", f"user:{uid(1)}", "--format", "json")
    assert as_json.exit_code == 0
    assert '"note": "channel not in the desired state"' in as_json.stdout


def test_audit_of_a_bot_no_chime_account_has_lists_its_channels(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """No account names the bot (there are none): it is still audited in the channels
    (it was "unknown member", exit 1, although a channel has it)."""
    emulator.reset(chat_seed([small(members=["bot-1", uid(1)])]))
    write_desired({"settings.yaml": SETTINGS})
    run = cli(*UNPACED, "audit", "bot:PagerBot")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines == [
        "bot:PagerBot in Chime SDK messaging channels:",
        "CHANNEL  CHANNEL ID  LIVE     DECLARED  NOTE                              WHERE",
        "ops      ops         DEFAULT  -         channel not in the desired state  -",
    ]
    gone = cli(*UNPACED, "audit", "bot:NoSuchBot")
    assert gone.exit_code == 1
    assert "unknown member bot:NoSuchBot" in gone.stderr
