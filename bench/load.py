"""Load the scale harness's desired state alone and say what it cost: one JSON object.

    .venv/bin/python bench/load.py --rooms 1000 --members 1000
    .venv/bin/python bench/load.py --rooms 300 --members 200 --profile load.prof

The estate is the harness's (``bench/estate.py``), written to a temporary directory;
``load_desired`` runs once in this process. CPU seconds (user + system, every thread) are
the figure to compare on a busy machine; the peak RSS is the process's.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.estate import estate  # noqa: E402
from reconciler.desired.loader import load_desired  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rooms", type=int, default=1000)
    p.add_argument("--members", type=int, default=1000)
    p.add_argument("--profile", type=Path, help="write cProfile statistics here")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="chime-load-") as tmp:
        directory = estate(args.rooms, args.members, 0.05).write_desired(Path(tmp) / "desired")
        profile = cProfile.Profile() if args.profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profile is not None:
            profile.enable()
        state = load_desired(directory)
        if profile is not None:
            profile.disable()
            profile.dump_stats(args.profile)
        result = {
            "rooms": args.rooms,
            "members": args.members,
            "memberships": state.membership_count,
            "cpu_s": round(time.process_time() - cpu, 3),
            "wall_s": round(time.perf_counter() - wall, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
