"""A room's ``bot:NAME`` that several Chime bots of its account have (``bot_names``): the
plan's reason for not planning the room, as the plan (``RoomsProvider``), ``import`` and
``audit``'s finder (``rooms_finder``) all say it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from reconciler.bot_names import several_bots
from reconciler.providers.chime_api import Bot
from reconciler.refs import MemberRef

# what to do about a ``bot:NAME`` several bots have: Chime cannot rename a bot
BOT_FIX = (
    "Chime cannot rename a bot (UpdateBot only disables it): declare one whose name is its own"
)


def bot_ids(bots: Iterable[Bot]) -> dict[str, list[str]]:
    """The bots' ids by name (as a room's ``bot:NAME`` names them: stripped)."""
    named: dict[str, list[str]] = defaultdict(list)
    for bot in bots:
        named[bot.display_name.strip()].append(bot.bot_id)
    return named


def several_room_bots(ref: MemberRef, ids: dict[str, list[str]], account: str) -> str:
    """Why a room of ``account`` declaring ``ref`` is not planned, ``ids`` being the
    account's bots' ids by name (``bot_ids``); "": a user, or a bot name at most one bot
    has."""
    return several_bots(
        ref, ids.get(ref.key, []), "Chime bots", f"account {account}", "room", BOT_FIX
    )
