"""The README's scale table, produced by the harness: runs issue 13's scenarios with
``bench/harness.py`` (each in its own emulator and CLI processes) and prints the Markdown
table that goes in README.md ("The scale harness"), each row with its exact command and
each target checked.

    .venv/bin/python bench/table.py                  # every scenario (about 35 minutes)
    .venv/bin/python bench/table.py --only channels,channel-10k
    .venv/bin/python bench/table.py --json results.json   # the harness's objects as well

Exit status 1 when a harness run reports a problem (a command failing, a call count off
its lower bound); a target missed is shown in the table ("no"), not an error.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

Result = dict[str, Any]


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    argv: tuple[str, ...]
    # (what the target is, whether it is met; None: said, not a target) from the result
    targets: Callable[[Result], list[tuple[str, bool | None]]]


def _ratio(r: Result, step: str) -> float:
    return float(r[step]["vs_ideal"] or 0.0)


def _at_bound(r: Result, *steps: str) -> tuple[str, bool | None]:
    ok = all(not r[s]["problems"] for s in steps if s in r)
    return "calls at the lower bound", ok


def _rooms_max(r: Result) -> list[tuple[str, bool | None]]:
    plan = r["plan"]
    phases = plan["phases_s"]
    # rooms are read while loading: the loading thread's own CPU time is what loading
    # costs (its wall time also holds the reads that shared the interpreter meanwhile)
    load = plan.get("phases_cpu_s", {}).get("load", 99)
    return [
        (f"plan {plan['wall_s']:.1f} s < 30 s", plan["wall_s"] < 30),
        (f"peak RSS {plan['peak_rss_mb']:.0f} MB < 600 MB", plan["peak_rss_mb"] < 600),
        (f"load {load:.1f} s CPU (the loading thread) < 8 s", load < 8),
        (f"planner {phases.get('plan', 0):.1f} s < 2 s", phases.get("plan", 99) < 2),
        _at_bound(r, "plan"),
    ]


def _network(r: Result) -> list[tuple[str, bool | None]]:
    speedup = r.get("apply_speedup_vs_naive") or 0.0
    return [
        (f"plan {_ratio(r, 'plan'):.2f}x ideal <= 1.5x", 0 < _ratio(r, "plan") <= 1.5),
        (f"apply {speedup:.1f}x faster than naive >= 8x", speedup >= 8),
        _at_bound(r, "plan", "apply"),
    ]


def _quota(r: Result) -> list[tuple[str, bool | None]]:
    out: list[tuple[str, bool | None]] = []
    for step in ("plan", "apply"):
        if step in r:
            x = r[step]
            out.append((f"{step} {_ratio(r, step):.2f}x ideal <= 1.1x", 0 < _ratio(r, step) <= 1.1))
            out.append((f"{step} {x['throttled']} throttled", x["throttled"] == 0))
    out.append(_at_bound(r, "plan", "apply"))
    return out


def _big_channel(r: Result) -> list[tuple[str, bool | None]]:
    return [
        (f"{s} {r[s]['throttled']} throttled", r[s]["throttled"] == 0) for s in ("plan", "apply")
    ] + [_at_bound(r, "plan", "apply")]


NETWORK = ("--rooms", "300", "--members", "200", "--drift", "0.05", "--latency-ms", "20")
CHANNELS = ("--channels", "100", "--channel-members", "100", "--drift", "0.1", "--quotas")
READ = ("--channels", "80", "--channel-members", "500", "--drift", "0", "--quotas")
SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "rooms-max",
        "1,000 rooms x 1,000 members, 5% drift",
        ("--rooms", "1000", "--members", "1000", "--drift", "0.05", "--no-apply", "--no-naive"),
        _rooms_max,
    ),
    Scenario(
        "network",
        "300 x 200, 5% drift, 20 ms network, parallelism 8",
        NETWORK,
        _network,
    ),
    Scenario(
        "network-16",
        "the same at parallelism 16",
        (*NETWORK, "--parallelism", "16"),
        lambda r: _network(r)[1:],
    ),
    Scenario(
        "tps",
        "300 x 20, 10% drift, rooms quota 10 calls/s (`--tps 10`)",
        ("--rooms", "300", "--members", "20", "--drift", "0.1", "--tps", "10", "--no-naive"),
        _quota,
    ),
    Scenario("channels", "100 channels x 100 members, 10% drift, AWS's quotas", CHANNELS, _quota),
    Scenario(
        "channels-4",
        "the same with 4 bearers (each channel read and written by one of them)",
        (*CHANNELS, "--bearers", "4", "--no-naive"),
        _quota,
    ),
    Scenario(
        "channel-10k",
        "one channel of 10,000 members (AWS's maximum), 5% drift, AWS's quotas",
        ("--channels", "1", "--channel-members", "10000", "--drift", "0.05", "--quotas"),
        _big_channel,
    ),
)


def bearers(n: int, one: Result | None) -> Scenario:
    """The channel-heavy read with ``n`` bearers; its target against ``one`` (1 bearer)."""

    def targets(r: Result) -> list[tuple[str, bool | None]]:
        if one is None or n == 1:
            return [_at_bound(r, "plan")]
        read = one["plan"]["phases_s"]["read"] / r["plan"]["phases_s"]["read"]
        wall = one["plan"]["wall_s"] / r["plan"]["wall_s"]
        return [
            (f"read {read:.1f}x faster than with 1 bearer >= 3.5x", read >= 3.5),
            (f"(the whole plan command: {wall:.1f}x)", None),
            _at_bound(r, "plan"),
        ]

    title = f"channel-heavy read (80 x 500), {n} bearer{'s' if n > 1 else ''}"
    return Scenario(
        f"bearers-{n}", title, (*READ, "--no-apply", "--no-naive", "--bearers", str(n)), targets
    )


def command(argv: Sequence[str]) -> str:
    return "`bench/harness.py " + " ".join(argv) + "`"


def row(s: Scenario, r: Result) -> list[str]:
    """Markdown rows (one per command) of one scenario's result."""
    lines = []
    targets = s.targets(r)
    met = "; ".join(t if ok is None else f"{t}: {'yes' if ok else '**no**'}" for t, ok in targets)
    first = True
    for step in ("plan", "apply", "naive"):
        if step not in r:
            continue
        x = r[step]
        calls = f"{x['calls_total']:,}"
        if "lower_bound_total" in x:
            calls += f" / {x['lower_bound_total']:,}"
        ideal = ""
        if x.get("ideal_s"):
            ideal = f"{x['ideal_s']:.1f} ({x['vs_ideal']:.2f}x)"
        phases = ", ".join(f"{k} {v:.1f}" for k, v in x.get("phases_s", {}).items())
        rss = f"{x['peak_rss_mb']:.0f}" if "peak_rss_mb" in x else ""
        label: str = "naive script" if step == "naive" else step
        if step == "naive" and x.get("error"):
            label += f" (failed: {x['error'][:60]})"
        cells = [
            f"{s.title}<br>{command(s.argv)}" if first else "",
            label,
            f"{x['wall_s']:.1f}",
            ideal,
            phases,
            calls,
            str(x["throttled"]),
            rss,
            met if first else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
        first = False
    return lines


HEADER = (
    "| scenario and command | step | wall s | ideal s (x) | phases s | calls / lower bound "
    "| 429s | peak RSS MB | targets |\n| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | --- |"
)


def only_keys() -> list[str]:
    """The scenarios ``--only`` names: each scenario's key, and the two bearers rows'."""
    return [s.key for s in SCENARIOS] + ["bearers"]


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    keys = only_keys()
    p.add_argument("--only", help=f"comma-separated: {','.join(keys)} (default: all)")
    p.add_argument("--json", type=Path, help="also write the harness's results here")
    args = p.parse_args(argv)
    only = set(args.only.split(",")) if args.only else set(keys)
    unknown = only - set(keys)
    if unknown:
        p.error(f"unknown scenario(s) {', '.join(sorted(unknown))}; known: {', '.join(keys)}")
    started = time.time()
    lines = [HEADER]
    everything: dict[str, Any] = {}
    problems: list[str] = []
    for s in SCENARIOS:
        if s.key not in only:
            continue
        print(f"running {s.key}: {command(s.argv)}", file=sys.stderr, flush=True)
        r = harness.run(harness.parser().parse_args(list(s.argv)))
        everything[s.key] = r
        problems += [
            f"{s.key} {k}: {x}" for k in ("plan", "apply") for x in r.get(k, {}).get("problems", [])
        ]
        lines += row(s, r)
    if "bearers" in only:
        one: Result | None = None
        for n in (1, 4):
            b = bearers(n, one)
            print(f"running {b.key}: {command(b.argv)}", file=sys.stderr, flush=True)
            r = harness.run(harness.parser().parse_args(list(b.argv)))
            everything[b.key] = r
            problems += [f"{b.key}: {x}" for x in r["plan"]["problems"]]
            lines += row(b, r)
            one = r if n == 1 else one
    minutes = (time.time() - started) / 60
    print(
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with "
        f"`.venv/bin/python bench/table.py` ({minutes:.0f} minutes) on {platform.machine()}, "
        f"Python {platform.python_version()}; commands run from the repository's root.\n"
    )
    print("\n".join(lines))
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
