"""CPU per API call, client and emulator: the rooms' read, one thread, in this process.

    .venv/bin/python bench/percall.py --rooms 40 --members 1000 --reps 5

Starts the emulator (its own process), seeds the harness's estate of ``--rooms`` rooms of
``--members`` members (``bench/estate.py``), makes the tool's client and ``ChimeApi`` as a
run does (``make_client``, the run's pacer), and lists every room's memberships ``--reps``
times (ListRoomMemberships, 99 a page). Prints one JSON object: the calls of one pass, the
client's CPU per call (this thread's CPU time over each room's listing: the median and the
lower decile of the rooms, which a busy machine disturbs least) and the emulator's
(its process's CPU time over the passes, per call). CPU time, not wall: on a shared machine
the wall time says more about the neighbours than about the code.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import Emulator, build  # noqa: E402
from reconciler.awsclient.aws import make_client  # noqa: E402
from reconciler.pacing import Pacer  # noqa: E402
from reconciler.pacing.quotas import resolve_rates  # noqa: E402
from reconciler.providers.chime_api import ChimeApi  # noqa: E402
from reconciler.providers.retry import RetryPolicy  # noqa: E402


def measure(rooms: int, members: int, reps: int) -> dict[str, float | int]:
    args = argparse.Namespace(
        rooms=rooms, members=members, drift=0.0, channels=0, channel_members=None, bearers=1
    )
    emulator = Emulator([])
    try:
        emulator.seed(build(args).seed(), {"latency_ms": 0.0, "tps": None})
        client = make_client("chime", endpoint_url=emulator.url, parallelism=1)
        api = ChimeApi(client, RetryPolicy.from_env(), Pacer(resolve_rates("us-east-1")))
        listed = [(a, r.room_id) for a in api.list_accounts() for r in api.list_rooms(a)]
        before = sum(emulator.calls().values())
        for account, room in listed:  # the first pass warms up (and counts the calls)
            api.list_memberships(account, room)
        calls = sum(emulator.calls().values()) - before
        emulator_cpu = emulator.cpu_seconds() or 0.0
        per_room: list[float] = []
        for _ in range(reps):
            for account, room in listed:
                started = time.thread_time()
                api.list_memberships(account, room)
                per_room.append(time.thread_time() - started)
        emulator_cpu = (emulator.cpu_seconds() or 0.0) - emulator_cpu
    finally:
        emulator.close()
    per_call = sorted(t * 1000 * len(listed) / calls for t in per_room)
    return {
        "calls_per_pass": calls,
        "client_cpu_ms_per_call": round(statistics.median(per_call), 3),
        "client_cpu_ms_per_call_p10": round(per_call[len(per_call) // 10], 3),
        "emulator_cpu_ms_per_call": round(emulator_cpu * 1000 / (calls * reps), 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=40)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.rooms, args.members, args.reps)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
