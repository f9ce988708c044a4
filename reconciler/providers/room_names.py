"""The plan's words for a room declared by a name several Chime rooms of its account have:
one text for the plan (``rooms``) and audit (``rooms_finder``, QA-FT Q-FT-5)."""

from __future__ import annotations

from collections.abc import Iterable


def several_rooms_named(account: str, name: str, room_ids: Iterable[str]) -> str:
    """The plan's error on a room declared by a name several Chime rooms of its account
    have (``room_ids``, sorted): audit says it too (QA-FT
    Q-FT-5)."""
    ids = list(room_ids)
    return (
        f"{len(ids)} Chime rooms named {name} in account {account} "
        f"({', '.join(ids)}): give the room's id"
    )
