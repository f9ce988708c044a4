"""The plan's words for a room declared by a name several Chime rooms of its account have:
one text for the plan (``rooms``) and audit (``rooms_finder``, QA-FT Q-FT-5); and for a
name no room has: one text for the plan and ``import --room`` (QA REREAD 9)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from reconciler.quoted import named


def several_rooms_named(account: str, name: str, room_ids: Iterable[str]) -> str:
    """The plan's error on a room declared by a name several Chime rooms of its account
    have (``room_ids``, sorted): audit says it too (QA-FT
    Q-FT-5)."""
    ids = list(room_ids)
    return (
        f"{len(ids)} Chime rooms named {name} in account {account} "
        f"({', '.join(ids)}): give the room's id"
    )


def no_room(accounts: Sequence[str], name: str, listed: Collection[str], what: str = "name") -> str:
    """Why no room of ``listed`` (the names ListRooms gave in ``accounts``; for
    ``import --room`` its ids too, ``what="name or id"``) is ``name``: none has it, matched
    exactly, with the names that differ from it in case only, else the closest
    (``name_hint.did_you_mean``), as a channel's says (QA-HF Q-HF-5, QA REREAD 9)."""
    from reconciler.name_hint import did_you_mean  # only for this error (perf-start)

    where = "account" if len(accounts) == 1 else "accounts"
    meant = did_you_mean(name, listed)
    return (
        f"no Chime room named {named(name)} in {where} {', '.join(accounts)}: ListRooms lists "
        f"none of that {what} ({what.replace(' or ', 's and ')}s are matched exactly, case included"
        f"{': ' + meant if meant else ''})"
    )
