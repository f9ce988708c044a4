"""The JSON of ``apply --watch``: apply's result document (``reconciler.render.apply``,
format_version "1") with a ``watch`` object added after its other keys.

- ``--format json``: one line per round on stdout (JSON Lines), the changes that round
  made, ``notices`` (a meeting found ended) and ``expired_kept`` (an expired membership
  still in Chime) when its plan was the first to have them, and ``watch{round, at, error,
  stopped}``;
- ``--out RESULT.json``: one document, the whole watch so far (every round's changes in
  order, their counts and seconds added up), ``notices`` (every one found, each once),
  ``expired_kept`` when any round's plan had
  an expired membership still in Chime (every one the watch has found, each once, in the
  order found) and ``watch{started_at, rounds, failed_reads, last_round_at, stopped,
  made_later, not_made}``, written again after every round.

``verified`` is always null: a watch does not re-read what it changed (the next round
plans again, and applies again what did not hold). ``stopped`` is ``"ended"`` (every
meeting in scope has ended), ``"until"`` (--until reached), ``"refused"`` (a later
round's plan had errors or broke the safety rules: exit 1), in ``--out`` ``"idle"`` (its
``--shard`` holds no meeting, at start or once the files changed: exit 0), or null: the
watch goes on (or stopped otherwise: another error, exit 1; Ctrl-C, exit 130). A watch
that stopped ends with exit 1 when the whole watch's ``complete`` is false
(``incomplete``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import reconciler.kinds as kinds
from reconciler.apply_result import ApplyResult, ChangeResult
from reconciler.governance.expiry import Expiring
from reconciler.governance.plan_json import expiring_json
from reconciler.interrupt import NOT_STARTED
from reconciler.prose import counted, listed_first
from reconciler.refs import MemberRef, TargetKey
from reconciler.render.apply import STOPPED_BY_INTERRUPT, Timings, apply_to_data
from reconciler.render.json import compact, indented
from reconciler.render.safe import json_text, shown

# every meeting in scope has ended; --until reached; a later round's plan had errors or
# broke the safety rules (exit 1: nothing of it applied, Q-GI-7)
Stop = Literal["ended", "until", "refused"]


@dataclass(frozen=True)
class Round:
    """One round of a watch: its number (from 1), when it started, what it applied (no
    change: an empty result), its seconds planning and applying, why its reading failed
    (None: it did not), and why the watch stops after it (None: it goes on)."""

    number: int
    at: datetime
    result: ApplyResult
    timings: Timings
    error: str | None = None
    stopped: Stop | None = None
    # why the round stopped part-way, when its output did it (``STOPPED_BY_CLOSED_OUTPUT``,
    # ``STOPPED_BY_FAILED_OUTPUT``): its changes not started are coded as plain apply's
    # are; None: not cut, or cut by an interrupt (``STOPPED_BY_INTERRUPT``)
    cut: str | None = None
    # the expired memberships still in Chime (their targets do not prune) that its plan
    # was the first of the watch's to have (``reconciler.cli.watch_news``)
    kept: tuple[Expiring, ...] = ()
    # the notices (a meeting found ended: located, as the plan's ``notices``) that its plan
    # was the first of the watch's to have (Q-GI-9)
    notices: tuple[str, ...] = ()


@dataclass
class WatchTotals:
    """The rounds of a watch so far, added up (each round's changes kept, nothing else)."""

    started_at: datetime | None = None
    rounds: int = 0
    failed_reads: int = 0
    failed_rounds: int = 0  # rounds with a change not made (failed, or not attempted)
    results: list[ChangeResult] = field(default_factory=list)
    plan_s: float = 0.0
    apply_s: float = 0.0
    last: Round | None = None
    kept: list[Expiring] = field(default_factory=list)  # every round's, each once
    idle: bool = False  # it stopped with nothing to watch: its --shard holds no meeting
    notices: list[str] = field(default_factory=list)  # every round's, each once

    def add(self, r: Round) -> None:
        self.started_at = self.started_at or r.at
        self.rounds += 1
        self.failed_reads += r.error is not None
        self.failed_rounds += not r.result.ok
        self.results.extend(r.result.results)
        self.plan_s += r.timings.plan_s
        self.apply_s += r.timings.apply_s
        self.last = r
        self.kept.extend(r.kept)
        self.notices.extend(r.notices)


def round_line(r: Round) -> str:
    """The round as one line of JSON, ending with a newline. ``complete``: every change
    it made succeeded and its reading did not fail. ``expired_kept`` (only when there are
    any): the expired memberships still in Chime that this round's plan was the first to
    have, items as in the plan's ``expired_kept``."""
    data = _to_data(r.result, r.timings, r.cut)
    data["complete"] = data["complete"] and r.error is None
    if r.notices:
        data["notices"] = list(r.notices)
    if r.kept:
        data["expired_kept"] = _kept_json(r.kept)
    data["watch"] = {"round": r.number, "at": _utc(r.at), "error": r.error, "stopped": r.stopped}
    return json_text(compact(data)) + "\n"


def not_made(totals: WatchTotals) -> tuple[list[ChangeResult], list[ChangeResult]]:
    """The changes (a member of a target) with an attempt that did not succeed (failed,
    or not attempted), each once, in order: those a later round then made, and those
    whose last attempt did not succeed."""
    first: dict[tuple[TargetKey, MemberRef], ChangeResult] = {}
    pending: set[tuple[TargetKey, MemberRef]] = set()
    for r in totals.results:
        key = (r.change.target, r.change.member)
        if not r.ok:
            first.setdefault(key, r)
            pending.add(key)
        else:
            pending.discard(key)
    made = [r for key, r in first.items() if key not in pending]
    return made, [r for key, r in first.items() if key in pending]


def incomplete(totals: WatchTotals) -> str | None:
    """Why the watch so far is not complete, or None: it is when every change of every
    round was made, the last round's reading did not fail and its plan was not refused
    (Q-GI-7). The watch's exit code is 1
    when it ends incomplete; its document's ``complete`` is false. Counted: the attempts
    that did not succeed, the changes they were attempts at, and of those, the ones a
    later round made and the ones still not made (named); the changes never attempted
    apart."""
    unmade = [r for r in totals.results if not r.ok]
    if unmade:
        made, still = not_made(totals)
        parts = [
            f"{what}: {shown(_names(rs))}"
            for what, rs in (("made in a later round", made), ("not made", still))
            if rs
        ]
        return (
            f"Watch incomplete: {_unmade_counts(unmade)}, in "
            f"{_count(totals.failed_rounds, 'round')} (each is listed above); "
            f"{'; '.join(parts)}."
        )
    if totals.last is not None and totals.last.error is not None:
        return "Watch incomplete: the last round could not read the meetings (see above)."
    if totals.last is not None and totals.last.stopped == "refused":
        return "Watch incomplete: the last round's plan was refused (see above)."
    return None


def _unmade_counts(unmade: list[ChangeResult]) -> str:
    """``2 attempts at 1 change failed and 1 change was not attempted``: the attempts
    made and the changes they were at, then the changes never attempted (another change
    failed first, the meeting was found gone, an interrupt or a closed output came
    first), told apart as apply's ``Apply incomplete`` tells them (Q-GI-1)."""
    tried = [r for r in unmade if r.outcome == "failed" and r.error_code != NOT_STARTED]
    tried_keys = {(r.change.target, r.change.member) for r in tried}
    untried = {(r.change.target, r.change.member) for r in unmade} - tried_keys
    parts = []
    if tried:
        parts.append(
            f"{_count(len(tried), 'attempt')} at {_count(len(tried_keys), 'change')} failed"
        )
    if untried:
        were = "was" if len(untried) == 1 else "were"
        parts.append(f"{_count(len(untried), 'change')} {were} not attempted")
    return " and ".join(parts)


def _kept_json(kept: Sequence[Expiring]) -> list[dict[str, Any]]:
    """``expired_kept``: items as in the plan's."""
    return [expiring_json(e, kinds.get(e.target.kind).role_json(e.role)) for e in kept]


def _to_data(result: ApplyResult, timings: Timings, cut: str | None) -> dict[str, Any]:
    """Apply's result document of ``result``; the changes left not started (a round
    stopped part-way: Ctrl-C, SIGTERM, its output closed: ``cut``) are ``skipped``, with
    the code apply gives them (``Interrupted``, ``OutputClosed``, ``OutputFailed``)."""
    if cut is None and any(r.error_code == NOT_STARTED for r in result.results):
        cut = STOPPED_BY_INTERRUPT
    return apply_to_data(result, verified=None, timings=timings, stopped=cut)


def _count(n: int, noun: str) -> str:
    return counted(n, noun)


def _names(results: list[ChangeResult], most: int = 3) -> str:
    """``bob@example.com in bridge, carol@example.com in bridge and 2 more``."""
    names = [f"{r.change.member} in {r.change.target.name}" for r in results[:most]]
    return listed_first(names, most, len(results))


def watch_document(totals: WatchTotals) -> str:
    """The whole watch so far, indented. ``complete``: every change it made succeeded
    and its last round's reading did not fail (``incomplete``). ``expired_kept`` (only
    when there are any): every expired membership still in Chime that a round's plan
    had, each once, in the order the rounds found them (items as in the plan's)."""
    last = totals.last
    timings = Timings(totals.plan_s, totals.apply_s)
    # only the last round can be cut part-way: the watch stops after it
    data = _to_data(ApplyResult(tuple(totals.results)), timings, None if last is None else last.cut)
    data["complete"] = incomplete(totals) is None
    made, still = not_made(totals)
    if totals.notices:
        data["notices"] = list(totals.notices)
    if totals.kept:
        data["expired_kept"] = _kept_json(totals.kept)
    data["watch"] = {
        "started_at": None if totals.started_at is None else _utc(totals.started_at),
        "rounds": totals.rounds,
        "failed_reads": totals.failed_reads,
        "last_round_at": None if last is None else _utc(last.at),
        "stopped": "idle" if totals.idle else None if last is None else last.stopped,
        # the changes (a member of a target) an attempt of which did not succeed: made
        # by a later round, or not made (``summary`` counts every attempt)
        "made_later": len(made),
        "not_made": len(still),
    }
    return json_text(indented(data)) + "\n"


def _utc(when: datetime) -> str:
    """``2026-12-02T10:52:28.123Z``."""
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
