"""The seed's ``app_instances:`` section: the documented example, located errors, state
round trips, and the command line's --quotas."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from emulator_http import request
from messaging_seeds import INSTANCE, chat_seed, clients

from reconciler.emulator import EmulatorServer, SeedError, load_seed, parse_seed

EXAMPLE = Path(__file__).parent / "seed-messaging.yaml"
README = Path(__file__).parents[2] / "README.md"


def test_the_readme_shows_the_example_seed_verbatim() -> None:
    assert EXAMPLE.read_text() in README.read_text()


def test_the_example_seed_serves_its_channels(emulator: EmulatorServer) -> None:
    emulator.reset(load_seed(EXAMPLE))
    messaging, identity = clients(emulator)
    admin = f"{INSTANCE}/user/reconciler"
    channels = messaging.list_channels(AppInstanceArn=INSTANCE, ChimeBearer=admin)["Channels"]
    assert [(c["Name"], c["Privacy"], c["Mode"]) for c in channels] == [
        ("incident-chat", "PRIVATE", "RESTRICTED"),
        ("lobby", "PUBLIC", "UNRESTRICTED"),
        ("town-hall", "PUBLIC", "RESTRICTED"),  # an elastic channel: RESTRICTED (QA-G Q-G-4)
    ]
    lobby = channels[1]["ChannelArn"]
    members = messaging.list_channel_memberships(ChannelArn=lobby, ChimeBearer=admin)
    assert [m["Member"]["Arn"] for m in members["ChannelMemberships"]] == [f"{INSTANCE}/user/alice"]
    described = messaging.describe_channel(ChannelArn=lobby, ChimeBearer=admin)["Channel"]
    assert described["CreatedBy"] == {"Arn": f"{INSTANCE}/user/alice", "Name": "Alice"}
    incident = messaging.list_channel_memberships(
        ChannelArn=f"{INSTANCE}/channel/ch-1", ChimeBearer=admin
    )
    assert [m["Member"]["Name"] for m in incident["ChannelMemberships"]] == ["Alice", "PagerBot"]
    bots = identity.list_app_instance_bots(AppInstanceArn=INSTANCE)["AppInstanceBots"]
    assert bots == [{"AppInstanceBotArn": f"{INSTANCE}/bot/bot-1", "Name": "PagerBot"}]


def test_state_lists_app_instances_and_restores_them(emulator: EmulatorServer) -> None:
    emulator.reset(chat_seed())
    messaging, _ = clients(emulator)
    admin = f"{INSTANCE}/user/reconciler"
    channel = f"{INSTANCE}/channel/ch-1"
    messaging.create_channel_ban(
        ChannelArn=channel, MemberArn=f"{INSTANCE}/user/bob", ChimeBearer=admin
    )
    status, _, state = request(emulator.url, "GET", "/_emulator/state")
    assert status == 200
    assert state["app_instances"][0]["channels"][0] == {
        "arn": channel,
        "name": "incident-chat",
        "privacy": "PRIVATE",
        "mode": "RESTRICTED",
        "members": [f"{INSTANCE}/user/alice"],
        "hidden": [f"{INSTANCE}/user/carol"],
        "moderators": [f"{INSTANCE}/user/alice"],
        "bans": [f"{INSTANCE}/user/mallory", f"{INSTANCE}/user/bob"],
    }
    emulator.reset()
    assert request(emulator.url, "POST", "/_emulator/reset", state)[0] == 200
    assert emulator.state() == state


def _instance(**channel: Any) -> dict[str, Any]:
    return {
        "app_instances": [
            {
                "id": "chat-1",
                "admins": ["admin"],
                "users": [{"id": "admin"}, {"id": "alice"}, {"id": "bob"}],
                "channels": [{"name": "c", **channel}],
            }
        ]
    }


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        (
            {"members": ["alice"], "hidden": ["alice"]},
            "app_instances[0].channels[0].hidden: "
            "arn:aws:chime:us-east-1:123456789012:app-instance/chat-1/user/alice "
            "is in both members and hidden",
        ),
        (
            {"moderators": ["alice"], "bans": ["alice"]},
            "app_instances[0].channels[0].bans: "
            "arn:aws:chime:us-east-1:123456789012:app-instance/chat-1/user/alice "
            "is a moderator and cannot be banned",
        ),
        (
            {"bans": ["admin"]},
            "app_instances[0].channels[0].bans: "
            "arn:aws:chime:us-east-1:123456789012:app-instance/chat-1/user/admin "
            "is an AppInstanceAdmin and cannot be banned",
        ),
        (
            {"members": ["carol"]},
            "app_instances[0].channels[0].members[0]: no user or bot 'carol' in app instance "
            "arn:aws:chime:us-east-1:123456789012:app-instance/chat-1",
        ),
        (
            {"privacy": "SECRET"},
            "app_instances[0].channels[0].privacy: unknown privacy 'SECRET' "
            "(expected PUBLIC or PRIVATE)",
        ),
        (
            {"topic": "x"},
            "app_instances[0].channels[0].topic: unknown key 'topic' (expected one of: name, id, "
            "arn, privacy, mode, created_by, members, hidden, moderators, bans, elastic)",
        ),
    ],
)
def test_a_bad_channel_is_refused_with_its_path(channel: dict[str, Any], message: str) -> None:
    with pytest.raises(SeedError) as info:
        parse_seed(_instance(**channel))
    assert str(info.value) == f"<seed>: {message}"


def test_an_app_instance_outside_the_messaging_regions_is_refused() -> None:
    doc = {"app_instances": [{"arn": "arn:aws:chime:us-west-2:111122223333:app-instance/x"}]}
    with pytest.raises(SeedError) as info:
        parse_seed(doc)
    assert str(info.value) == (
        "<seed>: app_instances[0].arn: Chime SDK messaging exists only in us-east-1 and "
        "eu-central-1, not us-west-2"
    )


def test_an_unknown_hidden_listing_is_refused_with_its_path() -> None:
    doc = {"app_instances": [{"id": "chat-1", "hidden_listing": "DEFAULT"}]}
    with pytest.raises(SeedError) as info:
        parse_seed(doc)
    assert str(info.value) == (
        "<seed>: app_instances[0].hidden_listing: unknown hidden_listing 'DEFAULT' "
        "(expected HIDDEN or ALL)"
    )


def test_seed_errors_in_a_file_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(
        "app_instances:\n"
        "  - id: chat-1\n"
        "    users: [{id: alice}]\n"
        "    channels:\n"
        "      - name: c\n"
        "        members: [alice, zed]\n"
    )
    with pytest.raises(SeedError) as info:
        load_seed(path)
    assert str(info.value) == (
        f"{path}:6: app_instances[0].channels[0].members[1]: no user or bot 'zed' in app "
        "instance arn:aws:chime:us-east-1:123456789012:app-instance/chat-1"
    )


ELASTIC_SEED = (
    "app_instances:\n"
    "  - id: chat-1\n"
    "    users: [{id: alice}]\n"
    "    channels:\n"
    "      - name: town-hall\n"
    "        mode: UNRESTRICTED\n"
    "        elastic: {maximum_sub_channels: 10, target_memberships_per_sub_channel: 100,\n"
    "                  minimum_membership_percentage: 10}\n"
)


def test_an_unrestricted_elastic_channel_is_refused_and_the_mode_defaults_to_restricted(
    tmp_path: Path,
) -> None:
    """QA-G Q-G-4: AWS cannot create an UNRESTRICTED elastic channel, so a seed cannot hold
    one: `mode: UNRESTRICTED` with `elastic:` is an error at its line; without `mode:` an
    elastic channel is RESTRICTED (for other channels the default stays UNRESTRICTED)."""
    path = tmp_path / "seed.yaml"
    path.write_text(ELASTIC_SEED)
    with pytest.raises(SeedError) as info:
        load_seed(path)
    assert str(info.value) == (
        f"{path}:6: app_instances[0].channels[0].mode: an elastic channel is RESTRICTED: "
        "AWS cannot create an UNRESTRICTED one (leave `mode:` out, or give RESTRICTED)"
    )
    path.write_text(ELASTIC_SEED.replace("        mode: UNRESTRICTED\n", ""))
    channel = load_seed(path)["app_instances"][0]["channels"][0]
    assert channel.get("mode") in (None, "RESTRICTED")
    seed = parse_seed(load_seed(path))
    assert [c.mode.value for c in seed.app_instances[0].channels] == ["RESTRICTED"]


def test_the_command_line_turns_quotas_on(tmp_path: Path) -> None:
    from test_emulator_cli import FIRST_LINE, first_line, start

    process = start("--port", "0", "--seed", str(EXAMPLE), "--quotas")
    try:
        found = FIRST_LINE.match(first_line(process))
        assert found
        status, _, faults = request(found.group(1), "GET", "/_emulator/faults")
        _, _, state = request(found.group(1), "GET", "/_emulator/state")
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert (status, faults["quotas"]) == (200, True)
    assert [c["name"] for c in state["app_instances"][0]["channels"]] == [
        "incident-chat",
        "lobby",
        "town-hall",
    ]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", found.group(1))


def test_two_bots_may_share_a_name_as_at_aws_and_bot_name_naming_both_is_refused(
    emulator: EmulatorServer,
) -> None:
    """A bot's name is display text, not unique (CreateAppInstanceBot takes a name another
    bot has, QA-AL Q-AL-3): the seed holds two bots of one name, each with its id; a
    ``bot:NAME`` that names both is a located error."""
    doc = _instance(members=["bot-1", "bot-2"])
    doc["app_instances"][0]["bots"] = [
        {"id": "bot-1", "name": "PagerBot"},
        {"id": "bot-2", "name": "PagerBot"},
    ]
    emulator.reset(parse_seed(doc))
    arn = "arn:aws:chime:us-east-1:123456789012:app-instance/chat-1"
    _, identity = clients(emulator)
    bots = identity.list_app_instance_bots(AppInstanceArn=arn)["AppInstanceBots"]
    assert [(b["AppInstanceBotArn"], b["Name"]) for b in bots] == [
        (f"{arn}/bot/bot-1", "PagerBot"),
        (f"{arn}/bot/bot-2", "PagerBot"),
    ]
    doc["app_instances"][0]["channels"][0]["members"] = ["bot:PagerBot"]
    with pytest.raises(SeedError) as info:
        parse_seed(doc)
    assert str(info.value) == (
        "<seed>: app_instances[0].channels[0].members[0]: 'bot:PagerBot' names 2 bots: "
        "give a bot's id"
    )
