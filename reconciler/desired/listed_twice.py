"""The error of a member written twice in one list (``loader._entries``), quoting the
text as written on its own line (``BOT:x`` as ``BOT:x``, not as ``bot:x``). In a group
whose two spellings some kinds read as one member and others as two (``bot:Recorder`` and
``Bot:Recorder``: one bot for rooms and channels, two attendees for a meeting), it says
so and what to do: a group is one list whichever kind uses it, so two entries one kind
reads as one member are refused there (Q-FO-7).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from reconciler import kinds
from reconciler.kinds import Kind
from reconciler.prose import listed
from reconciler.refs import MemberRef


def listed_twice(text: str, entry: object, first_line: int, first_text: str, in_group: bool) -> str:
    """``text`` (``entry`` as parsed) repeats the entry written ``first_text`` at
    ``first_line`` of the same list: quoted as written on its own line."""
    written, before = text.strip(), first_text.strip()
    one, apart = _readings(written, before, kinds.all_kinds()) if in_group else ([], [])
    if not apart:
        return f"{written!r} is listed twice (first at line {first_line})"
    return (
        f"{written!r} is listed twice: {listed(one)} read it as {entry}, as {before!r} at "
        f"line {first_line}; {listed(apart)} read the two apart, but a group is one list "
        "for every kind that uses it: write both in the "
        f"{apart[0].removesuffix('s')} itself, or in two groups"
    )


def _readings(a: str, b: str, every: Iterable[Kind]) -> tuple[list[str], list[str]]:
    """The kinds (plural nouns, each once, in registry order) reading ``a`` and ``b`` as
    one member, and as two."""
    one: list[str] = []
    apart: list[str] = []
    for kind in every:
        same = _parse(kind.parse_member, a) == _parse(kind.parse_member, b)
        noun = kind.section  # "rooms", "channels", "meetings": what the files call them
        bucket = one if same else apart
        if noun not in one + apart:
            bucket.append(noun)
    return one, apart


def _parse(parse: Callable[[str], MemberRef], text: str) -> MemberRef | str:
    try:
        return parse(text)
    except ValueError:  # a reference the kind does not take: not one of its members
        return text
