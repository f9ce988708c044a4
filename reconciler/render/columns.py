"""Widths as a terminal shows text: in columns (rich's cells), not in characters. A CJK
character or most emoji take two columns, a combining mark (the accent of ``é`` written
as ``e`` + U+0301) none: a name padded or cut by its length in characters puts the next
column out of line, or a line past the terminal's edge (Q-P-2)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, get_character_cell_size

__all__ = ["cell_len", "fitting_end", "pad", "widths"]


def pad(text: str, width: int) -> str:
    """``text`` and spaces after it up to ``width`` columns (``str.ljust`` by columns)."""
    return text + " " * (width - cell_len(text))


def widths(table: Sequence[Sequence[str]], count: int | None = None) -> list[int]:
    """The columns each of the first ``count`` cells of ``table``'s rows takes at most
    (all of them when None)."""
    n = len(table[0]) if count is None else count
    return [max(cell_len(row[i]) for row in table) for i in range(n)]


def fitting_end(text: str, start: int, room: int) -> int:
    """The end of the longest ``text[start:end]`` shown in ``room`` columns or fewer, a
    combining mark kept with its letter; at least one character, even one wider than
    ``room``."""
    used = 0
    end = start
    while end < len(text):
        used += get_character_cell_size(text[end])
        if used > room:
            break
        end += 1
    return max(end, start + 1)


def value_lines(value: str, room: int) -> list[str]:
    """``value`` (an ARN, an id) in pieces of at most ``room`` columns: whole when it
    fits; else each piece ends before a ``/`` or after a ``:`` where one falls in it (the
    ARN's own parts kept whole), else after a ``-`` (a UUID's groups kept whole), else
    where the room ends."""
    pieces: list[str] = []
    start = 0
    while cell_len(value[start:]) > room:
        end = fitting_end(value, start, room)
        slash = value.rfind("/", start + 1, end + 1)
        colon = value.rfind(":", start, end)
        cut = max(slash, colon + 1 if colon >= 0 else -1)
        if cut <= start:  # an id (a UUID): after a ``-`` (QA-HE Q-HE-11)
            cut = value.rfind("-", start, end) + 1
        if cut <= start:
            cut = end
        pieces.append(value[start:cut])
        start = cut
    pieces.append(value[start:])
    return pieces
