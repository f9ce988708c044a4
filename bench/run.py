"""``make bench``: API calls of plan and apply against their lower bounds, wall times, and
two measurements behind design choices (timestamps, deepdiff). Writes bench/RESULTS.md.

    .venv/bin/python bench/run.py            # everything, about 3 minutes on 2 cores
    .venv/bin/python bench/run.py --quick    # tiny scenarios, nothing written
    .venv/bin/python bench/run.py --only b,e --no-write
    .venv/bin/python bench/run.py --strict   # ListUsers held to the offline bound too

Exit status 1 when a call count (retries of throttled calls apart) is above or below its
lower bound, when a command exits otherwise than expected, or when apply does not
converge. ListUsers may exceed its bound up to the e-mail resolver's documented guarantee
(``reconciler/providers/resolve.py``) unless ``--strict``; the excess is reported.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import diff_micro, scenarios, timestamps  # noqa: E402
from bench.bounds import Limits  # noqa: E402
from bench.measure import Case, CaseResult, Runner  # noqa: E402
from bench.report import Meta, render  # noqa: E402
from reconciler.emulator import EmulatorServer, FaultConfig  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
LATENCY = FaultConfig(latency_ms=20)
THROTTLING = FaultConfig(throttle_rate=0.1, seed=7)


def cases(quick: bool) -> list[Case]:
    if quick:
        a = scenarios.all_to_add(members=120, other_users=30)
        b = scenarios.drift(rooms=4, members=10, undeclared_rooms=1)
        c = scenarios.steady(rooms=6, members=5, teams=3)
        f = scenarios.onboarding(rooms=4, members=5, account_users=700, hires=2)
    else:
        a, b, c, f = (
            scenarios.all_to_add(),
            scenarios.drift(),
            scenarios.steady(),
            scenarios.onboarding(),
        )
    out = [
        Case("a", "1 room, 1,000 members, all to add (empty room, 1,200-user account)", a),
        Case(
            "b",
            "100 rooms x 50 members, 10% drift: 2 adds, 2 role changes, 1 removal "
            "(prune) per room, 1 bot to add; 200 new users to resolve",
            b,
        ),
        Case("c", "500 rooms x 20 members via 100 team groups, no changes", c, replan=False),
        *(Case(f"d{p}", "(b) on a 20 ms network", b, p, LATENCY, replan=False) for p in (1, 8, 16)),
        Case("e", "(b) with throttling", b, faults=THROTTLING),
        Case(
            "f",
            "onboarding: 3 new hires (the newest users) into 3 of 100 rooms, 5,000-user account",
            f,
        ),
        Case(
            "g",
            "(b) through a saved plan: `plan --out FILE`, `apply FILE`",
            b,
            saved_plan=True,
            replan=False,
        ),
    ]
    return [replace(c, title=f"{c.title}; scaled down") for c in out] if quick else out


def machine() -> str:
    import boto3

    return (
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}, "
        f"boto3 {boto3.__version__}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny scenarios; writes nothing")
    parser.add_argument("--strict", action="store_true", help="ListUsers at its offline bound")
    parser.add_argument("--only", help="comma-separated case keys (a,b,c,d1,...)")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.name}")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    limits = Limits.from_model()
    selected = cases(args.quick)
    if args.only:
        keys = set(args.only.split(","))
        selected = [c for c in selected if c.key in keys]
    results: list[CaseResult] = []
    splits: list[timestamps.Split] = []
    with tempfile.TemporaryDirectory(prefix="chime-bench-") as tmp, EmulatorServer() as emu:
        runner = Runner(emu, Path(tmp), limits, strict=args.strict, log=log)
        for case in selected:
            log(f"{case.key}: {case.title}")
            results.append(runner.run(case))
        if not args.quick and not args.only:
            log("timestamps: plan with and without botocore timestamp parsing")
            for case in (c for c in selected if c.key in ("b", "c")):
                path = runner.desired_dir(case.world)
                splits.append(timestamps.measure(f"({case.key})", case.world, path, emu))

    timings = None
    version = diff_micro.deepdiff_version()
    if version is None:
        log("deepdiff is not installed: skipping the diff micro-benchmark")
    elif not args.quick:
        log(f"diff micro-benchmark: dict/set vs deepdiff {version}")
        timings = diff_micro.run()

    problems = [p for r in results for p in r.problems]
    command = ".venv/bin/python bench/run.py" + (" " + " ".join(argv) if argv else "")
    meta = Meta(
        date=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=machine(),
        command=command,
        seconds=time.perf_counter() - started,
    )
    text = render(meta, results, splits, timings, version, problems)
    print(text)
    if not (args.quick or args.no_write or args.only):
        args.output.write_text(text, encoding="utf-8")
        log(f"wrote {args.output}")
    for p in problems:
        log(f"FAILED: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
