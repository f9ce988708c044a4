"""A ``bot:NAME`` that several bots have. AWS's bot names are not unique (CreateBot's
``DisplayName``, CreateAppInstanceBot's ``Name``), and a room or a channel names a bot by
its name only. The rule both kinds follow (QA-AL Q-AL-3, QA-EU Q-EU-1): such a reference
is a plan error at its line, naming the bots, and its target is not planned (no bot is
picked, none pruned), whatever targets are in scope. ``several_bots`` is that error's
message; each provider gives its own words (what its bots are called, where they are, how
one is told apart)."""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.refs import MemberKind, MemberRef


def several_bots(
    ref: MemberRef, ids: Iterable[str], bots: str, scope: str, noun: str, fix: str
) -> str:
    """Why a ``noun`` declaring ``ref`` is not planned, as the plan says it, ``ids`` being
    the bots of that name in ``scope`` (``bots``: what they are called, "Chime bots");
    "": a user, or a bot name at most one bot has."""
    named = sorted(ids)
    if ref.kind is not MemberKind.BOT or len(named) < 2:
        return ""
    return (
        f"{len(named)} {bots} named {ref.key!r} in {scope} ({', '.join(named)}): bot names "
        f"are not unique, and a {noun} names a bot by its name only: {fix}"
    )
