"""The Markdown report of a benchmark run (printed, and written to bench/RESULTS.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.bounds import LIST_USERS, OPERATIONS
from bench.diff_micro import Timing
from bench.measure import CaseResult, Step
from bench.timestamps import Split

SHORT = {
    "BatchCreateRoomMembership": "BatchCreate",
    "UpdateRoomMembership": "Update",
    "DeleteRoomMembership": "Delete",
}


@dataclass(frozen=True)
class Meta:
    date: str
    machine: str
    command: str
    seconds: float


def cell(step: Step, op: str) -> str:
    """``made/bound``, retries of throttled calls apart (``+Nr``); bold when above."""
    retries = step.throttled.get(op, 0)
    first, bound = step.made(op) - retries, step.bound.get(op, 0)
    if not first and not bound and not retries:
        return ""
    text = f"**{first}**/{bound}" if first != bound else f"{first}/{bound}"
    return text + (f" +{retries}r" if retries else "")


def calls_table(results: Sequence[CaseResult]) -> list[str]:
    head = ["case", "command", "wall s", *(SHORT.get(op, op) for op in OPERATIONS)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 3 + "---:|" * len(OPERATIONS)]
    for r in results:
        for step in r.steps:
            row = [r.case.key, step.command, f"{step.seconds:.2f}"]
            row += [cell(step, op) for op in OPERATIONS]
            lines.append("| " + " | ".join(row) + " |")
    return lines


def cases_list(results: Sequence[CaseResult]) -> list[str]:
    out = []
    for r in results:
        c = r.case
        faults = []
        if c.faults.latency_ms:
            faults.append(f"{c.faults.latency_ms:g} ms latency per call")
        if c.faults.throttle_rate:
            faults.append(f"{c.faults.throttle_rate:.0%} of calls throttled (429)")
        extra = "; ".join([f"--parallelism {c.parallelism}", *faults])
        out.append(f"- **{c.key}**: {c.title} ({extra}).")
    return out


def above_bound(results: Sequence[CaseResult]) -> list[str]:
    """Each count above its bound (retries apart), grouped by operation and numbers: the
    failures, and ListUsers within the resolver's guarantee."""
    where: dict[tuple[str, int, int, str], list[str]] = {}
    for r in results:
        for s in r.steps:
            for op in OPERATIONS:
                if s.excess(op) > 0:
                    made, bound = s.made(op) - s.throttled.get(op, 0), s.bound.get(op, 0)
                    note = ""
                    if op == LIST_USERS and made <= s.users_guarantee:
                        note = f" (within the resolver's guarantee of {s.users_guarantee})"
                    where.setdefault((op, made, bound, note), []).append(
                        f"{r.case.key} `{s.command}`"
                    )
    return [
        f"- {op}: {made} calls vs {bound}{note}: {', '.join(steps)}"
        for (op, made, bound, note), steps in where.items()
    ]


RESOLVER_NOTE = (
    "ListUsers above its bound comes from the e-mail resolver's online rule "
    "(`reconciler/providers/resolve.py`, `switch_to_lookups`): while r e-mails remain after "
    "p pages of the user sweep, it switches to one lookup per e-mail once r <= max(p, 1). "
    "Not knowing how many users the account has, it can read most of the sweep and then "
    "look up the rest (where a few more pages would do), or read k pages before looking "
    "up k e-mails (where k lookups would do); its documented guarantee is at most twice "
    "the bound, and exactly the bound for accounts of up to 400 users or a single e-mail."
)


def parallelism_lines(results: Sequence[CaseResult]) -> list[str]:
    """Wall times of the same case at several --parallelism values (the d cases)."""
    runs = [r for r in results if r.case.key.startswith("d") and r.case.faults.latency_ms]
    if len(runs) < 2:
        return []
    latency = runs[0].case.faults.latency_ms
    out = [f"### --parallelism on a {latency:g} ms network", ""]
    base = runs[0]
    for r in runs:
        parts = []
        for step, first in zip(r.steps, base.steps, strict=False):
            speedup = first.seconds / step.seconds if step.seconds else 0.0
            parts.append(f"{step.command} {step.seconds:.1f} s ({speedup:.1f}x)")
        out.append(f"- --parallelism {r.case.parallelism}: " + ", ".join(parts))
    return [*out, ""]


def micro_section(timings: Sequence[Timing] | None, version: str | None) -> list[str]:
    out = ["## deepdiff against the planner's dict/set diff", ""]
    if timings is None:
        return [*out, "Skipped: deepdiff is not installed (`.venv/bin/pip install deepdiff`)."]
    out += [
        f"One room of 1,000 declared members; deepdiff {version}; microseconds per room "
        "(median of 3 runs). `dict/set` is the planner's comparison on `{member: role}` "
        "dicts; `DeepDiff` the same through `DeepDiff(live, desired, view='tree', "
        "threshold_to_diff_deeper=0)` read back into the same sets; `plan_target` the "
        "planner's whole per-room function (Change values, unmanaged list, order).",
        "",
        "| room | changes | dict/set µs | DeepDiff µs | DeepDiff ÷ dict/set | plan_target µs |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        out.append(
            f"| {t.sample} | {t.changes} | {t.dict_set_us:,.0f} | {t.deepdiff_us:,.0f} "
            f"| {t.ratio:,.0f}x | {t.plan_target_us:,.0f} |"
        )
    slowest = min(t.ratio for t in timings)
    verdict = (
        f"DeepDiff is at least {slowest:,.0f} times slower than the dict/set comparison on "
        "the same data, and slower than the planner's whole per-room function"
        if slowest > 1 and all(t.deepdiff_us > t.plan_target_us for t in timings)
        else f"DeepDiff is at least {slowest:,.1f} times the dict/set comparison's time"
    )
    return [
        *out,
        "",
        f"**Conclusion.** {verdict}. It also needs care to be correct here: with its "
        "default `threshold_to_diff_deeper=0.33`, a room sharing under a third of its "
        "members with the desired state (an empty room, for one) comes back as one changed "
        "root value instead of per-member changes. A membership diff is a diff of two flat "
        "`{member: role}` maps, which sets do exactly; deepdiff does not earn its place, "
        "and the planner keeps the plain comparison (deepdiff stays out of pyproject.toml).",
    ]


def timestamps_section(splits: Sequence[Split]) -> list[str]:
    if not splits:
        return []
    out = [
        "## Where a plan's time goes: botocore parsing timestamps",
        "",
        "Why the tool's boto3 client leaves timestamps as text "
        "(`reconciler/awsclient/aws.py`): every user of a ListUsers page and every room "
        "membership carries timestamps that botocore parses with dateutil by default, and "
        "the tool never reads them. The same `plan`, best of two runs after a warm-up, with "
        "botocore's default parsing and as the tool is.",
        "",
        "| scenario | API calls | plan s, timestamps parsed (botocore default) "
        "| plan s, as the tool is | time saved |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in splits:
        share = 1 - s.unparsed_s / s.parsed_s if s.parsed_s else 0.0
        out.append(
            f"| {s.name} | {s.calls} | {s.parsed_s:.2f} | {s.unparsed_s:.2f} | {share:.0%} |"
        )
    return out


def render(
    meta: Meta,
    results: Sequence[CaseResult],
    splits: Sequence[Split],
    timings: Sequence[Timing] | None,
    deepdiff_version: str | None,
    problems: Sequence[str],
) -> str:
    """The report; the deepdiff section says it was skipped when deepdiff is missing, and
    is left out when it was not run (``timings`` None with deepdiff installed)."""
    lines = [
        "# Benchmark results",
        "",
        f"Recorded {meta.date} with `{meta.command}` on {meta.machine}; "
        f"the whole run took {meta.seconds:.0f} s.",
        "",
        "Each case seeds the in-process emulator, then runs the real CLI in-process (click) "
        "through the real boto3 client over HTTP: `plan --format json --detailed-exitcode`, "
        "`apply --auto-approve` (or `apply FILE` for a saved plan), then `plan "
        "--detailed-exitcode` again, which must exit 0. Call counts come from the "
        "emulator's counters; lower bounds from the API's page and batch sizes in the "
        "botocore model (see `bench/bounds.py`). `apply` includes its own plan and the "
        "verification re-read of the changed rooms. Wall times include the emulator, "
        "which shares the process (and the GIL) with the tool.",
        "",
        *cases_list(results),
        "",
        "Cells are `calls/lower bound`; **bold**: not at the bound; `+Nr`: N more calls "
        "that were retries of throttled (429) calls.",
        "",
        *calls_table(results),
        "",
        *parallelism_lines(results),
        "### Above the lower bound",
        "",
        *(above_bound(results) or ["None: every count is at its lower bound."]),
        "",
    ]
    if any(s.excess(LIST_USERS) > 0 for r in results for s in r.steps):
        lines += [RESOLVER_NOTE, ""]
    if problems:
        lines += ["### Failed checks", "", *(f"- {p}" for p in problems), ""]
    else:
        lines += ["All checks passed.", ""]
    lines += [*timestamps_section(splits), ""]
    if timings is not None or deepdiff_version is None:
        lines += [*micro_section(timings, deepdiff_version), ""]
    return "\n".join(lines)
