"""Rooms read while the desired state is still loading (``RoomsProvider.prefetch``).

The loader reports each room of a file loaded without a problem; its listing is started at
once on the provider's pool (``parallelism`` threads: no more calls at a time than a read
makes). A room declared by name waits for its account's ListRooms, started with the first
such room of the account (the one ListRooms a read makes there); a room is read as soon as
the pages so far name it once (not after the last page: the other threads read while the
listing goes on). Should a later page name it again, its read is dropped (not started if
it has not, its result and its failure unused) and ``read`` reports the two rooms, from the
same listing; a read started so fails the others (below) only once the whole listing has
named its room once.
Of the calls waiting for a thread, ListRooms starts first, then the rooms declaring the
most entries (a room's pages are read one after another: the longest chains first, as
``read`` orders its own). ``RoomsProvider.read``
takes what was started, once: each listing and each room read is used by one read only,
and the reads it still has to make go to the same pool.

A room (account, room id) is read ahead once: a second declaration of it (by the same id,
or by name once ListRooms names it) is an error ``read`` reports (``declared_once``), so
neither is read further, and one not started yet is not started.

Stopping: ``stop()`` (the desired state turned out invalid, the run was interrupted, the
read failed, or it succeeded without using them all) drops what has not started and stops
the calls under way at once: no further attempt, backoff wait or page
(``interrupt.cancelled_by``); it waits for their requests in flight (up to
``parallel.STRAGGLERS_S``: one never answered does not hold the error back), so that none is
made once the run has closed its clients (QA-GU Q-GU-1), except on an interrupt (a Ctrl-C
exits at once; the pool's threads are daemons). A read ahead that fails for good (after its
retries) stops the others as the sequential read stopped at its first failure: a failed
ListRooms every read ahead, a failed room read the other room reads (the listings go on:
their errors come first in ``read``); a read then finding a read stopped so gets that
failure.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Mapping
from concurrent.futures import CancelledError, Future
from typing import Protocol, TypeVar

from reconciler import interrupt
from reconciler.live import LiveMember
from reconciler.parallel import STRAGGLERS_S, PriorityPool
from reconciler.providers.base import ReadProgress
from reconciler.providers.chime_api import Room, no_account
from reconciler.refs import TargetKey

Listing = list[LiveMember] | None  # a room's members; None: no room with that id
FIRST = float("inf")  # ListRooms' priority: the rooms by name wait for it
T = TypeVar("T")
Page = Callable[[list[Room]], None]


class ListsRooms(Protocol):
    def __call__(
        self, account: str, member_id: str | None = None, on_page: Page | None = None
    ) -> list[Room]: ...


class RoomReadAhead:
    def __init__(
        self,
        parallelism: int,
        list_rooms: ListsRooms,
        read_room: Callable[[TargetKey, str], Listing],
    ) -> None:
        self._pool = PriorityPool(parallelism, "read-ahead")
        self._list_rooms = list_rooms
        self._read_room = read_room
        self._lock = threading.Lock()
        self._closed = False
        self._listings: dict[str, Future[list[Room]]] = {}  # by account
        self._named: dict[str, dict[str, list[Room]]] = {}  # account -> name -> its rooms
        self._seen: dict[str, dict[str, list[Room]]] = {}  # the same, from the pages so far
        # rooms read from pages so far, not yet named once by the whole listing: the
        # failure of each, held until then (None: none so far)
        self._early: dict[TargetKey, BaseException | None] = {}
        # for their account's listing, with their size
        self._waiting: dict[str, list[tuple[TargetKey, int]]] = defaultdict(list)
        self._reads: dict[TargetKey, tuple[str, Future[Listing]]] = {}  # room id, its read
        self._rooms: dict[tuple[str, str], TargetKey] = {}  # (account, room id) -> reader
        self._twice: set[tuple[str, str]] = set()  # rooms declared twice: not read ahead
        # rooms matched too soon (a later page named them again): their reads' failures
        # fail nothing, even one that comes once the listing has ended (``_drop``)
        self._dropped: set[TargetKey] = set()
        self._stop_rooms = threading.Event()  # the room reads stop (and pages, retries)
        self._stop_all = threading.Event()  # ... and the listings
        self._failure: BaseException | None = None  # the first read failed for good

    def start(self, key: TargetKey, room_id: str | None, size: int) -> None:
        """Start reading the room ``key`` (by ``room_id``, else by its name), declaring
        ``size`` entries."""
        with self._lock:
            if self._closed or key in self._reads:
                return
            if room_id is not None:
                self._start_read(key, room_id, size)
            elif key.scope in self._named:
                self._match(key, size, self._named[key.scope])
            else:
                self._waiting[key.scope].append((key, size))
                if key.scope in self._seen:  # the listing is under way
                    self._match_early(key, size, self._seen[key.scope])
                elif key.scope not in self._listings:
                    listing = self._submit_listing(self._list, key.scope)
                    self._listings[key.scope] = listing

    def rooms(self, account: str) -> list[Room]:
        """The account's rooms: the ListRooms started ahead (used once), else one made now
        on the pool."""
        with self._lock:
            started = self._listings.pop(account, None)
            if started is None:
                started = self._submit_listing(self._list_rooms, account)
        return self._result(started, self._stop_all)

    def members(
        self, key: TargetKey, room_id: str, size: int, progress: ReadProgress | None
    ) -> Future[Listing]:
        """The room's read: the one started ahead by this id (used once; ``progress`` told
        when it is done, as the reads made now tell it), else one started now on the pool
        (``size``: its members, its priority)."""
        with self._lock:
            ahead = self._reads.pop(key, None)
            if ahead is None or ahead[0] != room_id:
                return self._submit_read(size, self._read_told, key, room_id, progress)
        started = ahead[1]
        if progress is not None:

            def done(f: Future[Listing]) -> None:
                if self._stop_rooms.is_set() or f.cancelled() or f.exception() is not None:
                    return
                if f.result() is not None:
                    progress(key)

            started.add_done_callback(done)
        return started

    def result(self, future: Future[T]) -> T:
        """The future's result; one stopped because another read failed for good raises
        that failure (the error the sequential read would have stopped at), as soon as it
        has failed: not once the future is done (QA-HA Q-HA-1: a room before it in the
        read's order never answered held the error back until its request timed out)."""
        return self._result(future, self._stop_rooms)

    def _result(self, future: Future[T], stopped_by: threading.Event) -> T:
        """``stopped_by``: the event that a failure stops the future's call with (a
        listing's only at a failed listing: a failed room read leaves them going)."""
        try:
            while True:  # an interrupt (apply's Ctrl-C) does not wait for a request in flight
                interrupt.check("read")
                try:
                    return future.result(timeout=interrupt.POLL_S)
                except TimeoutError:
                    failure = self._failure
                    if failure is not None and stopped_by.is_set():
                        raise failure from None
        except (CancelledError, interrupt.NotStarted):
            failure = self._failure
            if failure is not None and not interrupt.requested():
                raise failure from None
            raise

    def _read_told(self, key: TargetKey, room_id: str, progress: ReadProgress | None) -> Listing:
        members = self._read_room(key, room_id)
        if members is not None and progress is not None and not self._stop_rooms.is_set():
            progress(key)
        return members

    def stop(self) -> None:
        """Nothing more is wanted (an error, an invalid desired state, an interrupt, a read
        done with what it did not use): drop
        what has not started, stop the calls under way, and wait for their requests in
        flight (up to ``STRAGGLERS_S``), unless interrupted (a Ctrl-C exits at once). Not
        waited for, a call that had passed its last check made its request, on a new
        connection, once the run had closed its clients: a socket nobody closed (QA-GU
        Q-GU-1)."""
        interrupted = interrupt.requested() or interrupt.pressed()
        self.close(cancel=True, wait=not interrupted, timeout=STRAGGLERS_S)

    def close(self, cancel: bool = False, wait: bool = True, timeout: float | None = None) -> None:
        """No more reads ahead; ``cancel``: drop those not started and stop those under way
        at their next attempt, page or backoff; ``wait``: for the requests in flight."""
        with self._lock:
            self._closed = True
        if cancel:
            self._stop_all.set()
            self._stop_rooms.set()
        self._pool.shutdown(cancel, wait, timeout)

    # -- the calls on the pool: stopped by their event, a failure stops the others -------

    def _submit_listing(self, fn: Callable[[str], list[Room]], account: str) -> Future[list[Room]]:
        return self._pool.submit(FIRST, self._guarded, self._stop_all, None, fn, account)

    def _submit_read(
        self, size: int, fn: Callable[..., Listing], key: TargetKey, *args: object
    ) -> Future[Listing]:
        return self._pool.submit(size, self._guarded, self._stop_rooms, key, fn, key, *args)

    def _guarded(
        self, stop: threading.Event, key: TargetKey | None, fn: Callable[..., T], *args: object
    ) -> T:
        with interrupt.cancelled_by(stop):
            interrupt.check("read ahead")  # stopped before its turn came: no call at all
            try:
                return fn(*args)
            except Exception as exc:
                # no such account: the read that uses this listing reports it, at its
                # rooms; the other accounts' reads go on
                if not stop.is_set() and not interrupt.requested() and not no_account(exc):
                    self._failed(exc, stop, key)
                raise

    def _failed(self, exc: BaseException, stop: threading.Event, key: TargetKey | None) -> None:
        with self._lock:
            if key in self._dropped:  # its result is never used
                return
            if key in self._early:  # held until the listing names its room once
                self._early[key] = exc
                return
            if self._failure is None:
                self._failure = exc
        self._stop_rooms.set()
        if stop is self._stop_all:  # a listing: every read ahead
            self._stop_all.set()

    def _list(self, account: str) -> list[Room]:
        with self._lock:
            self._seen[account] = defaultdict(list)
        try:
            rooms = self._list_rooms(account, on_page=lambda page: self._page(account, page))
        except BaseException:  # failed: no more reads from its pages (they are stopped)
            with self._lock:
                del self._seen[account]
                for key in [k for k in self._early if k.scope == account]:
                    del self._early[key]
            raise
        named: dict[str, list[Room]] = defaultdict(list)
        for room in rooms:
            named[room.name].append(room)
        held: list[tuple[BaseException, TargetKey]] = []
        with self._lock:
            self._named[account] = named
            del self._seen[account]
            for key, size in self._waiting.pop(account, []):
                if key in self._reads:  # started on an earlier page
                    failure = self._early.pop(key, None)
                    if len(named.get(key.name, ())) != 1:  # a later page named it again
                        self._drop(key)
                    elif failure is not None:
                        held.append((failure, key))
                elif not self._closed:
                    self._match(key, size, named)
        for failure, key in held:  # the room is the one of its name: its failure counts
            self._failed(failure, self._stop_rooms, key)
        return rooms

    def _page(self, account: str, page: list[Room]) -> None:
        """Read the rooms waiting for this listing that the pages so far name once."""
        with self._lock:
            seen = self._seen[account]
            for room in page:
                seen[room.name].append(room)
            if not self._closed:
                for key, size in self._waiting.get(account, ()):
                    if key not in self._reads:
                        self._match_early(key, size, seen)

    def _match(self, key: TargetKey, size: int, matches: Mapping[str, list[Room]]) -> None:
        """Read a room declared by name if exactly one room has that name (else ``read``
        reports it, from the same listing)."""
        found = matches.get(key.name, [])
        if len(found) == 1:
            self._start_read(key, found[0].room_id, size)

    def _match_early(self, key: TargetKey, size: int, seen: Mapping[str, list[Room]]) -> None:
        """``_match`` on the pages so far: a read started so is early until the whole
        listing names its room once."""
        self._match(key, size, seen)
        if key in self._reads:
            self._early[key] = None

    def _drop(self, key: TargetKey) -> None:
        """Forget the read of a room matched too soon: not started if it has not, its
        result never used."""
        room_id, started = self._reads.pop(key)
        started.cancel()
        self._dropped.add(key)
        if self._rooms.get((key.scope, room_id)) == key:
            del self._rooms[(key.scope, room_id)]

    def _start_read(self, key: TargetKey, room_id: str, size: int) -> None:
        """Read the room, unless another declaration reads it (then neither: not started
        if it has not, its result unused)."""
        room = (key.scope, room_id)
        if room in self._twice:
            return
        other = self._rooms.setdefault(room, key)
        if other != key:
            self._twice.add(room)
            started = self._reads.pop(other, None)
            self._early.pop(other, None)
            if started is not None:
                started[1].cancel()  # if it has not started
            return
        self._reads[key] = (room_id, self._submit_read(size, self._read_room, key, room_id))
