"""The x-amz-chime-bearer rules, role by role, through the real boto3 client."""

from __future__ import annotations

from collections.abc import Callable
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
    OTHER_INSTANCE,
    PAGER,
    STRANGER,
    ManualClock,
    chat_seed,
    clients,
    members,
    user,
)

from reconciler.emulator import EmulatorServer

Call = Callable[[Any, str], Any]

# Each operation as a call on incident-chat (PRIVATE, RESTRICTED) with a given bearer.
OPERATIONS: dict[str, Call] = {
    "DescribeChannel": lambda m, b: m.describe_channel(ChannelArn=INCIDENT, ChimeBearer=b),
    "ListChannelMemberships": lambda m, b: m.list_channel_memberships(
        ChannelArn=INCIDENT, ChimeBearer=b
    ),
    "ListChannelMemberships HIDDEN": lambda m, b: m.list_channel_memberships(
        ChannelArn=INCIDENT, ChimeBearer=b, Type="HIDDEN"
    ),
    "ListChannelModerators": lambda m, b: m.list_channel_moderators(
        ChannelArn=INCIDENT, ChimeBearer=b
    ),
    "ListChannelBans": lambda m, b: m.list_channel_bans(ChannelArn=INCIDENT, ChimeBearer=b),
    "CreateChannelMembership": lambda m, b: m.create_channel_membership(
        ChannelArn=INCIDENT, MemberArn=DAVE, Type="DEFAULT", ChimeBearer=b
    ),
    "BatchCreateChannelMembership": lambda m, b: m.batch_create_channel_membership(
        ChannelArn=INCIDENT, MemberArns=[DAVE], ChimeBearer=b
    ),
    "DeleteChannelMembership": lambda m, b: m.delete_channel_membership(
        ChannelArn=INCIDENT, MemberArn=PAGER, ChimeBearer=b
    ),
    "CreateChannelModerator": lambda m, b: m.create_channel_moderator(
        ChannelArn=INCIDENT, ChannelModeratorArn=BOB, ChimeBearer=b
    ),
    "DeleteChannelModerator": lambda m, b: m.delete_channel_moderator(
        ChannelArn=INCIDENT, ChannelModeratorArn=ALICE, ChimeBearer=b
    ),
    "CreateChannelBan": lambda m, b: m.create_channel_ban(
        ChannelArn=INCIDENT, MemberArn=DAVE, ChimeBearer=b
    ),
    "DeleteChannelBan": lambda m, b: m.delete_channel_ban(
        ChannelArn=INCIDENT, MemberArn=DAVE, ChimeBearer=b
    ),
}

# AWS's answer to a bearer that is no AppInstanceUser or AppInstanceBot of the app instance
INVALID_BEARER = (
    "An invalid app instance user ARN was supplied for the x-amz-chime-bearer HTTP header."
)

# Who may call what on incident-chat: the admin (not a member) everything; the moderator
# (a member) everything but DescribeChannel, which AWS's role table allows a moderator or a
# member "for public channels" only (QA-CI Q-CI-2); a DEFAULT member lists its DEFAULT
# members, not its moderators (ListChannelModerator is Denied to a member, QA-G Q-G-6); a
# HIDDEN member the same; anyone else nothing (403), and users of another app instance
# nothing (401: they are no users of this one).
ALLOWED = {
    "admin": set(OPERATIONS),
    "moderator": set(OPERATIONS) - {"DescribeChannel"},
    "member": {"ListChannelMemberships"},
    "hidden member": {"ListChannelMemberships"},
    "outsider": set(),
    "other app instance": set(),
}
BEARERS = {
    "admin": ADMIN,
    "moderator": ALICE,
    "member": BOB,
    "hidden member": CAROL,
    "outsider": DAVE,
    "other app instance": STRANGER,
}


@pytest.mark.parametrize("role", list(BEARERS))
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_each_role_may_call_exactly_its_operations(
    emulator: EmulatorServer, role: str, operation: str
) -> None:
    seed = chat_seed()
    seed["app_instances"][0]["channels"][0]["members"].append("bot:PagerBot")
    emulator.reset(seed)
    messaging, _ = clients(emulator)
    before = emulator.state()
    if operation in ALLOWED[role]:
        reply = OPERATIONS[operation](messaging, BEARERS[role])
        assert reply["ResponseMetadata"]["HTTPStatusCode"] in (200, 201, 204)
    elif role == "other app instance":  # not a user of this app instance: 401 (QA-G Q-G-3)
        with pytest.raises(messaging.exceptions.UnauthorizedClientException) as info:
            OPERATIONS[operation](messaging, BEARERS[role])
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
        assert info.value.response["Error"]["Message"] == INVALID_BEARER
        assert emulator.state() == before
    else:
        with pytest.raises(messaging.exceptions.ForbiddenException) as info:
            OPERATIONS[operation](messaging, BEARERS[role])
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert BEARERS[role] in info.value.response["Error"]["Message"]
        assert emulator.state() == before  # a refused call changes nothing


def test_private_channels_are_listed_only_for_an_admin(emulator: EmulatorServer) -> None:
    emulator.reset(chat_seed())
    messaging, _ = clients(emulator)

    def names(bearer: str, **kw: Any) -> list[str]:
        found = messaging.list_channels(AppInstanceArn=INSTANCE, ChimeBearer=bearer, **kw)
        return [c["Name"] for c in found["Channels"]]

    assert names(ADMIN) == ["incident-chat", "lobby"]
    assert names(ADMIN, Privacy="PRIVATE") == ["incident-chat"]
    assert names(BOB) == ["lobby"]  # a member of the PRIVATE channel does not see it listed
    assert names(BOB, Privacy="PUBLIC") == ["lobby"]
    with pytest.raises(messaging.exceptions.ForbiddenException):
        names(BOB, Privacy="PRIVATE")
    with pytest.raises(messaging.exceptions.UnauthorizedClientException):
        names(STRANGER)


def test_only_an_admin_may_describe_a_private_channel(emulator: EmulatorServer) -> None:
    """QA-CI Q-CI-2, AWS's "Understanding authorization by role": DescribeChannel is
    "Allowed with restriction: You can only get details for public channels" for a
    ChannelModerator, a Member and a Non-member; Allowed for an AppInstanceAdmin."""
    emulator.reset(chat_seed())
    messaging, _ = clients(emulator)
    for bearer in (ALICE, BOB, CAROL, DAVE):  # moderator, member, hidden member, outsider
        with pytest.raises(messaging.exceptions.ForbiddenException) as info:
            messaging.describe_channel(ChannelArn=INCIDENT, ChimeBearer=bearer)
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert info.value.response["Error"] == {
            "Code": "ForbiddenException",
            "Message": f"{bearer} is not allowed to describe channel {INCIDENT}: it is "
            "PRIVATE, and only an AppInstanceAdmin may describe a PRIVATE channel.",
        }
        public = messaging.describe_channel(ChannelArn=LOBBY, ChimeBearer=bearer)
        assert public["Channel"]["Privacy"] == "PUBLIC"
    private = messaging.describe_channel(ChannelArn=INCIDENT, ChimeBearer=ADMIN)
    assert private["Channel"]["Privacy"] == "PRIVATE"


def test_anyone_may_join_a_public_channel_and_members_add_others_when_unrestricted(
    emulator: EmulatorServer,
) -> None:
    emulator.reset(chat_seed())
    messaging, _ = clients(emulator)
    messaging.create_channel_membership(
        ChannelArn=LOBBY, MemberArn=DAVE, Type="DEFAULT", ChimeBearer=DAVE
    )
    messaging.create_channel_membership(
        ChannelArn=LOBBY, MemberArn=CAROL, Type="DEFAULT", ChimeBearer=BOB
    )
    with pytest.raises(messaging.exceptions.ForbiddenException):  # HIDDEN: moderators only
        messaging.create_channel_membership(
            ChannelArn=LOBBY, MemberArn=ALICE, Type="HIDDEN", ChimeBearer=BOB
        )
    with pytest.raises(messaging.exceptions.ForbiddenException):  # RESTRICTED
        messaging.create_channel_membership(
            ChannelArn=INCIDENT, MemberArn=DAVE, Type="DEFAULT", ChimeBearer=BOB
        )
    assert members(messaging, LOBBY, ADMIN) == [BOB, DAVE, CAROL]


def test_bearer_rights_follow_aws_role_table(emulator: EmulatorServer) -> None:
    """QA-G Q-G-6, AWS's "Understanding authorization by role" (chime-sdk dg,
    auth-by-role.html): a member may not list moderators; a non-member may list the
    DEFAULT memberships of a PUBLIC channel (not of a PRIVATE one, not HIDDEN ones); a
    moderator must be a member to add moderators; a member of an UNRESTRICTED channel may
    leave it but not remove other members."""
    emulator.reset(chat_seed())
    messaging, _ = clients(emulator)
    forbidden = messaging.exceptions.ForbiddenException

    with pytest.raises(forbidden) as info:  # BOB: a DEFAULT member of incident-chat
        messaging.list_channel_moderators(ChannelArn=INCIDENT, ChimeBearer=BOB)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    # DAVE is in no channel: lobby is PUBLIC, incident-chat PRIVATE
    assert members(messaging, LOBBY, DAVE) == [BOB]
    with pytest.raises(forbidden):
        messaging.list_channel_memberships(ChannelArn=LOBBY, ChimeBearer=DAVE, Type="HIDDEN")
    with pytest.raises(forbidden):
        messaging.list_channel_memberships(ChannelArn=INCIDENT, ChimeBearer=DAVE)

    # DAVE, made a moderator of incident-chat but not a member, may not add moderators
    # until he is a member; the admin, not a member either, may
    messaging.create_channel_moderator(
        ChannelArn=INCIDENT, ChannelModeratorArn=DAVE, ChimeBearer=ADMIN
    )
    before = emulator.state()
    with pytest.raises(forbidden) as info:
        messaging.create_channel_moderator(
            ChannelArn=INCIDENT, ChannelModeratorArn=BOB, ChimeBearer=DAVE
        )
    assert "CreateChannelMembership" in info.value.response["Error"]["Message"]
    assert emulator.state() == before
    messaging.create_channel_membership(
        ChannelArn=INCIDENT, MemberArn=DAVE, Type="DEFAULT", ChimeBearer=ADMIN
    )
    messaging.create_channel_moderator(
        ChannelArn=INCIDENT, ChannelModeratorArn=BOB, ChimeBearer=DAVE
    )
    assert set(emulator.messaging.channel_moderators(INCIDENT)) == {ALICE, DAVE, BOB}

    # lobby is UNRESTRICTED: BOB adds CAROL; CAROL may not remove BOB, but may leave
    messaging.create_channel_membership(
        ChannelArn=LOBBY, MemberArn=CAROL, Type="DEFAULT", ChimeBearer=BOB
    )
    with pytest.raises(forbidden):
        messaging.delete_channel_membership(ChannelArn=LOBBY, MemberArn=BOB, ChimeBearer=CAROL)
    assert members(messaging, LOBBY, ADMIN) == [BOB, CAROL]
    messaging.delete_channel_membership(ChannelArn=LOBBY, MemberArn=CAROL, ChimeBearer=CAROL)
    assert members(messaging, LOBBY, ADMIN) == [BOB]


def test_a_member_may_leave_and_list_its_own_channels_but_not_anothers(
    emulator: EmulatorServer,
) -> None:
    emulator.reset(chat_seed())
    messaging, _ = clients(emulator)
    own = messaging.list_channel_memberships_for_app_instance_user(ChimeBearer=BOB)
    assert len(own["ChannelMemberships"]) == 2  # AppInstanceUserArn defaults to the bearer
    with pytest.raises(messaging.exceptions.ForbiddenException):
        messaging.list_channel_memberships_for_app_instance_user(
            AppInstanceUserArn=ALICE, ChimeBearer=BOB
        )
    with pytest.raises(messaging.exceptions.ForbiddenException):
        messaging.list_channels_moderated_by_app_instance_user(
            AppInstanceUserArn=ALICE, ChimeBearer=BOB
        )
    messaging.delete_channel_membership(ChannelArn=INCIDENT, MemberArn=BOB, ChimeBearer=BOB)
    assert members(messaging, INCIDENT, ADMIN) == [ALICE]


@pytest.mark.parametrize(
    "bearer",
    [user("reconcilr"), STRANGER, user("reconciler", OTHER_INSTANCE), f"{INSTANCE}/bot/nope"],
    ids=["typo", "user of another app instance", "same id, other app instance", "no such bot"],
)
def test_a_bearer_that_is_no_user_of_the_app_instance_is_unauthorized(
    emulator: EmulatorServer, bearer: str
) -> None:
    """QA-G Q-G-3: AWS answers 401 UnauthorizedClientException ("An invalid app instance
    user ARN was supplied for the x-amz-chime-bearer HTTP header."), not 403, to a bearer
    that is not an AppInstanceUser or AppInstanceBot of the app instance: on a channel, in
    ListChannels, CreateChannel and (for a bearer that is nobody's user) the per-user
    listings alike."""
    emulator.reset(chat_seed())
    messaging, _ = clients(emulator)
    before = emulator.state()
    calls: list[Call] = [
        lambda m, b: m.list_channel_memberships(ChannelArn=INCIDENT, ChimeBearer=b),
        lambda m, b: m.describe_channel(ChannelArn=LOBBY, ChimeBearer=b),
        lambda m, b: m.create_channel_membership(
            ChannelArn=LOBBY, MemberArn=DAVE, Type="DEFAULT", ChimeBearer=b
        ),
        lambda m, b: m.list_channels(AppInstanceArn=INSTANCE, ChimeBearer=b),
        lambda m, b: m.create_channel(
            AppInstanceArn=INSTANCE, Name="x", ClientRequestToken="t-1", ChimeBearer=b
        ),
    ]
    if bearer != STRANGER:  # a user of another app instance may list its own channels there
        calls += [
            lambda m, b: m.list_channel_memberships_for_app_instance_user(ChimeBearer=b),
            lambda m, b: m.list_channels_moderated_by_app_instance_user(
                AppInstanceUserArn=ALICE, ChimeBearer=b
            ),
        ]
    for call in calls:
        with pytest.raises(messaging.exceptions.UnauthorizedClientException) as info:
            call(messaging, bearer)
        error: Any = info.value.response
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 401
        assert error["Error"]["Message"] == INVALID_BEARER
        assert error["Code"] == "Unauthorized"
    assert emulator.state() == before


def test_a_call_without_a_bearer_is_a_bad_request(emulator: EmulatorServer) -> None:
    emulator.reset(chat_seed())
    path = f"/channels/{INCIDENT.replace('/', '%2F')}/memberships"
    status, headers, body = request(emulator.url, "GET", path)
    assert (status, headers["x-amzn-errortype"], body) == (
        400,
        "BadRequestException",
        {"Code": "BadRequest", "Message": "ChimeBearer is required."},
    )


def test_a_bearer_that_is_not_an_arn_is_a_bad_request(emulator: EmulatorServer) -> None:
    emulator.reset(chat_seed())
    messaging, _ = clients(emulator, parameter_validation=False)
    with pytest.raises(messaging.exceptions.BadRequestException):
        messaging.describe_channel(ChannelArn=INCIDENT, ChimeBearer="reconciler")


def test_calls_per_bearer_show_who_worked_on_which_channel(emulator: EmulatorServer) -> None:
    emulator.reset(chat_seed())
    emulator.set_faults(quotas=True)
    emulator.app.quotas.clock = ManualClock()  # stands still: BOB's 11th call is a 429
    messaging, _ = clients(emulator)
    messaging.describe_channel(ChannelArn=INCIDENT, ChimeBearer=ADMIN)
    messaging.list_channel_memberships(ChannelArn=INCIDENT, ChimeBearer=ADMIN)
    messaging.list_channels(AppInstanceArn=INSTANCE, ChimeBearer=ADMIN)
    messaging.describe_channel(ChannelArn=LOBBY, ChimeBearer=BOB)
    messaging.list_channel_memberships_for_app_instance_user(
        AppInstanceUserArn=ALICE, ChimeBearer=ADMIN
    )
    messaging.list_channels_moderated_by_app_instance_user(
        AppInstanceUserArn=ALICE, ChimeBearer=ADMIN
    )
    with pytest.raises(messaging.exceptions.ForbiddenException):
        messaging.describe_channel(ChannelArn=INCIDENT, ChimeBearer=DAVE)
    for _ in range(9):
        messaging.describe_channel(ChannelArn=LOBBY, ChimeBearer=BOB)
    with pytest.raises(messaging.exceptions.ThrottledClientException):  # not counted as work
        messaging.describe_channel(ChannelArn=LOBBY, ChimeBearer=BOB)
    status, _, by_bearer = request(emulator.url, "GET", "/_emulator/calls/bearers")
    assert status == 200
    assert by_bearer == {
        ADMIN: {INSTANCE: 1, INCIDENT: 2, ALICE: 2},  # ALICE: what she is in, moderates
        BOB: {LOBBY: 10},
        DAVE: {INCIDENT: 1},  # answered (403): the bearer made the call
    }
    request(emulator.url, "POST", "/_emulator/calls/reset")
    assert emulator.bearer_calls() == {}
