"""Running a benchmark case: the real CLI commands (click, in-process) through the real
boto3 client over HTTP against an in-process emulator, timed, with the emulator's call
counters read before and after each command.

A case runs these commands against a freshly seeded emulator:

1. ``plan --format json --detailed-exitcode`` (with ``--out FILE`` for a saved plan);
2. ``apply --auto-approve``, or ``apply FILE``;
3. unless the case says not to, ``plan --detailed-exitcode`` again, which must exit 0
   (the apply converged; apply also re-reads the rooms it changed and exits 1 if not).

Faults are set again before each command, so the emulator's fault decisions start from
the first call; replaying the same decisions here (``FaultInjector`` is deterministic
from the seed, the operation and the call's rank) tells how many calls of each operation
were throttled, and so how many were retries.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from bench.bounds import (
    LIST_USERS,
    Calls,
    Limits,
    apply_bound,
    apply_guarantee,
    read_bound,
    read_guarantee,
)
from bench.world import World
from reconciler.cli.main import cli
from reconciler.emulator import EmulatorServer, FaultConfig
from reconciler.emulator.faults import FaultInjector

THROTTLED = "Throttled"
ENV = {"CI": "1", "NO_COLOR": "1", "CHIME_RECONCILER_PROGRESS": None}


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    world: World
    parallelism: int = 8
    faults: FaultConfig = field(default_factory=FaultConfig)
    saved_plan: bool = False
    replan: bool = True  # plan again after apply (apply's own verification runs anyway)


@dataclass(frozen=True)
class Step:
    command: str
    seconds: float
    calls: Calls  # per operation, retries included
    throttled: Calls  # per operation: calls answered 429 (each one was retried)
    bound: Calls
    users_guarantee: int  # ListUsers calls the resolver's rule promises (>= the bound)
    problems: tuple[str, ...] = ()

    def made(self, op: str) -> int:
        return self.calls.get(op, 0)

    def excess(self, op: str) -> int:
        """Calls above the bound that are not retries of throttled calls."""
        return self.made(op) - self.throttled.get(op, 0) - self.bound.get(op, 0)


@dataclass(frozen=True)
class CaseResult:
    case: Case
    steps: tuple[Step, ...]

    @property
    def problems(self) -> list[str]:
        return [f"{self.case.key} {s.command}: {p}" for s in self.steps for p in s.problems]


def throttled_calls(config: FaultConfig, calls: Mapping[str, int]) -> Calls:
    """How many of the first ``calls[op]`` calls of each operation the emulator answered
    429, replaying its deterministic decisions."""
    injector = FaultInjector(config)
    out: Calls = {}
    for op, n in sorted(calls.items()):
        hits = sum(injector.decide(op).error is not None for _ in range(n))
        if hits:
            out[op] = hits
    return out


def check(step: Step, *, strict: bool) -> list[str]:
    """Every way ``step`` misses its bound: above it (a regression) or below it (the bound
    model or the tool is wrong). ListUsers may exceed its bound up to the resolver's
    guarantee, unless ``strict``."""
    problems = []
    for op in sorted(set(step.calls) | set(step.bound)):
        excess, bound = step.excess(op), step.bound.get(op, 0)
        limit = bound
        if op == LIST_USERS and not strict:
            limit = max(bound, step.users_guarantee)
        if excess + bound > limit or excess < 0:
            where = f"above the bound {bound}" if excess > 0 else f"below the bound {bound}"
            if limit > bound:
                where += f" and the resolver's guarantee {limit}"
            retries = step.throttled.get(op, 0)
            problems.append(f"{op}: {step.made(op) - retries} calls (+{retries} retries), {where}")
    return problems


def plan_summary(stdout: str) -> dict[str, int] | None:
    """The ``summary`` of a JSON plan on stdout."""
    try:
        doc = json.loads(stdout)
    except ValueError:
        return None
    summary = doc.get("summary") if isinstance(doc, dict) else None
    return {str(k): int(v) for k, v in summary.items()} if isinstance(summary, dict) else None


class Runner:
    """Runs cases against one emulator; desired-state directories under ``workdir``."""

    def __init__(
        self,
        emulator: EmulatorServer,
        workdir: Path,
        limits: Limits,
        *,
        strict: bool = False,
        log: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.emulator = emulator
        self.workdir = workdir
        self.limits = limits
        self.strict = strict
        self.log = log
        self.cli = CliRunner()
        self._dirs: dict[int, tuple[World, Path]] = {}

    def desired_dir(self, world: World) -> Path:
        """The world's desired-state directory, written once per world."""
        if id(world) not in self._dirs:
            path = world.write_desired(self.workdir / f"desired-{len(self._dirs)}")
            self._dirs[id(world)] = (world, path)
        return self._dirs[id(world)][1]

    def run(self, case: Case) -> CaseResult:
        world, after, limits = case.world, case.world.applied(), self.limits
        self.emulator.reset(world.seed())
        top = ["--desired", str(self.desired_dir(world)), "--endpoint-url", self.emulator.url]
        top += ["--parallelism", str(case.parallelism)]
        saved = self.workdir / f"{case.key}.plan.json"
        expected = world.expected_summary()
        users = read_guarantee(world, limits)

        plan_args = ["plan", "--format", "json", "--detailed-exitcode"]
        plan_args += ["--out", str(saved)] if case.saved_plan else []
        exit_code = 2 if any(expected.values()) else 0
        plan, stdout = self._step(
            case, top + plan_args, exit_code, read_bound(world, limits), users
        )
        got = plan_summary(stdout)
        if got != expected:
            plan = _with(plan, f"plan summary {got}, expected {expected}")

        apply_args = ["apply", str(saved)] if case.saved_plan else ["apply", "--auto-approve"]
        bound = apply_bound(world, limits, saved_plan=case.saved_plan)
        apply_users = apply_guarantee(world, limits, saved_plan=case.saved_plan)
        applied, _ = self._step(case, top + apply_args, 0, bound, apply_users)
        if not case.replan:
            return CaseResult(case, (plan, applied))
        again = [*top, "plan", "--detailed-exitcode"]
        bound = read_bound(after, limits)
        replan, _ = self._step(case, again, 0, bound, read_guarantee(after, limits), "plan again")
        return CaseResult(case, (plan, applied, replan))

    def _step(
        self,
        case: Case,
        args: list[str],
        exit_code: int,
        bound: Calls,
        users: int,
        label: str | None = None,
    ) -> tuple[Step, str]:
        """Run one command; the step measured, and its standard output."""
        name = next(a for a in args if a in ("plan", "apply"))
        command = label or name
        self.log(f"  {case.key}: {' '.join(args[args.index(name) :])}")
        self.emulator.set_faults(case.faults)
        before = self.emulator.calls()
        start = time.perf_counter()
        result = self.cli.invoke(cli, args, env=ENV, catch_exceptions=True)
        seconds = time.perf_counter() - start
        now = self.emulator.calls()
        delta = {k: v - before.get(k, 0) for k, v in now.items() if v != before.get(k, 0)}
        throttled_total = delta.pop(THROTTLED, 0)
        throttled = throttled_calls(case.faults, delta)
        step = Step(command, seconds, delta, throttled, bound, users)
        problems = check(step, strict=self.strict)
        if sum(throttled.values()) != throttled_total:
            problems.append(
                f"the emulator answered {throttled_total} calls 429; "
                f"replaying its decisions gives {sum(throttled.values())}"
            )
        if result.exit_code != exit_code:
            tail = (result.stderr or result.stdout or repr(result.exception)).strip()[-800:]
            problems.append(f"exit code {result.exit_code}, expected {exit_code}: {tail}")
        return _with(step, *problems), result.stdout


def _with(step: Step, *problems: str) -> Step:
    return Step(
        step.command,
        step.seconds,
        step.calls,
        step.throttled,
        step.bound,
        step.users_guarantee,
        step.problems + tuple(problems),
    )
