"""The scale harness: one scenario, end to end, as a user would run it; one JSON object out.

    .venv/bin/python bench/harness.py --rooms 300 --members 200 --drift 0.05 --latency-ms 20
    .venv/bin/python bench/harness.py --rooms 100 --members 50 --tps 10
    .venv/bin/python bench/harness.py --rooms 1000 --members 1000 --drift 0.05 --no-apply
    .venv/bin/python bench/harness.py --channels 100 --channel-members 100 --drift 0.1 --quotas
    .venv/bin/python bench/harness.py --channels 1 --channel-members 10000 --quotas

It starts the emulator (``chime-reconciler emulator``, its own process), seeds it with a
generated estate (rooms: ``bench/estate.py``, rooms x members, a share drifted; channels:
``bench/channel_world.py``, one app instance's channels x members, a share drifted: adds,
removals, HIDDEN type changes, a moderator grant), writes the desired state, then runs
``plan`` and ``apply --auto-approve`` through the CLI, each in its own process (then one
more ``plan``, to see that apply converged: ``after_apply``, its calls apart), and the
naive sequential boto3 scripts (``bench/naive.py``, ``bench/naive_channels.py``) from the
same starting state. For each: wall time, API calls per operation (the emulator's
counters), the lower bound (``bench/bounds.py``, ``bench/channel_bounds.py``: the fewest
calls per operation, except the channel user check's, which is the calls of its fastest
way: ``LOWER_BOUND_IS``), calls answered 429, and the peak RSS of the process. With
``--tps N`` the CLI is told the quota (``--rate Q=N`` for every quota Q it paces: the
emulator's ``tps`` is one bucket for every call) unless ``--unknown-quota``; told, rooms
and channels together or several bearers are refused (the CLI paces them apart, so they
would share the one bucket), and so is ``--quotas`` (AWS's quotas, some lower than N,
would be enforced as well). The ideal time is the longest of the floors that apply: the
lower bound's calls less one over the quota (``--tps``: the first call waits for nothing;
with ``--quotas``, AWS's documented messaging quotas: the busiest bearer's calls at 10
calls/s, each channel's calls made by one bearer; apply's batch calls on one channel, one a
second), and their latency spread over ``--parallelism`` threads. The quota ideal assumes
more threads than bearers (``scenario.ideal_assumes`` says so when they are not).
``vs_ideal`` is the whole command's wall time, launch to exit, over the ideal: issue 13's
targets are on it. ``calls_span_vs_ideal`` is the span of its calls alone (first arrival to
last answer, from the emulator's timeline) over the ideal: start-up, loading before the
first call and the work after the last answer left out, so a reader can tell a start-up
miss from a pacing miss.

Exit status 1 when a command fails, a count (retries of 429s apart) is above or below its
bound (any count, ListUsers too), a call was throttled although the CLI was told the
quota, or the plan after apply found changes left (``apply.converged`` false).
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bounds import Calls  # noqa: E402
from bench.channel_world import channel_estate  # noqa: E402
from bench.estate import estate  # noqa: E402
from bench.parts import Scenario, channels_part, rooms_part, scenario  # noqa: E402
from reconciler.emulator.messaging.limits import (  # noqa: E402
    MAX_ADMINS_PER_APP_INSTANCE,
    MAX_MEMBERS_PER_CHANNEL,
)
from reconciler.kinds.rooms import MAX_ROOM_MEMBERS  # noqa: E402
from reconciler.pacing.quotas import QUOTAS  # noqa: E402

THROTTLED = "Throttled"
MEMBERS = 50  # a room's, and a channel's, when not given
ENV = {
    "CI": "1",
    "NO_COLOR": "1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "CHIME_RECONCILER_TIMINGS": "1",  # phase times on stderr: `timing: load 7.912s`
}


class Emulator:
    """``chime-reconciler emulator`` in a child process, on a free port."""

    def __init__(self, args: Sequence[str]) -> None:
        command = [sys.executable, "-m", "reconciler", "emulator", "--port", "0", *args]
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "http://" not in line:
            self.proc.kill()
            raise RuntimeError(f"the emulator did not start: {line!r}")
        self.url = line[line.index("http://") :].split()[0]
        # keep its stdout drained
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/_emulator/{path}", data=data, method=method)
        try:
            with urllib.request.urlopen(req, timeout=600) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:  # the emulator refused the seed or faults
            reason = exc.read().decode(errors="replace").strip()
            raise SystemExit(f"harness.py: the emulator refused {path}: {reason}") from None

    def seed(self, seed: Mapping[str, Any], faults: Mapping[str, Any]) -> None:
        self.admin("POST", "reset", dict(seed))
        self.admin("POST", "faults", dict(faults))

    def calls(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.admin("GET", "calls").items()}

    def timeline(self) -> list[tuple[str, float, float]]:
        """The calls served since the last ``timeline/reset``: (operation, arrived,
        answered), ``time.monotonic()`` seconds (a clock this process shares)."""
        return [(str(o), float(a), float(b)) for o, a, b in self.admin("GET", "timeline")["calls"]]

    def cpu_seconds(self) -> float | None:
        """The emulator process's CPU time so far (user + system; None without /proc):
        it shares the machine's cores with the CLI."""
        try:
            with open(f"/proc/{self.proc.pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


LOWER_BOUND_IS = (
    "the fewest calls per operation, except the channels' check that declared users exist "
    "(ListAppInstanceUsers, DescribeAppInstanceUser): the calls of its fastest way at AWS's "
    "identity quotas, knowing where the users are, which may be more calls than the fewest"
)


def ideal_assumes(args: argparse.Namespace) -> str | None:
    """What the quota ideal takes for granted that these options do not give, said for
    the JSON's reader; None when nothing. Under ``--quotas`` each bearer is paced at its
    own 10/s whatever the threads, but a thread waiting for one bearer's quota (or for a
    channel's next batch call, a second) serves no other meanwhile: the ideal assumes a
    thread for each bearer and one to spare."""
    if not (args.quotas and args.channels) or args.parallelism > args.bearers:
        return None
    bearers = f"{args.bearers} bearer" + ("s" if args.bearers > 1 else "")
    return (
        f"--parallelism {args.parallelism} with {bearers}: the ideal assumes more threads "
        "than bearers (a thread waiting for one bearer's quota, or out a channel's second "
        "between batch calls, serves no other meanwhile), so vs_ideal counts the missing "
        "threads too"
    )


def told_the_quota(args: argparse.Namespace) -> bool:
    return bool(args.tps) and not args.unknown_quota


def told_rates(tps: float) -> list[str]:
    """``--rate`` for every quota the CLI paces: the emulator's ``tps`` is one bucket for
    every call, of every service (rooms, channels, app instance users)."""
    return [a for q in QUOTAS for a in ("--rate", f"{q.name}={tps:g}")]


def run_cli(args: Sequence[str], out: Path) -> dict[str, Any]:
    """One CLI command in its own process: exit code, wall seconds, peak RSS (MB)."""
    command = [sys.executable, "-m", "reconciler", *args]
    env = {**os.environ, **ENV}
    launched = time.monotonic()  # the emulator's timeline clock
    started = time.perf_counter()
    with out.open("w") as stdout, (out.with_suffix(".err")).open("w") as stderr:
        proc = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    phases: dict[str, float] = {}
    phases_cpu: dict[str, float] = {}
    # the CLI's own VmHWM (reconciler/timing.py): wait4's ru_maxrss also counts this
    # process's memory, which the child was forked from
    peak = usage.ru_maxrss / 1024
    others = 0.0  # the peaks of the processes the CLI started (--api-process's)
    for line in out.with_suffix(".err").read_text().splitlines():
        if line.startswith("timing: peak_rss "):
            peak = float(line.removeprefix("timing: peak_rss ").removesuffix("MB"))
        elif line.startswith("timing-rss: "):
            others += float(line.split()[-1].removesuffix("MB"))
        elif line.startswith("timing: "):
            name, value = line.removeprefix("timing: ").split()
            phases[name] = round(phases.get(name, 0.0) + float(value.rstrip("s")), 3)
        elif line.startswith("timing-cpu: "):
            name, value = line.removeprefix("timing-cpu: ").split()
            phases_cpu[name] = round(phases_cpu.get(name, 0.0) + float(value.rstrip("s")), 3)
    return {
        "exit_code": os.waitstatus_to_exitcode(status),
        "wall_s": round(seconds, 3),
        "phases_s": phases,
        "phases_cpu_s": phases_cpu,  # the CLI's CPU time per phase (load: its own thread)
        # the CLI's and its second process's (it waits for it: wait4 counts both)
        "cpu_s": round((usage.ru_utime + usage.ru_stime), 3),
        # the sum of the CLI's peak and its second process's (their peaks may not
        # coincide: an upper bound of what they held at once)
        "peak_rss_mb": round(peak + others, 1),
        "api_process_peak_rss_mb": round(others, 1) if others else None,
        "launched": launched,
    }


def timeline_summary(
    calls: Sequence[tuple[str, float, float]], launched: float, wall_s: float, made: int
) -> dict[str, Any] | None:
    """Where a command's calls fell in its run, from the emulator's side (its timeline):
    seconds from the command's start to the first call's arrival and to the last answer,
    the seconds after that answer (planning, printing, exiting), each call's time in the
    emulator (injected latency included: p50 and p90, ms), and how many calls it served at
    once on average between the first arrival and the last answer. None without calls;
    ``partial`` when the emulator kept fewer calls than were made."""
    if not calls:
        return None
    first = min(a for _, a, _ in calls)
    last = max(b for _, _, b in calls)
    served = sorted(b - a for _, a, b in calls)
    span = last - first
    return {
        "first_call_s": round(first - launched, 3),
        "last_answer_s": round(last - launched, 3),
        "after_last_answer_s": round(wall_s - (last - launched), 3),
        "served_ms_p50": round(served[len(served) // 2] * 1000, 1),
        "served_ms_p90": round(served[(len(served) * 9) // 10] * 1000, 1),
        "in_flight": round(sum(served) / span, 2) if span > 0 else None,
        "partial": len(calls) < made,
    }


def calls_span_vs_ideal(timeline: Mapping[str, Any] | None, best: float | None) -> float | None:
    """The calls' own span, from the first call's arrival to the last answer (the
    emulator's timeline), against the ideal: what ``vs_ideal`` (the whole command, from its
    launch to its exit: the headline, which the targets use) would be without the start-up
    before the first call (Python, the imports, loading) and the work after the last answer
    (planning, printing, exiting). A pacing miss shows here; a start-up miss only in
    ``vs_ideal``. None without an ideal or calls, or when the emulator kept fewer calls than
    were made (the first ones are then not known)."""
    if not best or timeline is None or timeline["partial"]:
        return None
    span = float(timeline["last_answer_s"]) - float(timeline["first_call_s"])
    return round(span / best, 3)


def plan_summary(stdout: str) -> dict[str, int] | None:
    """The ``summary`` of a JSON plan."""
    try:
        summary = json.loads(stdout).get("summary")
    except (ValueError, AttributeError):
        return None
    return {str(k): int(v) for k, v in summary.items()} if isinstance(summary, dict) else None


def delta(before: Mapping[str, int], after: Mapping[str, int]) -> dict[str, int]:
    return {k: v - before.get(k, 0) for k, v in sorted(after.items()) if v != before.get(k, 0)}


def above_or_below(calls: Calls, throttled: int, bound: Calls, told: bool) -> list[str]:
    """Counts off their bound (any count: the rooms' ListUsers too, which the resolver's
    rule may take up to twice its bound), and 429s when the CLI was told the quota.
    Retries of 429s are not known per operation here, so the check is per operation when
    nothing was throttled, else on the total net of the 429s."""
    problems = (
        [f"{throttled} calls throttled (429) with the quota told"] if told and throttled else []
    )
    if throttled:
        made, low = sum(calls.values()) - throttled, sum(bound.values())
        if made != low:
            problems.append(f"{made} calls (429s apart) against a lower bound of {low}")
        return problems
    for op in sorted(set(calls) | set(bound)):
        made, low = calls.get(op, 0), bound.get(op, 0)
        if made != low:
            problems.append(f"{op}: {made} calls, bound {low}")
    return problems


def ideal(calls: Calls, step: str, sc: Scenario, args: argparse.Namespace) -> float | None:
    """Seconds the lower bound's calls need at best: the longest of the floors that apply,
    the quota's (``--tps``: the calls but the first over it, the pacer's floor; AWS's
    documented messaging quotas with ``--quotas``) and the latency's (``--latency-ms``:
    each call's latency, spread over the ``--parallelism`` threads)."""
    total = sum(calls.values())
    floors = []
    if args.tps:  # the pacer's floor: the first call waits for nothing
        floors.append(float(max(total - 1, 0) / args.tps))
    if args.quotas:
        at_quota = sc.quota_seconds(calls, step, args.bearers)
        if at_quota is not None:
            floors.append(at_quota)
    if args.latency_ms:
        floors.append(float(total * args.latency_ms / 1000 / args.parallelism))
    return max(floors, default=None)


def measure(
    name: str,
    cli_args: Sequence[str],
    expected_exit: int,
    bound: Calls,
    sc: Scenario,
    emu: Emulator,
    work: Path,
    args: argparse.Namespace,
) -> dict[str, Any]:
    emu.admin("POST", "timeline/reset")
    before, cpu_before = emu.calls(), emu.cpu_seconds()
    step = run_cli(cli_args, work / f"{name}.out")
    cpu_after = emu.cpu_seconds()
    calls = delta(before, emu.calls())
    launched = step.pop("launched")
    # a 429 is counted twice, under its operation and under Throttled; served once
    throttled = calls.pop(THROTTLED, 0)
    timeline = timeline_summary(emu.timeline(), launched, step["wall_s"], sum(calls.values()))
    low = sum(bound.values())
    best = ideal(bound, name, sc, args)
    problems = above_or_below(calls, throttled, bound, told_the_quota(args))
    if step["exit_code"] != expected_exit:
        tail = (work / f"{name}.err").read_text()[-600:]
        problems.append(f"exit code {step['exit_code']}, expected {expected_exit}: {tail}")
    if name == "plan" and step["exit_code"] == expected_exit:
        got = plan_summary((work / f"{name}.out").read_text())
        if got != sc.summary():
            problems.append(f"plan summary {got}, expected {sc.summary()}")
    return {
        **step,
        "emulator_cpu_s": (
            None if cpu_before is None or cpu_after is None else round(cpu_after - cpu_before, 2)
        ),
        "calls": calls,
        "calls_total": sum(calls.values()),
        "lower_bound": bound,
        "lower_bound_total": low,
        "throttled": throttled,
        "ideal_s": None if best is None else round(best, 3),
        # the whole command against the ideal: the headline, the targets' ratio
        "vs_ideal": None if not best else round(step["wall_s"] / best, 3),
        "calls_span_vs_ideal": calls_span_vs_ideal(timeline, best),
        "timeline": timeline,
        "problems": problems,
    }


def after_apply(top: Sequence[str], emu: Emulator, work: Path) -> dict[str, Any]:
    """One more ``plan --detailed-exitcode`` after apply, on the same emulator: exit 0 and
    no change when apply converged. Its calls are its own, apart from apply's."""
    before = emu.calls()
    out = work / "after-apply.out"
    step = run_cli([*top, "plan", "--format", "json", "--detailed-exitcode"], out)
    calls = delta(before, emu.calls())
    throttled = calls.pop(THROTTLED, 0)
    return {
        "exit_code": step["exit_code"],
        "wall_s": step["wall_s"],
        "summary": plan_summary(out.read_text()),
        "calls": calls,
        "calls_total": sum(calls.values()),
        "throttled": throttled,
    }


def build(args: argparse.Namespace) -> Scenario:
    """The scenario the options describe: rooms, channels or both."""
    parts = []
    if args.rooms:
        members = MEMBERS if args.members is None else args.members
        parts.append(rooms_part(estate(args.rooms, members, args.drift)))
    if args.channels:
        members = MEMBERS if args.channel_members is None else args.channel_members
        parts.append(
            channels_part(channel_estate(args.channels, members, args.drift, args.bearers))
        )
    return scenario(parts)


def byte_compile() -> None:
    """Byte-compile the package, as pip does when it installs it: an editable install run
    with PYTHONDONTWRITEBYTECODE=1 (this machine's environment) would otherwise compile
    every module from source in every CLI process, about 0.1 s of CPU per start-up that
    no installed copy spends. Stale files are never used (Python checks the source's
    time), so an edit afterwards only costs its own module's compilation."""
    compileall.compile_dir(ROOT / "reconciler", quiet=1)


def unused(args: argparse.Namespace) -> str | None:
    """An option given that the scenario would not use, said as a refusal; else None."""
    if args.unknown_quota and not args.tps:
        return "--unknown-quota: there is no quota to keep from the CLI without --tps"
    if args.channel_members is not None and not args.channels:
        return "--channel-members: for a channel scenario (--channels)"
    if args.members is not None and args.channels and not args.rooms:
        return "--members: for rooms (--rooms; with --channels alone there are none)"
    return None


def run(args: argparse.Namespace) -> dict[str, Any]:
    byte_compile()
    if args.parallelism < 1:
        raise SystemExit("harness.py: --parallelism >= 1")
    if args.bearers < 1 or (args.bearers > 1 and not args.channels):
        raise SystemExit(
            "harness.py: --bearers N: at least 1, and for a channel scenario (--channels)"
        )
    problem = unused(args)
    if problem:
        raise SystemExit(f"harness.py: {problem}")
    if args.rooms is None:  # rooms by default unless channels are given (0 too: none)
        args.rooms = 0 if args.channels is not None else 100
    args.channels = args.channels or 0
    args.members = MEMBERS if args.members is None else args.members
    args.channel_members = MEMBERS if args.channel_members is None else args.channel_members
    if args.bearers > MAX_ADMINS_PER_APP_INSTANCE:
        raise SystemExit(
            f"harness.py: --bearers {args.bearers}: an app instance has at most "
            f"{MAX_ADMINS_PER_APP_INSTANCE} admins"
        )
    if args.rooms and args.members > MAX_ROOM_MEMBERS:
        raise SystemExit(
            f"harness.py: --members {args.members}: a room has at most {MAX_ROOM_MEMBERS:,} members"
        )
    if args.channels and args.channel_members > MAX_MEMBERS_PER_CHANNEL:
        raise SystemExit(
            f"harness.py: --channel-members {args.channel_members}: a channel has at most "
            f"{MAX_MEMBERS_PER_CHANNEL:,} members"
        )
    if told_the_quota(args) and args.channels and (args.rooms or args.bearers > 1):
        raise SystemExit(
            "harness.py: --tps counts every call in one bucket, and the CLI paces rooms, "
            "channels and each bearer apart: with --tps, give channels alone and one bearer, "
            "or add --unknown-quota"
        )
    if told_the_quota(args) and args.quotas:
        raise SystemExit(
            f"harness.py: --tps tells the CLI that every quota allows {args.tps:g} calls/s, "
            "and --quotas keeps AWS's documented quotas too, some lower (a channel's batch "
            "calls: 1/s): give one of them, or add --unknown-quota"
        )
    try:
        sc = build(args)
    except ValueError as exc:  # a scenario the options cannot describe: say so, no traceback
        raise SystemExit(f"harness.py: {exc}") from None
    faults: dict[str, Any] = {"latency_ms": args.latency_ms, "tps": args.tps}
    emu_args = ["--quotas"] if args.quotas else []
    expected = sc.summary()
    result: dict[str, Any] = {
        "scenario": {
            "rooms": args.rooms,
            "members": args.members if args.rooms else None,
            "channels": args.channels,
            "channel_members": args.channel_members if args.channels else None,
            "drift": args.drift,
            "latency_ms": args.latency_ms,
            "tps": args.tps,
            "quotas": args.quotas,
            "bearers": args.bearers,
            "parallelism": args.parallelism,
            "told_the_quota": told_the_quota(args),
            "changes": expected,
            "lower_bound_is": LOWER_BOUND_IS,
            "ideal_assumes": ideal_assumes(args),
        }
    }
    with tempfile.TemporaryDirectory(prefix="chime-harness-") as tmp:
        work = Path(tmp)
        desired = sc.write_desired(work / "desired-state")
        emu = Emulator(emu_args)
        try:
            emu.seed(sc.seed(), faults)
            top = ["--desired", str(desired), "--endpoint-url", emu.url]
            top += ["--parallelism", str(args.parallelism)]
            if told_the_quota(args):
                top += told_rates(args.tps)
            changes = any(expected.values())
            result["plan"] = measure(
                "plan",
                [*top, "plan", "--format", "json", "--detailed-exitcode"],
                2 if changes else 0,
                sc.read_bound,
                sc,
                emu,
                work,
                args,
            )
            if args.apply:
                emu.seed(sc.seed(), faults)
                result["apply"] = measure(
                    "apply", [*top, "apply", "--auto-approve"], 0, sc.apply_bound, sc, emu,
                    work, args,
                )  # fmt: skip
                again = after_apply(top, emu, work)
                result["after_apply"] = again
                result["apply"]["converged"] = again["exit_code"] == 0
                if again["exit_code"] == 2:  # changes left
                    result["apply"]["problems"].append(
                        f"not converged: a plan after apply exits 2, summary {again['summary']}"
                    )
                elif again["exit_code"] != 0:
                    tail = (work / "after-apply.err").read_text()[-600:]
                    result["apply"]["problems"].append(
                        f"a plan after apply: exit code {again['exit_code']}: {tail}"
                    )
            if args.naive and args.apply:  # no apply, nothing to compare the script with
                emu.seed(sc.seed(), faults)
                before = emu.calls()
                started = time.perf_counter()
                error = None
                try:
                    sc.naive(emu.url, desired)
                except Exception as exc:  # the naive script's own failure is a result too
                    error = f"{type(exc).__name__}: {exc}"
                seconds = time.perf_counter() - started
                calls = delta(before, emu.calls())
                throttled = calls.pop(THROTTLED, 0)
                result["naive"] = {
                    "wall_s": round(seconds, 3),
                    "calls": calls,
                    "calls_total": sum(calls.values()),
                    "throttled": throttled,
                    "error": error,
                }
                if "apply" in result and error is None:
                    result["apply_speedup_vs_naive"] = round(seconds / result["apply"]["wall_s"], 2)
        finally:
            emu.close()
    return result


def positive(text: str) -> float:
    """A finite number above 0 (argparse: nan, inf and 0 are clean errors)."""
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"a finite number above 0, not {text}")
    return value


def at_least_zero(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"a finite number, 0 or more, not {text}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--rooms", type=int, default=None, help="rooms (default 100; 0 when --channels is given)"
    )
    p.add_argument("--members", type=int, default=None, help="per room (default 50)")
    p.add_argument(
        "--channels", type=int, default=None, help="channels of one app instance (default 0)"
    )
    p.add_argument("--channel-members", type=int, default=None, help="per channel (default 50)")
    p.add_argument("--drift", type=float, default=0.05, help="share drifted (default 0.05)")
    p.add_argument("--latency-ms", type=at_least_zero, default=0.0, help="per call, emulator side")
    p.add_argument("--tps", type=positive, default=None, help="the emulator's requests/s quota")
    p.add_argument("--quotas", action="store_true", help="the emulator's documented quotas")
    p.add_argument("--unknown-quota", action="store_true", help="do not tell the CLI --tps")
    p.add_argument("--parallelism", type=int, default=8, help="the CLI's (default 8)")
    p.add_argument("--bearers", type=int, default=1, help="per app instance (default 1)")
    p.add_argument(
        "--no-apply", dest="apply", action="store_false", help="plan only (no naive script)"
    )
    p.add_argument("--no-naive", dest="naive", action="store_false", help="skip the script")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    result = run(args)
    print(json.dumps(result, indent=2))
    problems = [p for k in ("plan", "apply") for p in result.get(k, {}).get("problems", [])]
    for p in problems:
        print(f"FAILED: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
