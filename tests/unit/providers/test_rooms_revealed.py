"""What the listings reveal (rooms provider): each account's references resolve to the
member listed last, exactly as taking every membership in turn would."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reconciler.live import LiveMember, LiveTarget
from reconciler.providers.rooms import _revealed
from reconciler.refs import MemberKind, MemberRef, Role, TargetKey, TargetKind

# a few people sharing names (users without an e-mail are known by their full name)
PEOPLE = [
    LiveMember(MemberRef.user(name), member_id, MemberKind.USER, role)
    for name, member_id in [("Ann", "u1"), ("Ann", "u2"), ("Bob", "u3"), ("Ann", "u4")]
    for role in (Role.MEMBER, Role.ADMINISTRATOR)
]


def one_by_one(live: list[LiveTarget]) -> dict[tuple[str, MemberRef], str]:
    ids: dict[tuple[str, MemberRef], str] = {}
    for lt in live:
        for m in lt.members:
            ids[(lt.key.scope, m.ref)] = m.member_id
    return ids


rooms = st.lists(
    st.tuples(st.sampled_from(["acc-1", "acc-2"]), st.lists(st.sampled_from(PEOPLE))),
    max_size=8,
)


@given(rooms)
def test_the_member_listed_last_is_the_one_a_reference_means(
    listed: list[tuple[str, list[LiveMember]]],
) -> None:
    live = [
        LiveTarget(TargetKey(TargetKind.ROOM, account, f"room-{n}"), f"id-{n}", tuple(members))
        for n, (account, members) in enumerate(listed)
    ]
    got = {(account, m.ref): m.member_id for account, m in _revealed(live)}
    assert got == one_by_one(live)


def test_two_users_of_one_name_mean_the_one_in_the_later_room() -> None:
    first, second = PEOPLE[0], PEOPLE[2]  # Ann u1, Ann u2
    live = [
        LiveTarget(TargetKey(TargetKind.ROOM, "acc", "a"), "a", (first, second)),
        LiveTarget(TargetKey(TargetKind.ROOM, "acc", "b"), "b", (second, first)),
    ]
    assert {m.ref: m.member_id for _, m in _revealed(live)} == {MemberRef.user("Ann"): "u1"}
