"""Rooms read while the desired state is still loading (``RoomsProvider.prefetch``).

The loader reports each room of a file loaded without a problem; its listing is started at
once on the provider's pool (``parallelism`` threads: no more calls at a time than a read
makes). A room declared by name waits for its account's ListRooms, started with the first
such room of the account (the one ListRooms a read makes there); the rooms that listing
matches exactly once are then read. Of the calls waiting for a thread, ListRooms starts
first, then the rooms declaring the most entries (a room's pages are read one after
another: the longest chains first, as ``read`` orders its own). ``RoomsProvider.read``
takes what was started, once: each listing and each room read is used by one read only,
and the reads it still has to make go to the same pool. ``cancel`` drops what has not
started (the desired state turned out invalid) and waits for the calls in flight, which
only read.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Mapping
from concurrent.futures import Future

from reconciler.live import LiveMember
from reconciler.parallel import PriorityPool
from reconciler.providers.base import ReadProgress
from reconciler.providers.chime_api import Room
from reconciler.refs import TargetKey

Listing = list[LiveMember] | None  # a room's members; None: no room with that id
FIRST = float("inf")  # ListRooms' priority: the rooms by name wait for it


class RoomReadAhead:
    def __init__(
        self,
        parallelism: int,
        list_rooms: Callable[[str], list[Room]],
        read_room: Callable[[TargetKey, str], Listing],
    ) -> None:
        self._pool = PriorityPool(parallelism, "read-ahead")
        self._list_rooms = list_rooms
        self._read_room = read_room
        self._lock = threading.Lock()
        self._closed = False
        self._listings: dict[str, Future[list[Room]]] = {}  # by account
        self._named: dict[str, dict[str, list[Room]]] = {}  # account -> name -> its rooms
        # for their account's listing, with their size
        self._waiting: dict[str, list[tuple[TargetKey, int]]] = defaultdict(list)
        self._reads: dict[TargetKey, tuple[str, Future[Listing]]] = {}  # room id, its read

    def start(self, key: TargetKey, room_id: str | None, size: int) -> None:
        """Start reading the room ``key`` (by ``room_id``, else by its name), declaring
        ``size`` entries."""
        with self._lock:
            if self._closed or key in self._reads:
                return
            if room_id is not None:
                self._start_read(key, room_id, size)
            elif key.scope in self._named:
                self._match(key, size)
            else:
                self._waiting[key.scope].append((key, size))
                if key.scope not in self._listings:
                    listing = self._pool.submit(FIRST, self._list, key.scope)
                    self._listings[key.scope] = listing

    def rooms(self, account: str) -> list[Room]:
        """The account's rooms: the ListRooms started ahead (used once), else one made now
        on the pool."""
        with self._lock:
            started = self._listings.pop(account, None)
        return (started or self._pool.submit(FIRST, self._list_rooms, account)).result()

    def members(
        self, key: TargetKey, room_id: str, size: int, progress: ReadProgress | None
    ) -> Future[Listing]:
        """The room's read: the one started ahead by this id (used once; ``progress`` told
        when it is done, as the reads made now tell it), else one started now on the pool
        (``size``: its members, its priority)."""
        with self._lock:
            ahead = self._reads.pop(key, None)
        if ahead is None or ahead[0] != room_id:
            return self._pool.submit(size, self._read_told, key, room_id, progress)
        started = ahead[1]
        if progress is not None:

            def done(f: Future[Listing]) -> None:
                if not f.cancelled() and f.exception() is None and f.result() is not None:
                    progress(key)

            started.add_done_callback(done)
        return started

    def _read_told(self, key: TargetKey, room_id: str, progress: ReadProgress | None) -> Listing:
        members = self._read_room(key, room_id)
        if members is not None and progress is not None:
            progress(key)
        return members

    def close(self, cancel: bool = False) -> None:
        """No more reads ahead; ``cancel``: drop those not started. Waits for the calls in
        flight."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(cancel)

    def _list(self, account: str) -> list[Room]:
        rooms = self._list_rooms(account)
        named: dict[str, list[Room]] = defaultdict(list)
        for room in rooms:
            named[room.name].append(room)
        with self._lock:
            self._named[account] = named
            if not self._closed:
                for key, size in self._waiting.pop(account, []):
                    self._match(key, size)
        return rooms

    def _match(self, key: TargetKey, size: int) -> None:
        """Read a room declared by name if exactly one room has that name (else ``read``
        reports it, from the same listing)."""
        matches: Mapping[str, list[Room]] = self._named[key.scope]
        found = matches.get(key.name, [])
        if len(found) == 1:
            self._start_read(key, found[0].room_id, size)

    def _start_read(self, key: TargetKey, room_id: str, size: int) -> None:
        self._reads[key] = (room_id, self._pool.submit(size, self._read_room, key, room_id))
