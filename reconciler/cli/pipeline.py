"""The steps plan, apply and demo share: load the desired state, read the live state,
compute the plan. Wiring only: the logic lives in the loader, provider and planner.

What only planning needs (the planner, the plan's model, the governance checks, the
expiry of entries) is imported by ``Session.plan`` and ``Session.open`` once the desired
state is loaded, while the reads ahead are under way: after their first call, before their
last answer (a plan's start: README "Start-up and exit")."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from reconciler import collector, interrupt
from reconciler.cli.context import AppContext
from reconciler.cli.progress import ProgressBar
from reconciler.cli.read_ahead import ReadAhead
from reconciler.desired import files as source_files
from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.live import LiveState, LiveTarget, merged
from reconciler.pacing import Rates
from reconciler.providers import Provider, ProviderOptions, open_providers
from reconciler.providers.base import ReadsEach, Undeclarable
from reconciler.refs import MemberRef, TargetKey
from reconciler.shard import Shard
from reconciler.timing import timed

if TYPE_CHECKING:
    from reconciler.plan import Plan, TargetPlan
    from reconciler.planner import Matched

SETTLE_S = 0.1  # apply --watch: changed files are loaded once they read the same this far apart
SETTLE_MAX_S = 5.0  # files rewritten all the while are loaded as they are after this long
settle_sleep = interrupt.sleep  # (a Ctrl-C cuts the wait short)


@dataclass
class Session:
    """One command run: the desired state and one provider per kind it declares (each
    with one boto3 client, shared by its threads)."""

    app: AppContext
    desired: DesiredState
    providers: dict[str, Provider]
    progress: ProgressBar
    options: ProviderOptions

    shard: Shard | None = None  # --shard K/N: ``desired`` holds only its targets
    reading_ahead: frozenset[str] = frozenset()  # kinds whose next read has started
    # the last read's targets, matched as each was read (``planner.match``): for its plan
    matched: dict[TargetKey, Matched] = field(default_factory=dict)

    @classmethod
    def open(
        cls,
        app: AppContext,
        shard: Shard | None = None,
        read_ahead: Collection[str] | None = None,
        bearers_of: Shard | None = None,
    ) -> Session:
        """``read_ahead``: the next ``read`` is ``plan(read_ahead)`` (its --target names;
        none: every target): start reading its targets while the desired state loads,
        those of each file once it is loaded (``cli.read_ahead``). ``bearers_of``: the
        shard whose share of the bearers the calls are made as, when the desired state
        is not sharded (``shard``'s otherwise): a saved shard plan's own (Q-EF-1)."""
        progress = app.progress()  # its console made when it writes (not here)

        def options_for(rates: Rates) -> ProviderOptions:
            return ProviderOptions(
                client=app.client,
                regional=app.client,
                parallelism=app.parallelism,
                progress=progress.advance,
                pacer=app.pacer(rates),  # the run's one pacer, made on the first call
                shard=shard if shard is not None else bearers_of,
            )

        now = app.now  # a bad CHIME_RECONCILER_NOW is refused before any read
        ahead = None if read_ahead is None else ReadAhead(options_for, shard, read_ahead)
        # as of --now (or the clock): expired entries are not declared, nor resolved
        # The desired state lives until the run ends: move it out of the collector's
        # reach, so that the collections the reads trigger (botocore allocates a lot) do
        # not walk its million objects again and again.
        # Its CPU time is the loading thread's own: reads ahead run meanwhile (README).
        try:
            with timed("load", own_thread=True), collector.paused(freeze=True):
                with ahead.loading() if ahead is not None else contextlib.nullcontext():
                    loaded = load_desired(app.desired_dir, now, ahead)
                    from reconciler.governance.expiry import as_of  # loaded (module docstring)

                    desired = as_of(loaded, now)
                desired = _sharded(desired, shard)
            options = replace(options_for(desired.rates), desired=desired)
            # the kinds declared only: a kind no target has is not opened (no client, no
            # call); a saved plan's kinds are opened on demand (``provider``)
            kinds = {t.key.kind for t in desired.targets}
            early = ahead.providers if ahead is not None else {}
            opened = open_providers(kinds - early.keys(), options)
        except BaseException:
            if ahead is not None:
                ahead.cancel()  # invalid: no more reads; the error is as without them
            raise
        providers = {k: early[k] if k in early else opened[k] for k in sorted(kinds)}
        return cls(app, desired, providers, progress, options, shard, frozenset(early))

    def reload(self) -> bool:
        """Load the desired state again (as of ``app.now``) when its files changed since
        it was loaded (their digest): True when it did. ``DesiredStateError`` when they
        no longer load (the state loaded before is kept). ``apply --watch``, each round."""
        seen = self._files_digest()
        if seen == self.desired.digest:
            return False
        # files still being written (an editor saving in place, a git pull: a file
        # truncated, its text not written yet) are not loaded half written: once they read
        # the same SETTLE_S apart (at most SETTLE_MAX_S of waiting)
        deadline = time.monotonic() + SETTLE_MAX_S
        while True:
            settle_sleep(SETTLE_S)
            now = self._files_digest()
            if now == seen or interrupt.stopped() or time.monotonic() >= deadline:
                break
            seen = now
        if now == self.desired.digest:  # changed, then back as they were
            return False
        with timed("load", own_thread=True), collector.paused(freeze=True):
            from reconciler.governance.expiry import as_of

            desired = as_of(load_desired(self.app.desired_dir, self.app.now), self.app.now)
        self.desired = _sharded(desired, self.shard)
        self.options = replace(self.options, desired=self.desired)
        kinds = {t.key.kind for t in self.desired.targets} - self.providers.keys()
        self.providers.update(open_providers(kinds, self.options))
        return True

    def _files_digest(self) -> str:
        sources, _ = source_files.discover(self.app.desired_dir)
        return source_files.digest(sources)

    def provider(self, kind_id: str) -> Provider:
        """The provider of a kind, opened on first use (a saved plan may name kinds the
        desired state no longer declares)."""
        if kind_id not in self.providers:
            self.providers.update(open_providers([kind_id], self.options))
        return self.providers[kind_id]

    def read(
        self,
        only: Collection[TargetKey] | None = None,
        label: str = "Reading memberships",
        *,
        twins: bool = False,
        planned: bool = False,
    ) -> LiveState:
        """``twins``: targets declared twice read all the same (``Reader.read``).
        ``planned``: the plan is made of this read (``plan``): each target is matched
        (``planner.match``) as soon as it is read, while the others are still read."""
        count = len(only) if only is not None else len(self.desired.targets)
        # the kinds reading ahead first: their calls are done before another kind's start
        first, self.reading_ahead = self.reading_ahead, frozenset()
        self.matched = {}  # the targets of this read, matched as each is read (``listed``)
        with self.progress.task(label, count), timed("read"):
            read = {
                kind: self._read_kind(self.providers[kind], only, twins, planned)
                for kind in sorted(self.providers, key=lambda kind: kind not in first)
            }
            return merged(read[kind] for kind in self.providers)

    def _read_kind(
        self, provider: Provider, only: Collection[TargetKey] | None, twins: bool, planned: bool
    ) -> LiveState:
        """A kind's live state; ``planned``: each target of a provider that says it as soon
        as it is read (``ReadsEach``) matched meanwhile, while the others are still read:
        the planner's per-target work that needs the target alone (``planner.match``)."""
        if planned and isinstance(provider, ReadsEach):
            return provider.read_each(self.desired, only, self._listed, twins=twins)
        return provider.read(self.desired, only=only, twins=twins)

    def _listed(self, desired: DesiredTarget, live: LiveTarget) -> None:
        from reconciler.planner import match  # after the first call (module docstring)

        self.matched[desired.key] = match(desired, live)

    def read_planned(
        self,
        targets: Sequence[TargetPlan],
        label: str = "Reading memberships",
        known: Mapping[TargetKey, LiveTarget | None] | None = None,
    ) -> dict[TargetKey, LiveTarget]:
        """The live memberships of planned targets, read by the ids in the plan: listings
        only, no name or member resolution. A target gone since is left out. ``known``:
        targets read already (None: gone), not read again but counted in the progress."""
        keys = {t.key for t in targets}
        known = {k: t for k, t in (known or {}).items() if k in keys}
        found = {k: t for k, t in known.items() if t is not None}
        with self.progress.task(label, len(targets)):
            for key in known:
                self.progress.advance(key)
            for kind_id in sorted({t.key.kind for t in targets if t.key not in known}):
                ids = [
                    (t.key, t.target_id)
                    for t in targets
                    if t.key.kind == kind_id and t.key not in known
                ]
                found.update(self.provider(kind_id).read_ids(ids))
        return found

    def plan(
        self,
        targets: Collection[str] | None = None,
        label: str = "Reading memberships",
        *,
        keys: Collection[TargetKey] | None = None,
        hint: bool = True,
    ) -> Plan:
        """The plan of the targets ``targets`` names (as typed with ``--target``: a name
        that selects none, or targets of several kinds, is an error of the plan), or of
        exactly the targets ``keys`` (the tool's own re-plans: never by name, QA-HJ
        Q-HJ-1); of every declared target when neither is given."""
        # imported here, before the reads are awaited (module docstring); as the command
        # line's modules are (``collector.paused``)
        with collector.paused(freeze=True):
            from reconciler.cli.policy_errors import governance_problems
            from reconciler.message_order import in_file_order
            from reconciler.planner import plan as make_plan
            from reconciler.safety import removal_limit

        scope = set(keys) if keys is not None else self.scope(targets)
        # what validate refuses (settings.yaml max_grant_days, require_reason, CODEOWNERS)
        # is an error of every plan, whichever command makes it: plan, apply, a watch's
        # rounds, a plan made again, import --adopt, demo (QA-FR Q-FR-1)
        found = governance_problems(self.desired, self.app.now, self.app.desired_dir, scope)
        governance = tuple(dict.fromkeys(str(p) for p in found))
        live = self.read(scope, label, planned=True)
        with timed("plan"):
            made = make_plan(
                self.desired,
                live,
                targets=targets or None,
                keys=keys,
                now=self.app.now,
                matched=self.matched,
            )
        self.matched = {}
        if governance:  # in the planner's order, file and line, as merge-plans lists them
            errors = in_file_order([*made.errors, *governance])
            made = replace(made, errors=errors, governance_errors=governance)
        limit = None
        if self.shard is not None:  # merge-plans checks it over every shard's targets
            overrides = {t.key: t.safety for t in self.desired.targets if t.safety}
            limit = removal_limit(self.desired.safety, overrides)
        drift = self.desired.unmanaged_is_drift
        if hint:  # the drift hint's (a plan never shown needs none: no ListBots for it)
            made = replace(made, unadoptable=self.unadoptable(made))
        # no shard holds a target: the desired state declares none (QA-LD Q-LD-1)
        none = self.shard is not None and not self.desired.targets and not self.desired.elsewhere
        return replace(
            made,
            shard=self.shard,
            none_declared=none,
            unmanaged_is_drift=drift,
            removal_limit=limit,
        )

    def unadoptable(self, plan: Plan) -> tuple[tuple[TargetKey, MemberRef], ...]:
        """The plan's drift members ``import --adopt`` refuses: a file naming one would
        give the plan an error or name another member too, as its kind's provider says
        (``Undeclarable``; none: every one adoptable). Adopt and the drift hint share it
        (QA-FX Q-FX-5)."""
        return tuple(
            (t.key, m.ref)
            for t in plan.targets
            for m in dict.fromkeys(t.drift)
            if self.undeclarable(t.key, m.ref)
        )

    def undeclarable(self, target: TargetKey, member: MemberRef) -> str:
        """Why a live member, written into its target, would give the plan an error ("":
        it would not), as its kind's provider says (``Undeclarable``)."""
        provider = self.provider(target.kind)
        if isinstance(provider, Undeclarable):
            return provider.undeclarable(target, member)
        return ""

    def scope(self, targets: Collection[str] | None) -> set[TargetKey] | None:
        """The keys of the targets named with --target, by name or by id (all when none
        are named): the planner's own choice."""
        if not targets:
            return None
        from reconciler.target_select import select

        return {t.key for t in select(self.desired.targets, targets)}


def _sharded(desired: DesiredState, shard: Shard | None) -> DesiredState:
    """With ``shard``, the targets it holds; the other shards' targets are not read or
    planned, only compared with these (one target declared twice)."""
    if shard is None:
        return desired
    held: dict[bool, list[DesiredTarget]] = {True: [], False: []}
    for t in desired.targets:
        held[shard.holds(t.key)].append(t)
    return replace(desired, targets=tuple(held[True]), elsewhere=tuple(held[False]))
