"""Chime SDK messaging and identity operations through the real boto3 clients over HTTP:
paging, membership types, batches with per-item errors, bans, moderators, creation."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_http import request
from messaging_seeds import (
    ADMIN,
    ALICE,
    BOB,
    CAROL,
    DAVE,
    INCIDENT,
    INSTANCE,
    LOBBY,
    MALLORY,
    PAGER,
    chat_seed,
    clients,
    members,
    user,
)

from reconciler.emulator import EmulatorServer


@pytest.fixture
def sdk(emulator: EmulatorServer) -> tuple[Any, Any]:
    emulator.reset(chat_seed())
    return clients(emulator)


def _big_channel(n: int) -> dict[str, Any]:
    return chat_seed(
        extra_users=n,
        channels=[{"name": "big", "id": "big", "members": [f"u{i:05d}" for i in range(n)]}],
    )


@pytest.mark.parametrize(("n", "pages"), [(50, [50]), (51, [50, 1]), (100, [50, 50])])
def test_memberships_page_50_at_most_and_follow_next_token(
    emulator: EmulatorServer, n: int, pages: list[int]
) -> None:
    emulator.reset(_big_channel(n))
    messaging, _ = clients(emulator)
    arn = f"{INSTANCE}/channel/big"
    sizes, seen, token = [], [], None
    while True:
        page = messaging.list_channel_memberships(
            ChannelArn=arn,
            ChimeBearer=ADMIN,
            MaxResults=50,
            **({"NextToken": token} if token else {}),
        )
        sizes.append(len(page["ChannelMemberships"]))
        seen += [m["Member"]["Arn"] for m in page["ChannelMemberships"]]
        token = page.get("NextToken")
        if token is None:
            break
    assert sizes == pages
    assert seen == [user(f"u{i:05d}") for i in range(n)]
    assert emulator.calls() == {"ListChannelMemberships": len(pages)}


def test_max_results_outside_1_to_50_is_a_bad_request(emulator: EmulatorServer) -> None:
    emulator.reset(_big_channel(3))
    messaging, identity = clients(emulator)
    with pytest.raises(messaging.exceptions.BadRequestException) as info:
        messaging.list_channels(AppInstanceArn=INSTANCE, ChimeBearer=ADMIN, MaxResults=51)
    assert info.value.response["Error"] == {
        "Code": "BadRequestException",
        "Message": "MaxResults must be between 1 and 50, got 51.",
    }
    with pytest.raises(identity.exceptions.BadRequestException):
        identity.list_app_instance_users(AppInstanceArn=INSTANCE, MaxResults=51)
    path = f"/channels?app-instance-arn={INSTANCE}&max-results=0"
    assert (
        request(emulator.url, "GET", path)[0] == 400
    )  # boto3 refuses 0 itself; a raw client meets the server's check


def test_hidden_members_are_listed_only_when_asked_for_and_summaries_carry_no_type(
    sdk: tuple[Any, Any],
) -> None:
    messaging, _ = sdk
    default = messaging.list_channel_memberships(ChannelArn=INCIDENT, ChimeBearer=ADMIN)
    assert default["ChannelMemberships"] == [
        {"Member": {"Arn": ALICE, "Name": "Alice"}},
        {"Member": {"Arn": BOB, "Name": "bob"}},
    ]
    assert default["ChannelArn"] == INCIDENT
    hidden = messaging.list_channel_memberships(
        ChannelArn=INCIDENT, ChimeBearer=ADMIN, Type="HIDDEN"
    )
    assert hidden["ChannelMemberships"] == [{"Member": {"Arn": CAROL, "Name": "carol"}}]
    described = messaging.describe_channel_membership(
        ChannelArn=INCIDENT, MemberArn=CAROL, ChimeBearer=ADMIN
    )["ChannelMembership"]
    assert (described["Type"], described["Member"]["Arn"]) == ("HIDDEN", CAROL)
    assert described["InvitedBy"]["Arn"] == ALICE  # the channel's creator (first moderator)


def test_hidden_listing_all_lists_every_member_default_first_across_pages(
    emulator: EmulatorServer,
) -> None:
    """QA-CI Q-CI-1: the other reading of AWS's text (``hidden_listing: ALL``): the HIDDEN
    listing returns DEFAULT members too, paged as one listing; DEFAULT is unchanged; the
    setting survives GET /_emulator/state and POST /_emulator/reset."""
    ids = [f"u{i:05d}" for i in range(60)]
    channel = {"name": "big", "id": "big", "members": ids[:30], "hidden": ids[30:]}
    emulator.reset(chat_seed(extra_users=60, channels=[channel], hidden_listing="ALL"))
    messaging, _ = clients(emulator)
    arn = f"{INSTANCE}/channel/big"
    assert members(messaging, arn, ADMIN) == [user(i) for i in ids[:30]]
    assert members(messaging, arn, ADMIN, "HIDDEN") == [user(i) for i in ids]
    assert emulator.calls() == {"ListChannelMemberships": 1 + 2}  # 60 members: 2 pages
    state = emulator.state()
    assert state["app_instances"][0]["hidden_listing"] == "ALL"
    assert "hidden_listing" not in state["app_instances"][1]  # the default, HIDDEN
    assert request(emulator.url, "POST", "/_emulator/reset", state)[0] == 200
    assert emulator.state() == state


def test_a_type_change_is_a_delete_then_a_create(sdk: tuple[Any, Any]) -> None:
    messaging, _ = sdk
    with pytest.raises(messaging.exceptions.ConflictException) as info:
        messaging.create_channel_membership(
            ChannelArn=INCIDENT, MemberArn=BOB, Type="HIDDEN", ChimeBearer=ADMIN
        )
    assert info.value.response["Error"]["Message"] == (
        f"{BOB} is already a DEFAULT member of channel {INCIDENT}."
    )
    messaging.delete_channel_membership(ChannelArn=INCIDENT, MemberArn=BOB, ChimeBearer=ADMIN)
    created = messaging.create_channel_membership(
        ChannelArn=INCIDENT, MemberArn=BOB, Type="HIDDEN", ChimeBearer=ADMIN
    )
    assert created["Member"] == {"Arn": BOB, "Name": "bob"}
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert members(messaging, INCIDENT, ADMIN, "HIDDEN") == [CAROL, BOB]
    assert members(messaging, INCIDENT, ADMIN) == [ALICE]


def test_deleting_a_membership_that_does_not_exist_succeeds(sdk: tuple[Any, Any]) -> None:
    messaging, _ = sdk
    reply = messaging.delete_channel_membership(
        ChannelArn=INCIDENT, MemberArn=DAVE, ChimeBearer=ADMIN
    )
    assert reply["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_batch_adds_up_to_100_of_one_type_with_per_item_errors(emulator: EmulatorServer) -> None:
    emulator.reset(chat_seed(extra_users=101))
    messaging, _ = clients(emulator)
    arns = [user(f"u{i:05d}") for i in range(100)]
    reply = messaging.batch_create_channel_membership(
        ChannelArn=LOBBY, MemberArns=arns, Type="HIDDEN", ChimeBearer=ADMIN
    )
    assert reply["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert reply["Errors"] == []
    batch = reply["BatchChannelMemberships"]
    assert (batch["Type"], batch["ChannelArn"], batch["InvitedBy"]["Arn"]) == (
        "HIDDEN",
        LOBBY,
        ADMIN,
    )
    assert [m["Arn"] for m in batch["Members"]] == arns
    assert members(messaging, LOBBY, ADMIN, "HIDDEN") == arns
    with pytest.raises(messaging.exceptions.BadRequestException) as info:
        messaging.batch_create_channel_membership(
            ChannelArn=LOBBY, MemberArns=[*arns, user("u00100")], ChimeBearer=ADMIN
        )
    assert info.value.response["Error"]["Message"] == (
        "MemberArns has 101 items; between 1 and 100 are allowed."
    )
    assert user("u00100") not in members(messaging, LOBBY, ADMIN)


def test_batch_reports_each_failing_member_and_adds_the_others(sdk: tuple[Any, Any]) -> None:
    messaging, _ = sdk
    ghost = user("ghost")
    reply = messaging.batch_create_channel_membership(
        ChannelArn=INCIDENT, MemberArns=[DAVE, ghost, MALLORY, BOB, PAGER], ChimeBearer=ALICE
    )
    assert [m["Arn"] for m in reply["BatchChannelMemberships"]["Members"]] == [DAVE, PAGER]
    assert reply["BatchChannelMemberships"]["Type"] == "DEFAULT"
    assert [(e["MemberArn"], e["ErrorCode"]) for e in reply["Errors"]] == [
        (ghost, "NotFound"),
        (MALLORY, "Forbidden"),
        (BOB, "Conflict"),
    ]
    assert reply["Errors"][1]["ErrorMessage"] == f"{MALLORY} is banned from channel {INCIDENT}."
    assert members(messaging, INCIDENT, ADMIN) == [ALICE, BOB, DAVE, PAGER]


def test_an_empty_batch_is_refused_by_the_server_too(
    sdk: tuple[Any, Any], emulator: EmulatorServer
) -> None:
    conn_path = f"/channels/{INCIDENT.replace('/', '%2F')}/memberships?operation=batch-create"
    status, headers, body = _bearer_request(emulator.url, "POST", conn_path, {"MemberArns": []})
    assert (status, headers["x-amzn-errortype"], body["Code"]) == (
        400,
        "BadRequestException",
        "BadRequest",
    )


def _bearer_request(url: str, method: str, path: str, body: Any) -> tuple[int, dict[str, str], Any]:
    import http.client
    import json
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request(method, path, json.dumps(body), {"x-amz-chime-bearer": ADMIN})
        response = conn.getresponse()
        payload = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, json.loads(payload) if payload else None
    finally:
        conn.close()


def test_a_ban_removes_the_membership_and_blocks_re_adding_until_lifted(
    sdk: tuple[Any, Any],
) -> None:
    messaging, _ = sdk
    reply = messaging.create_channel_ban(ChannelArn=INCIDENT, MemberArn=CAROL, ChimeBearer=ALICE)
    assert reply["Member"] == {"Arn": CAROL, "Name": "carol"}
    assert members(messaging, INCIDENT, ADMIN, "HIDDEN") == []
    bans = messaging.list_channel_bans(ChannelArn=INCIDENT, ChimeBearer=ADMIN)["ChannelBans"]
    assert [b["Member"]["Arn"] for b in bans] == [MALLORY, CAROL]
    with pytest.raises(messaging.exceptions.ForbiddenException):
        messaging.create_channel_membership(
            ChannelArn=INCIDENT, MemberArn=CAROL, Type="HIDDEN", ChimeBearer=ADMIN
        )
    with pytest.raises(messaging.exceptions.ConflictException):
        messaging.create_channel_ban(ChannelArn=INCIDENT, MemberArn=CAROL, ChimeBearer=ADMIN)
    messaging.delete_channel_ban(ChannelArn=INCIDENT, MemberArn=CAROL, ChimeBearer=ADMIN)
    messaging.create_channel_membership(
        ChannelArn=INCIDENT, MemberArn=CAROL, Type="HIDDEN", ChimeBearer=ADMIN
    )
    assert members(messaging, INCIDENT, ADMIN, "HIDDEN") == [CAROL]


@pytest.mark.parametrize(
    ("who", "why"),
    [(ADMIN, "is an AppInstanceAdmin: it cannot be banned."), (ALICE, "is a moderator")],
)
def test_admins_and_moderators_cannot_be_banned(sdk: tuple[Any, Any], who: str, why: str) -> None:
    messaging, _ = sdk
    with pytest.raises(messaging.exceptions.BadRequestException) as info:
        messaging.create_channel_ban(ChannelArn=INCIDENT, MemberArn=who, ChimeBearer=ADMIN)
    assert info.value.response["Error"]["Message"].startswith(f"{who} {why}")
    bans = messaging.list_channel_bans(ChannelArn=INCIDENT, ChimeBearer=ADMIN)["ChannelBans"]
    assert [b["Member"]["Arn"] for b in bans] == [MALLORY]


def test_a_banned_user_cannot_be_made_a_moderator(sdk: tuple[Any, Any]) -> None:
    # Q-EG-4: as AWS, so that a tool that asks for it fails here too (MALLORY is banned)
    messaging, _ = sdk
    with pytest.raises(messaging.exceptions.BadRequestException) as info:
        messaging.create_channel_moderator(
            ChannelArn=INCIDENT, ChannelModeratorArn=MALLORY, ChimeBearer=ADMIN
        )
    assert info.value.response["Error"]["Message"] == (
        f"{MALLORY} is banned from channel {INCIDENT}."
    )
    listed = messaging.list_channel_moderators(ChannelArn=INCIDENT, ChimeBearer=ADMIN)
    assert [m["Moderator"]["Arn"] for m in listed["ChannelModerators"]] == [ALICE]


def test_moderators_need_not_be_members_and_are_listed_in_order(sdk: tuple[Any, Any]) -> None:
    messaging, _ = sdk
    reply = messaging.create_channel_moderator(
        ChannelArn=INCIDENT, ChannelModeratorArn=DAVE, ChimeBearer=ALICE
    )
    assert reply["ChannelModerator"] == {"Arn": DAVE, "Name": "dave"}
    listed = messaging.list_channel_moderators(ChannelArn=INCIDENT, ChimeBearer=ADMIN)
    assert [m["Moderator"]["Arn"] for m in listed["ChannelModerators"]] == [ALICE, DAVE]
    assert DAVE not in members(messaging, INCIDENT, ADMIN)
    with pytest.raises(messaging.exceptions.ConflictException):
        messaging.create_channel_moderator(
            ChannelArn=INCIDENT, ChannelModeratorArn=DAVE, ChimeBearer=ADMIN
        )
    messaging.delete_channel_moderator(
        ChannelArn=INCIDENT, ChannelModeratorArn=ALICE, ChimeBearer=ADMIN
    )
    listed = messaging.list_channel_moderators(ChannelArn=INCIDENT, ChimeBearer=ADMIN)
    assert [m["Moderator"]["Arn"] for m in listed["ChannelModerators"]] == [DAVE]
    assert ALICE in members(messaging, INCIDENT, ADMIN)  # still a member


def test_the_creator_of_a_channel_is_its_member_and_moderator(sdk: tuple[Any, Any]) -> None:
    messaging, _ = sdk
    arn = messaging.create_channel(
        AppInstanceArn=INSTANCE,
        Name="war-room",
        Privacy="PRIVATE",
        Mode="RESTRICTED",
        ClientRequestToken="token-1",
        ChimeBearer=DAVE,
        MemberArns=[BOB],
    )["ChannelArn"]
    assert arn.startswith(f"{INSTANCE}/channel/")
    assert members(messaging, arn, ADMIN) == [DAVE, BOB]
    moderators = messaging.list_channel_moderators(ChannelArn=arn, ChimeBearer=DAVE)
    assert [m["Moderator"]["Arn"] for m in moderators["ChannelModerators"]] == [DAVE]
    # PRIVATE: its creator, a moderator, may not describe it; an AppInstanceAdmin may
    channel = messaging.describe_channel(ChannelArn=arn, ChimeBearer=ADMIN)["Channel"]
    assert (channel["Name"], channel["CreatedBy"]["Arn"], channel["Privacy"]) == (
        "war-room",
        DAVE,
        "PRIVATE",
    )
    assert "ElasticChannelConfiguration" not in channel
    again = messaging.create_channel(
        AppInstanceArn=INSTANCE, Name="war-room", ClientRequestToken="token-1", ChimeBearer=DAVE
    )
    assert again["ChannelArn"] == arn  # the same ClientRequestToken: the same channel


def test_elastic_channels_show_their_configuration_and_take_no_hidden_members(
    emulator: EmulatorServer,
) -> None:
    elastic = {
        "maximum_sub_channels": 10,
        "target_memberships_per_sub_channel": 100,
        "minimum_membership_percentage": 10,
    }
    emulator.reset(chat_seed(channels=[{"name": "town-hall", "id": "el", "elastic": elastic}]))
    messaging, _ = clients(emulator)
    arn = f"{INSTANCE}/channel/el"
    channel = messaging.describe_channel(ChannelArn=arn, ChimeBearer=ADMIN)["Channel"]
    assert channel["ElasticChannelConfiguration"] == {
        "MaximumSubChannels": 10,
        "TargetMembershipsPerSubChannel": 100,
        "MinimumMembershipPercentage": 10,
    }
    reply = messaging.batch_create_channel_membership(
        ChannelArn=arn, MemberArns=[BOB], Type="HIDDEN", ChimeBearer=ADMIN
    )
    assert [e["ErrorCode"] for e in reply["Errors"]] == ["BadRequest"]


ELASTIC = {"MaximumSubChannels": 10, "TargetMembershipsPerSubChannel": 100,
           "MinimumMembershipPercentage": 10}  # fmt: skip


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "An elastic channel cannot be UNRESTRICTED: give Mode RESTRICTED."),
        (
            {"Mode": "UNRESTRICTED"},
            "An elastic channel cannot be UNRESTRICTED: give Mode RESTRICTED.",
        ),
        (
            {"Mode": "RESTRICTED", "MemberArns": [ALICE, BOB]},
            "An elastic channel cannot be created with MemberArns: add its members afterwards.",
        ),
    ],
    ids=["no mode", "unrestricted", "member arns"],
)
def test_an_elastic_channel_aws_could_not_create_is_a_bad_request(
    emulator: EmulatorServer, params: dict[str, Any], message: str
) -> None:
    """QA-G Q-G-4, AWS's "Creating elastic channels": "You can't include a list of member
    ARNs in a CreateChannel API request" and "You can't create an UNRESTRICTED type elastic
    channel" (UNRESTRICTED is CreateChannel's default Mode)."""
    emulator.reset(chat_seed(channels=[]))
    messaging, _ = clients(emulator)
    with pytest.raises(messaging.exceptions.BadRequestException) as info:
        messaging.create_channel(
            AppInstanceArn=INSTANCE, Name="town-hall", ClientRequestToken="tok-1",
            ChimeBearer=ADMIN, ElasticChannelConfiguration=ELASTIC, **params,
        )  # fmt: skip
    assert info.value.response["Error"]["Message"] == message
    assert messaging.list_channels(AppInstanceArn=INSTANCE, ChimeBearer=ADMIN)["Channels"] == []
    arn = messaging.create_channel(
        AppInstanceArn=INSTANCE, Name="town-hall", ClientRequestToken="tok-1",
        ChimeBearer=ADMIN, ElasticChannelConfiguration=ELASTIC, Mode="RESTRICTED",
    )["ChannelArn"]  # fmt: skip
    channel = messaging.describe_channel(ChannelArn=arn, ChimeBearer=ADMIN)["Channel"]
    assert (channel["Mode"], channel["ElasticChannelConfiguration"]) == ("RESTRICTED", ELASTIC)


def test_promoting_or_demoting_in_an_elastic_channel_removes_the_users_memberships(
    emulator: EmulatorServer,
) -> None:
    """QA-G Q-G-4, AWS's "Managing elastic channel members": promoting a member to moderator
    removes all of its memberships of the channel, and so does demoting a moderator. In a
    channel that is not elastic both keep the membership."""
    elastic = {
        "maximum_sub_channels": 10,
        "target_memberships_per_sub_channel": 100,
        "minimum_membership_percentage": 10,
    }
    channels = [
        {"name": "town-hall", "id": "el", "mode": "RESTRICTED", "elastic": elastic,
         "members": ["alice", "bob", "carol"], "moderators": ["carol"]},
        {"name": "plain", "id": "plain", "members": ["alice", "carol"], "moderators": ["carol"]},
    ]  # fmt: skip
    emulator.reset(chat_seed(channels=channels))
    messaging, _ = clients(emulator)
    town_hall, plain = f"{INSTANCE}/channel/el", f"{INSTANCE}/channel/plain"
    for arn in (town_hall, plain):
        messaging.create_channel_moderator(
            ChannelArn=arn, ChannelModeratorArn=ALICE, ChimeBearer=ADMIN
        )
        messaging.delete_channel_moderator(
            ChannelArn=arn, ChannelModeratorArn=CAROL, ChimeBearer=ADMIN
        )
    assert members(messaging, town_hall, ADMIN) == [BOB]  # alice promoted, carol demoted
    assert members(messaging, plain, ADMIN) == [ALICE, CAROL]
    # demoting someone who is no moderator, in an elastic channel, removes nothing
    messaging.delete_channel_moderator(
        ChannelArn=town_hall, ChannelModeratorArn=BOB, ChimeBearer=ADMIN
    )
    assert members(messaging, town_hall, ADMIN) == [BOB]


def test_per_user_listings_name_each_channel_and_the_membership_type(
    sdk: tuple[Any, Any],
) -> None:
    messaging, _ = sdk
    found = messaging.list_channel_memberships_for_app_instance_user(
        AppInstanceUserArn=BOB, ChimeBearer=ADMIN
    )["ChannelMemberships"]
    assert [
        (m["ChannelSummary"]["Name"], m["AppInstanceUserMembershipSummary"]["Type"]) for m in found
    ] == [("incident-chat", "DEFAULT"), ("lobby", "DEFAULT")]
    hidden = messaging.list_channel_memberships_for_app_instance_user(
        AppInstanceUserArn=CAROL, ChimeBearer=CAROL
    )["ChannelMemberships"]
    assert [m["AppInstanceUserMembershipSummary"]["Type"] for m in hidden] == ["HIDDEN"]
    moderated = messaging.list_channels_moderated_by_app_instance_user(
        AppInstanceUserArn=ALICE, ChimeBearer=ADMIN
    )["Channels"]
    assert moderated == [
        {
            "ChannelSummary": {
                "Name": "incident-chat",
                "ChannelArn": INCIDENT,
                "Mode": "RESTRICTED",
                "Privacy": "PRIVATE",
            }
        }
    ]


def test_per_user_listings_page_at_50(emulator: EmulatorServer) -> None:
    channels = [{"name": f"c{i}", "id": f"c{i}", "members": ["bob"]} for i in range(51)]
    emulator.reset(chat_seed(channels=channels))
    messaging, _ = clients(emulator)
    first = messaging.list_channel_memberships_for_app_instance_user(
        AppInstanceUserArn=BOB, ChimeBearer=BOB
    )
    second = messaging.list_channel_memberships_for_app_instance_user(
        AppInstanceUserArn=BOB, ChimeBearer=BOB, NextToken=first["NextToken"]
    )
    assert (len(first["ChannelMemberships"]), len(second["ChannelMemberships"])) == (50, 1)
    assert "NextToken" not in second
    assert second["ChannelMemberships"][0]["ChannelSummary"]["Name"] == "c50"


def test_identity_lists_users_bots_and_admins(emulator: EmulatorServer) -> None:
    emulator.reset(chat_seed(extra_users=45))  # 6 named + 45 = 51 users
    _, identity = clients(emulator)
    first = identity.list_app_instance_users(AppInstanceArn=INSTANCE)
    assert len(first["AppInstanceUsers"]) == 50
    assert first["AppInstanceUsers"][1] == {"AppInstanceUserArn": ALICE, "Name": "Alice"}
    second = identity.list_app_instance_users(AppInstanceArn=INSTANCE, NextToken=first["NextToken"])
    assert [u["AppInstanceUserArn"] for u in second["AppInstanceUsers"]] == [user("u00044")]
    assert identity.list_app_instance_bots(AppInstanceArn=INSTANCE)["AppInstanceBots"] == [
        {"AppInstanceBotArn": PAGER, "Name": "PagerBot"}
    ]
    admins = identity.list_app_instance_admins(AppInstanceArn=INSTANCE)["AppInstanceAdmins"]
    assert admins == [{"Admin": {"Arn": ADMIN, "Name": "reconciler"}}]
    described = identity.describe_app_instance_user(AppInstanceUserArn=ALICE)["AppInstanceUser"]
    assert (described["AppInstanceUserArn"], described["Name"]) == (ALICE, "Alice")
    with pytest.raises(identity.exceptions.NotFoundException):
        identity.describe_app_instance_user(AppInstanceUserArn=user("ghost"))
    assert emulator.calls()["ListAppInstanceUsers"] == 2


def test_an_unknown_channel_is_not_found(sdk: tuple[Any, Any]) -> None:
    messaging, _ = sdk
    with pytest.raises(messaging.exceptions.NotFoundException) as info:
        messaging.list_channel_memberships(ChannelArn=f"{INSTANCE}/channel/nope", ChimeBearer=ADMIN)
    assert info.value.response["Error"] == {
        "Code": "NotFoundException",
        "Message": f"Channel {INSTANCE}/channel/nope not found.",
    }
