"""Bot resolution where the emulator cannot go: Chime allows two bots with one name."""

from __future__ import annotations

from typing import Any

from reconciler.desired.model import DesiredMember, DesiredState, DesiredTarget
from reconciler.providers import RetryPolicy, RoomsProvider
from reconciler.refs import Location, MemberRef, Provenance, Role, TargetKey, TargetKind

ACC = "acct-1"


class TwoPagerBots:
    """Stands in for a chime client: one empty room, two bots named PagerBot."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def list_room_memberships(self, **params: Any) -> dict[str, Any]:
        self.calls.append("ListRoomMemberships")
        return {"RoomMemberships": []}

    def list_bots(self, **params: Any) -> dict[str, Any]:
        self.calls.append("ListBots")
        assert params == {"AccountId": ACC, "MaxResults": 99}
        return {
            "Bots": [
                {"BotId": "bot-2", "DisplayName": "PagerBot"},
                {"BotId": "bot-1", "DisplayName": "PagerBot"},
                {"BotId": "bot-3", "DisplayName": "DeployBot"},
            ]
        }


def test_two_bots_with_the_declared_name_are_reported_as_ambiguous() -> None:
    where = Location("desired-state/rooms.yaml", 6)
    target = DesiredTarget(
        key=TargetKey(TargetKind.ROOM, ACC, "ops"),
        target_id="room-1",
        prune=True,
        members=(
            DesiredMember(
                MemberRef.bot("DeployBot"), Role.MEMBER, (Provenance(Role.MEMBER, where),)
            ),
            DesiredMember(
                MemberRef.bot("PagerBot"), Role.MEMBER, (Provenance(Role.MEMBER, where),)
            ),
        ),
        location=Location("desired-state/rooms.yaml", 1),
    )
    client = TwoPagerBots()
    live = RoomsProvider(client, retry=RetryPolicy(attempts=1)).read(DesiredState((target,)))
    assert [str(p) for p in live.problems] == [
        "desired-state/rooms.yaml:6: 2 Chime bots named 'PagerBot' in account acct-1 (bot-1, "
        "bot-2): bot names are not unique, and a room names a bot by its name only: Chime "
        "cannot rename a bot (UpdateBot only disables it): declare one whose name is its own"
    ]
    assert live.member_ids == {MemberRef.bot("DeployBot"): "bot-3"}
    # Q-EU-1: not planned (no bot picked, none pruned), as a channel is
    assert list(live.targets) == []
    assert list(live.unplanned) == [target.key]
    assert client.calls == ["ListRoomMemberships", "ListBots"]


class SpacedDeployBot:
    """A chime client whose one bot has a display name with spaces around it (the emulator
    strips the names it is seeded with, so cannot hold it)."""

    def list_room_memberships(self, **params: Any) -> dict[str, Any]:
        return {"RoomMemberships": []}

    def list_bots(self, **params: Any) -> dict[str, Any]:
        return {"Bots": [{"BotId": "bot-1", "DisplayName": " DeployBot "}]}


def test_a_bot_whose_chime_name_has_spaces_around_it_is_found_by_its_name() -> None:
    """Q-AN-6: `bot:DeployBot` names the bot Chime shows as " DeployBot ": the plan manages
    it (its id is known), it is not reported as an unknown bot."""
    where = Location("desired-state/rooms.yaml", 6)
    target = DesiredTarget(
        key=TargetKey(TargetKind.ROOM, ACC, "ops"),
        target_id="room-1",
        prune=True,
        members=(
            DesiredMember(
                MemberRef.bot("DeployBot"), Role.MEMBER, (Provenance(Role.MEMBER, where),)
            ),
        ),
        location=Location("desired-state/rooms.yaml", 1),
    )
    provider = RoomsProvider(SpacedDeployBot(), retry=RetryPolicy(attempts=1))
    live = provider.read(DesiredState((target,)))
    assert [str(p) for p in live.problems] == []
    assert live.member_ids == {MemberRef.bot("DeployBot"): "bot-1"}
