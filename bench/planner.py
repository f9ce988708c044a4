"""Run the planner alone on the scale harness's estate and say what it cost: one JSON object.

    .venv/bin/python bench/planner.py --rooms 1000 --members 1000
    .venv/bin/python bench/planner.py --rooms 300 --members 200 --profile planner.prof

The estate is the harness's (``bench/estate.py``, 5% drift). Its desired state is loaded as
``plan`` loads it (``load_desired``, then ``as_of`` the clock); the live state is the
estate's own, built in memory the way the rooms provider builds it (one ``LiveMember`` per
person and role, members sorted), so no emulator runs. Then ``planner.plan`` runs
``--repeat`` times; ``planner_cpu_s`` is the least CPU time of those (the figure to compare
on a busy machine), ``load_cpu_s`` the loading's.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.estate import ACCOUNT, estate  # noqa: E402
from bench.world import World  # noqa: E402
from reconciler import collector  # noqa: E402
from reconciler.desired.loader import load_desired  # noqa: E402
from reconciler.governance.expiry import as_of  # noqa: E402
from reconciler.kinds import ROOM  # noqa: E402
from reconciler.live import LiveMember, LiveState, LiveTarget  # noqa: E402
from reconciler.planner import plan  # noqa: E402
from reconciler.refs import MemberRef, Role, TargetKey  # noqa: E402

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def live_state(world: World) -> LiveState:
    """The world's live memberships, with every user of the account resolved."""
    ids = {email: f"user-id-{n}" for n, email in enumerate(world.users)}
    known: dict[tuple[str, str], LiveMember] = {}
    targets = {}
    for room in world.rooms:
        members = []
        for email, role in room.live.items():
            member = known.get((email, role))
            if member is None:
                ref = MemberRef.user(email)
                member = known[(email, role)] = LiveMember(ref, ids[email], ref.kind, Role(role))
            members.append(member)
        key = TargetKey(ROOM.id, ACCOUNT, room.name)
        targets[key] = LiveTarget(key, room.room_id, tuple(sorted(members)))
    resolved = {(ACCOUNT, MemberRef.user(e)): i for e, i in ids.items()}
    return LiveState(targets, scoped_member_ids=resolved)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rooms", type=int, default=1000)
    p.add_argument("--members", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=3, help="planner runs (the least counts)")
    p.add_argument("--profile", type=Path, help="write the first run's cProfile statistics")
    args = p.parse_args(argv)
    world = estate(args.rooms, args.members, 0.05)
    with tempfile.TemporaryDirectory(prefix="chime-planner-") as tmp:
        directory = world.write_desired(Path(tmp) / "desired")
        cpu = time.process_time()
        with collector.paused(freeze=True):  # as the CLI's load phase
            desired = as_of(load_desired(directory, NOW), NOW)
        load_cpu = time.process_time() - cpu
    live = live_state(world)
    runs, changes = [], 0
    for n in range(max(1, args.repeat)):
        profile = cProfile.Profile() if args.profile and n == 0 else None
        cpu = time.process_time()
        if profile is not None:
            profile.enable()
        made = plan(desired, live, now=NOW)
        if profile is not None:
            profile.disable()
            profile.dump_stats(args.profile)
        else:
            runs.append(time.process_time() - cpu)
        changes = sum(len(t.changes) for t in made.targets)
    result = {
        "rooms": args.rooms,
        "members": args.members,
        "changes": changes,
        "load_cpu_s": round(load_cpu, 3),
        "planner_cpu_s": round(min(runs), 3) if runs else None,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
