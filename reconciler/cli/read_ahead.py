"""Reading while the desired state is still loading: each target the loader finds
(``FoundTarget``) that the run will read (its --shard, its --target names) goes to its
kind's provider, opened then, if the provider can start reading it (``Prefetcher``);
targets of the other kinds are read after loading, as before. Wiring only."""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager

from reconciler.desired.found import FoundTarget
from reconciler.providers import Prefetcher, Provider, ProviderOptions
from reconciler.providers.registry import open_early
from reconciler.shard import Shard

# While loading, the interpreter lock passes between threads every millisecond rather than
# every 5 (Python's default): a read whose answer has come waits that long for the loading
# thread to let go. 300 x 200 at 20 ms (a shared machine, median of 4 runs): the calls made
# while loading took 54 ms each at 5 ms, 30 at 2, 28 at 1, 26 at 0.5 (then loading slows).
SWITCH_S = 0.001

OptionsFor = Callable[[Mapping[str, float | None]], ProviderOptions]  # from settings' rates


class ReadAhead:
    """The loader's ``found`` callback of one run (plan, apply)."""

    def __init__(self, options_for: OptionsFor, shard: Shard | None, targets: Collection[str]):
        self.providers: dict[str, Provider] = {}  # the kinds opened to read ahead
        self._prefetchers: dict[str, Prefetcher] = {}  # the same, as such
        self._options_for = options_for
        self._shard = shard
        self._wanted = frozenset(targets)  # --target names or ids; none: every target
        self._unable: set[str] = set()  # kinds whose provider does not read ahead
        self._stopped = False

    def __call__(self, found: FoundTarget) -> None:
        key = found.key
        if self._stopped or key.kind in self._unable:
            return
        if self._shard is not None and not self._shard.holds(key):
            return  # another shard's: never read by this run
        if self._wanted and key.name not in self._wanted and found.target_id not in self._wanted:
            return  # not named with --target (as ``planner.select`` picks them)
        prefetcher = self._prefetchers.get(key.kind)
        if prefetcher is None:
            try:
                provider = open_early(key.kind, self._options_for(found.rates))
            except Exception:
                self._stopped = True
                return
            if not isinstance(provider, Prefetcher):
                self._unable.add(key.kind)
                return
            self.providers[key.kind] = provider
            prefetcher = self._prefetchers[key.kind] = provider
        prefetcher.prefetch(key, found.target_id, found.size)

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Around loading: the reads ahead get the interpreter lock sooner (``SWITCH_S``)."""
        before = sys.getswitchinterval()
        sys.setswitchinterval(min(before, SWITCH_S))
        try:
            yield
        finally:
            sys.setswitchinterval(before)

    def cancel(self) -> None:
        """The desired state is invalid (or the run was interrupted): nothing more is read."""
        self._stopped = True
        for prefetcher in self._prefetchers.values():
            prefetcher.cancel_prefetch()
