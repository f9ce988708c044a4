"""A parametric estate for the scale harness (``bench/harness.py``): ``rooms`` rooms of
``members`` declared members each, drawn from one account's pool of users, with a share
``drift`` of each room's memberships drifted live. Deterministic.

Per room, ``d = round(drift * members)`` differences: two fifths adds (declared members
not in the room), two fifths role changes (declared Member, live Administrator: a
demotion), the rest removals (live members not declared; rooms are pruned). The first
three declared members of a room are Administrators; a drift whose adds and demotions do
not fit beside them (rooms of at most 10 members, at a high share) is refused. Rooms
overlap in the pool (room i starts ``stride`` users after room i - 1), so most members to
add are revealed by some other room's listing, as in a real estate where people are in
several rooms. The pool is made larger where it must be for no user to be in more rooms,
live or declared, than AWS allows a member (1,000 rooms: ``MAX_ROOMS_PER_MEMBER``),
which the tool and the emulator refuse. A room holds at most AWS's 1,000 members
(``MAX_ROOM_MEMBERS``), declared and live: live it has ``members - adds + removals``, so a
drift whose removals outnumber its adds (under 3 differences a room: all removals) is
refused in rooms at or near that maximum, as are rooms of more than 1,000 members.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.world import ADMIN, MEMBER, Room, World
from reconciler.kinds.rooms import MAX_ROOM_MEMBERS, MAX_ROOMS_PER_MEMBER

ACCOUNT = "11111111-2222-3333-4444-555555555555"
ADMINS = 3


@dataclass(frozen=True)
class Drift:
    adds: int
    updates: int
    removes: int

    @classmethod
    def of(cls, members: int, share: float) -> Drift:
        d = round(share * members)
        adds = updates = (2 * d) // 5
        return cls(adds, updates, d - adds - updates)


def email(n: int) -> str:
    return f"user-{n:07d}@example.com"


def estate(rooms: int, members: int, drift: float, pool: int | None = None) -> World:
    """The world the harness seeds and declares; see the module's docstring."""
    if rooms < 1 or members < 1:
        raise ValueError("an estate has at least one room of one member")
    if not 0.0 <= drift <= 1.0:
        raise ValueError(f"drift is a share between 0 and 1, not {drift}")
    if members > MAX_ROOM_MEMBERS:
        raise ValueError(f"a room has at most {MAX_ROOM_MEMBERS:,} members, not {members:,}")
    d = Drift.of(members, drift)
    live_size = members - d.adds + d.removes
    if live_size > MAX_ROOM_MEMBERS:
        # the strays to remove come on top of the declared members still in the room:
        # more than AWS's maximum, which the emulator refuses to seed
        raise ValueError(
            f"rooms of {members} members cannot take a drift of {drift:g}: its {d.removes} "
            f"removals and {d.adds} adds a room leave {live_size:,} members in it live, and a room "
            f"has at most {MAX_ROOM_MEMBERS:,}: give at most "
            f"{MAX_ROOM_MEMBERS - d.removes + d.adds} members, or a drift with no more "
            "removals than adds a room"
        )
    if d.updates and ADMINS + d.updates > members - d.adds:
        # the demotions (after the Administrators) would reach the members to add, and
        # turn adds into demotions: not the estate asked for
        raise ValueError(
            f"rooms of {members} members cannot take a drift of {drift:g}: its {d.adds} adds "
            f"and {d.updates} demotions a room need {ADMINS + d.updates + d.adds} members "
            f"(the first {ADMINS} are Administrators)"
        )
    size = pool or max(2 * members, members + d.removes + 1)
    if size < members + d.removes:
        raise ValueError(f"a pool of {size} users cannot fill rooms of {members} and strays")
    width = members + d.removes
    if pool is None:
        size = _pool_size(rooms, width, size)
    users = tuple(email(n) for n in range(size))
    stride = max(1, size // rooms)
    out = []
    for i in range(rooms):
        start = (i * stride) % size
        window = [users[(start + j) % size] for j in range(width)]
        team, strays = window[:members], window[members:]
        desired = {m: ADMIN if j < ADMINS else MEMBER for j, m in enumerate(team)}
        live = dict(desired)
        for m in team[len(team) - d.adds :] if d.adds else ():
            del live[m]
        for m in team[ADMINS : ADMINS + d.updates]:
            live[m] = ADMIN
        for m in strays:
            live[m] = MEMBER
        name = f"room-{i:05d}"
        out.append(Room(name, f"id-{name}", live, desired, prune=True))
    removals = rooms * (d.removes + d.updates)  # demotions from Administrator count too
    return World(
        ACCOUNT,
        users,
        tuple(out),
        max_removals=max(removals, 10),
        max_removal_fraction=1.0,
    )


def _most_rooms(rooms: int, width: int, size: int) -> int:
    """The most rooms one user of a pool of ``size`` is in, each room holding the
    ``width`` users from its start (``stride`` apart), as ``estate`` lays them out."""
    stride = max(1, size // rooms)
    covered = [0] * (size + 1)  # a difference array over the pool, windows wrapping
    for i in range(rooms):
        start = (i * stride) % size
        end = start + width
        covered[start] += 1
        if end <= size:
            covered[end] -= 1
        else:
            covered[size] -= 1
            covered[0] += 1
            covered[end - size] -= 1
    most = running = 0
    for n in covered[:size]:
        running += n
        most = max(most, running)
    return most


def _pool_size(rooms: int, width: int, least: int) -> int:
    """``least``, or a larger pool where a user would otherwise be in more than
    ``MAX_ROOMS_PER_MEMBER`` rooms (more than about 1,000 rooms of 1,000 members)."""
    size = max(least, -(-rooms * width // MAX_ROOMS_PER_MEMBER))
    while _most_rooms(rooms, width, size) > MAX_ROOMS_PER_MEMBER:
        size += max(1, size // 100)
    return size
