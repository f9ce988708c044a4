"""Membership kinds as data: ``Kind`` (``reconciler.kinds.base``), the registry, and the
built-in kinds (rooms). See ``reconciler.kinds.base`` for what a kind describes."""

from reconciler.kinds.base import EntryPath, Kind, RoleConflict, RoleList, RoleValue, Words
from reconciler.kinds.registry import (
    UnknownKindError,
    all_kinds,
    get,
    known,
    register,
    registered,
    sections,
    unregister,
)
from reconciler.kinds.rooms import ROOM

register(ROOM)

__all__ = [
    "ROOM",
    "EntryPath",
    "Kind",
    "RoleConflict",
    "RoleList",
    "RoleValue",
    "UnknownKindError",
    "Words",
    "all_kinds",
    "get",
    "known",
    "register",
    "registered",
    "sections",
    "unregister",
]
