"""A member banned from a channel (QA round two, D13): never listed as an add, nor counted,
in that channel's memberships or its moderators, whatever else declares it; reported at
each line that declares it there; `explain` and `audit` say it is banned. A ban is found
where a plan would add someone (ListChannelBans), and nowhere else. The CLI, the real
boto3 client and the emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import UNPACED
from test_channels_e2e import INSTANCE, SETTINGS, arn, chat_seed, uid

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

OPS = f"{INSTANCE}/channel/ops"
SIDE = f"{INSTANCE}/channel/side"
BANNED = "(a plan never lifts a ban; DeleteChannelBan does)"


def seed(emulator: EmulatorServer) -> None:
    """ops: u001 and u002, u009 banned; side: u001."""
    emulator.reset(
        chat_seed(
            [
                {"name": "ops", "id": "ops", "members": [uid(1), uid(2)], "bans": [uid(9)]},
                {"name": "side", "id": "side", "members": [uid(1)]},
            ]
        )
    )


def write(write_desired: Callable[..., Any], chat: str) -> None:
    write_desired({"settings.yaml": SETTINGS, "chat.yaml": chat})


def unchanged(emulator: EmulatorServer) -> None:
    assert emulator.messaging.channel_members(OPS) == {arn(1): "DEFAULT", arn(2): "DEFAULT"}
    assert emulator.messaging.channel_moderators(OPS) == []
    assert emulator.messaging.channel_members(SIDE) == {arn(1): "DEFAULT"}


def test_a_banned_member_declared_a_moderator_too_is_neither_listed_nor_counted(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    seed(emulator)
    write(
        write_desired,
        f"""
        channels:
          ops:
            prune: true
            members: [user:{uid(1)}, user:{uid(9)}, user:{uid(3)}]
            moderators: [user:{uid(9)}]
        """,
    )
    run = cli(*UNPACED, "plan", "--target", "ops")
    assert run.exit_code == 1
    assert run.lines == [
        f"# channel ops (app instance {INSTANCE}, id {OPS})",
        "  + user:u003 (DEFAULT)",
        "  - user:u002 (DEFAULT)",
        "",
        "1 channel moderator list unchanged.",
        "",
        f"Error: desired-state/chat.yaml:4: user:u009 is banned from channel 'ops': not added "
        f"{BANNED}",
        "Error: desired-state/chat.yaml:5: user:u009 is banned from channel 'ops': not made a "
        f"moderator {BANNED}",
        "",
        "Plan: 1 to add, 0 to change, 1 to remove, but 2 errors above: apply refuses this plan.",
    ]
    doc = json.loads(cli(*UNPACED, "plan", "--target", "ops", "--format", "json").stdout)
    assert doc["summary"] == {"add": 1, "change": 0, "remove": 1}
    # a channel's memberships have no elevated role (its moderators are their own target)
    assert [(t["kind"], t["live_elevated"]) for t in doc["targets"]] == [
        ("channel", None),
        ("channel-moderator", 0),
    ]
    assert [
        (t["kind"], c["action"], c["member"]) for t in doc["targets"] for c in t["changes"]
    ] == [("channel", "create", "user:u003"), ("channel", "delete", "user:u002")]
    refused = cli(*UNPACED, "apply", "--auto-approve", "--target", "ops")
    assert refused.exit_code == 1
    unchanged(emulator)


def test_a_member_banned_from_one_channel_is_not_added_there_when_another_channel_adds_it(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """A member's ARN resolves once per app instance; the ban is the channel's own."""
    seed(emulator)
    write(
        write_desired,
        f"""
        channels:
          ops: {{members: [user:{uid(1)}, user:{uid(2)}, user:{uid(9)}]}}
          side: {{members: [user:{uid(1)}, user:{uid(9)}]}}
        """,
    )
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 1
    assert run.lines == [
        f"# channel side (app instance {INSTANCE}, id {SIDE})",
        "  + user:u009 (DEFAULT)",
        "",
        "1 channel, 2 channel moderator lists unchanged.",
        "",
        f"Error: desired-state/chat.yaml:2: user:u009 is banned from channel 'ops': not added "
        f"{BANNED}",
        "",
        "Plan: 1 to add, 0 to change, 0 to remove, but 1 error above: apply refuses this plan.",
    ]
    applied = cli(*UNPACED, "apply", "--auto-approve", "--target", "side")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert emulator.messaging.channel_members(SIDE) == {arn(1): "DEFAULT", arn(9): "DEFAULT"}
    assert emulator.messaging.channel_members(OPS) == {arn(1): "DEFAULT", arn(2): "DEFAULT"}


def test_a_banned_moderator_the_channel_does_not_declare_a_member_is_found_too(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    seed(emulator)
    write(
        write_desired,
        f"""
        channels:
          ops:
            members: [user:{uid(1)}, user:{uid(2)}]
            moderators: [user:{uid(1)}]
        """,
    )
    granted = cli(
        *UNPACED, "plan", "--target", "ops"
    )  # a member made a moderator: no ban to look for
    assert granted.exit_code == 0, granted.stdout + granted.stderr
    assert "  + user:u001 (Moderator)" in granted.lines
    assert "ListChannelBans" not in calls()
    write(
        write_desired,
        f"""
        channels:
          ops:
            members: [user:{uid(1)}, user:{uid(2)}]
            moderators: [user:{uid(1)}, user:{uid(9)}]
        """,
    )
    run = cli(*UNPACED, "plan", "--target", "ops")
    assert run.exit_code == 1
    assert "  + user:u009 (Moderator)" not in run.lines
    assert run.lines[-3:] == [
        "Error: desired-state/chat.yaml:4: user:u009 is banned from channel 'ops': not made a "
        f"moderator {BANNED}",
        "",
        "Plan: 1 to add, 0 to change, 0 to remove, but 1 error above: apply refuses this plan.",
    ]
    assert calls()["ListChannelBans"] == 1
    assert cli(*UNPACED, "apply", "--auto-approve", "--target", "ops").exit_code == 1
    unchanged(emulator)


def test_a_channel_whose_members_and_moderators_both_need_its_bans_lists_them_once(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    """QA-CI Q-CI-3: a plan adding a member and granting a moderator the entry does not
    declare a member needs the channel's bans for both kinds: one ListChannelBans."""
    seed(emulator)
    write(
        write_desired,
        f"""
        channels:
          ops:
            members: [user:{uid(1)}, user:{uid(2)}, user:{uid(3)}, user:{uid(9)}]
            moderators: [user:{uid(1)}, user:{uid(4)}, user:{uid(9)}]
        """,
    )
    run = cli(*UNPACED, "plan", "--target", "ops")
    assert run.exit_code == 1
    assert "  + user:u003 (DEFAULT)" in run.lines and "  + user:u004 (Moderator)" in run.lines
    assert sum(" is banned from channel 'ops'" in line for line in run.lines) == 2
    assert calls()["ListChannelBans"] == 1


def test_a_banned_member_costs_no_user_check_the_bans_listing_shows_it_exists(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    """QA-DA Q-DA-1: ListChannelBans shows u009; only the new u003 is checked."""
    seed(emulator)
    write(
        write_desired,
        f"""
        channels:
          ops: {{members: [user:{uid(1)}, user:{uid(2)}, user:{uid(3)}, user:{uid(9)}]}}
        """,
    )
    run = cli(*UNPACED, "plan", "--target", "ops")
    assert run.exit_code == 1
    assert "  + user:u003 (DEFAULT)" in run.lines
    assert sum(" is banned from channel 'ops'" in line for line in run.lines) == 1
    counts = calls()
    assert counts["ListChannelBans"] == 1
    assert counts.get("DescribeAppInstanceUser", 0) + counts.get("ListAppInstanceUsers", 0) == 1


def test_explain_and_audit_say_the_member_is_banned(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    seed(emulator)
    write(
        write_desired,
        f"""
        channels:
          ops:
            members: [user:{uid(1)}, user:{uid(2)}, user:{uid(9)}]
            moderators: [user:{uid(9)}]
          side: {{members: [user:{uid(1)}, user:{uid(9)}, zed@example.com]}}
        """,
    )
    explained = cli(*UNPACED, "explain", f"user:{uid(9)}")
    assert explained.exit_code == 0, explained.stdout + explained.stderr
    notes = [line.strip() for line in explained.lines if line.strip().startswith("plan:")]
    assert notes == [
        f"plan: the plan cannot add it: user:u009 is banned from channel 'ops': not added {BANNED}",
        "plan: the plan adds it as DEFAULT",  # side
        "plan: the plan cannot add it: user:u009 is banned from channel 'ops': not made a "
        f"moderator {BANNED}",
    ]
    before = calls().get("ListChannelBans", 0)
    audited = cli(*UNPACED, "audit", f"user:{uid(9)}", "--format", "json")
    assert audited.exit_code == 0, audited.stdout + audited.stderr
    rows = [
        (r["channel"], r["declared"], r["note"]) for r in json.loads(audited.stdout)["channels"]
    ]
    banned = "declared, banned: plan does not add it (a plan never lifts a ban)"
    assert rows == [  # by channel name, as the rooms' rows (Q-AM-1: one join)
        ("ops", "DEFAULT", banned),
        ("ops", "Moderator", banned),
        ("side", "DEFAULT", "declared, not in Chime: plan adds it"),
    ]
    # ops and side: declared, not in them; then, as the plan adds it to side, both read
    # as `plan` reads them, to ask the safety rules (Q-EE-1): their bans not listed again
    # (QA-FP Q-FP-5)
    assert calls()["ListChannelBans"] - before == 2
    before = calls()["ListChannelBans"]
    member = cli(*UNPACED, "audit", f"user:{uid(1)}")  # in both channels it is declared in: no ban
    assert member.exit_code == 0, member.stdout + member.stderr
    assert calls()["ListChannelBans"] == before
    nobody = cli(*UNPACED, "audit", "zed@example.com", "--format", "json")  # no AppInstanceUser
    assert nobody.exit_code == 0, nobody.stdout + nobody.stderr
    assert [(r["channel"], r["note"]) for r in json.loads(nobody.stdout)["channels"]] == [
        ("side", "declared, but no such user or bot in Chime: plan reports it")
    ]
    assert calls()["ListChannelBans"] == before


def test_audits_reading_of_the_channels_that_declare_the_member_is_a_step_with_progress(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The channels that declare the member where Chime has it in no role are read
    (DescribeChannel, ListChannelBans): a step of its own, shown as the listings are (a
    line each in a CI log with CHIME_RECONCILER_PROGRESS=1; a bar on a terminal)."""
    seed(emulator)
    write(
        write_desired,
        f"""
        channels:
          ops: {{members: [user:{uid(1)}, user:{uid(2)}, user:{uid(9)}]}}
          side: {{members: [user:{uid(1)}, user:{uid(9)}]}}
        """,
    )
    monkeypatch.setenv("CHIME_RECONCILER_PROGRESS", "1")
    run = cli.subprocess(*UNPACED, "audit", f"user:{uid(9)}")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert [line.split(" in ")[0] for line in run.err_lines] == [
        "Reading channel memberships: 2/2",  # its memberships and its moderated channels
        "Reading the channels that declare it: 2/2",  # ops (banned) and side
    ]
