"""The benchmark scenarios: worlds built from a few sizes, deterministic (fixed seeds).

- ``all_to_add``: one empty room, every declared member to add;
- ``drift``: rooms with a share of their members drifted (adds, role changes, removals
  with pruning), new users nowhere else in the account, one bot to add;
- ``steady``: many rooms declared through team groups, nothing to change;
- ``onboarding``: a large account, a few new hires (the newest users, so listed last)
  added to a few rooms.
"""

from __future__ import annotations

import random

from bench.world import ADMIN, MEMBER, Room, World

ACCOUNT = "11111111-2222-3333-4444-555555555555"
BENCH_BOT = "BenchBot"
BOTS = ("StandupBot", BENCH_BOT, "PagerBot")


def _email(*parts: object) -> str:
    return "-".join(str(p) for p in parts) + "@example.com"


def all_to_add(members: int = 1000, other_users: int = 200, seed: int = 1) -> World:
    """One empty room declared with ``members`` members (the first two administrators),
    in an account of ``members + other_users`` users listed in random order."""
    wanted = [_email("big", i) for i in range(members)]
    users = wanted + [_email("other", i) for i in range(other_users)]
    random.Random(seed).shuffle(users)
    desired = {m: ADMIN if i < 2 else MEMBER for i, m in enumerate(wanted)}
    room = Room("bench-big", "room-bench-big", live={}, desired=desired)
    return World(ACCOUNT, tuple(users), (room,), bots=BOTS)


def drift(rooms: int = 100, members: int = 50, undeclared_rooms: int = 20) -> World:
    """``rooms`` rooms of ``members`` declared members (three administrators), pruned;
    live, each room differs in five memberships (10% of 50): two declared members are
    missing (adds), one Member should be Administrator and one Administrator should be
    Member (role changes), one undeclared member is there (removal). The first room also
    declares a bot that is not there. The missing users are in no room, so no listing
    reveals them: they are resolved with ListUsers. Users are listed room by room."""
    users: list[str] = []
    out: list[Room] = []
    for i in range(rooms):
        team = [_email("r", i, "u", j) for j in range(members)]
        stray = _email("r", i, "x")
        users += [*team, stray]
        desired = {m: ADMIN if j < 3 else MEMBER for j, m in enumerate(team)}
        live = {m: desired[m] for m in team[: members - 2]}
        live[team[2]] = MEMBER  # to promote
        live[team[3]] = ADMIN  # to demote
        live[stray] = MEMBER  # to remove
        if i == 0:
            desired[f"bot:{BENCH_BOT}"] = MEMBER
        out.append(Room(f"drift-{i:03d}", f"room-drift-{i:03d}", live, desired, prune=True))
    for i in range(undeclared_rooms):
        out.append(Room(f"other-{i:03d}", f"room-other-{i:03d}", live={}))
    return World(ACCOUNT, tuple(users), tuple(out), bots=BOTS)


def _teams(teams: int, size: int) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """Team rosters (two administrators each) and their YAML groups."""
    rosters: dict[str, dict[str, str]] = {}
    groups: dict[str, list[str]] = {}
    for t in range(teams):
        name = f"team-{t:03d}"
        people = [_email("t", t, "u", j) for j in range(size)]
        rosters[name] = {m: ADMIN if j < 2 else MEMBER for j, m in enumerate(people)}
        groups[name] = people
    return rosters, groups


def _team_room(name: str, team: str, roster: dict[str, str]) -> Room:
    """A room declared as ``@team`` (administrators named), live exactly as declared."""
    admins = [m for m, r in roster.items() if r == ADMIN]
    entry = {"administrators": admins, "members": [f"@{team}"]}
    return Room(name, f"room-{name}", dict(roster), dict(roster), entry=entry)


def steady(rooms: int = 500, members: int = 20, teams: int = 100) -> World:
    """``rooms`` rooms, each declared as one team group (``members`` people, two
    administrators) and live exactly as declared; a team serves rooms/teams rooms."""
    rosters, groups = _teams(teams, members)
    names = list(rosters)
    out = [
        _team_room(f"steady-{i:03d}", names[i % teams], rosters[names[i % teams]])
        for i in range(rooms)
    ]
    users = [m for roster in rosters.values() for m in roster]
    return World(ACCOUNT, tuple(users), tuple(out), bots=BOTS, groups=groups)


def onboarding(
    rooms: int = 100, members: int = 20, account_users: int = 5000, hires: int = 3
) -> World:
    """An account of ``account_users`` users, ``rooms`` team rooms live as declared except
    that each of the first ``hires`` rooms also declares one new hire. New hires are the
    newest users, so the account lists them last."""
    rosters, groups = _teams(rooms, members)
    staff = [m for roster in rosters.values() for m in roster]
    others = [_email("staff", i) for i in range(account_users - len(staff) - hires)]
    new = [_email("hire", i) for i in range(hires)]
    out = []
    for i, team in enumerate(rosters):
        room = _team_room(f"team-room-{i:03d}", team, rosters[team])
        if i < hires:
            desired = {**rosters[team], new[i]: MEMBER}
            entry = {
                "administrators": [m for m, r in rosters[team].items() if r == ADMIN],
                "members": [f"@{team}", new[i]],
            }
            room = Room(room.name, room.room_id, room.live, desired, entry=entry)
        out.append(room)
    return World(ACCOUNT, tuple(staff + others + new), tuple(out), bots=BOTS, groups=groups)
