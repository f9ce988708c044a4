"""``audit`` on a terminal too narrow for its table (QA-HE Q-HE-3): one record a block
instead, each column's header beside its value, wrapped at words. At 40 columns a table
of five columns kept its one-word roles whole (``Administrator``) and left the others,
the room's name and id among them, no width at all. The table is kept while every
column can have ``MIN_COLUMN`` columns and its header whole (a role of one word its
whole width; at 50 columns the headers were cut, ``ROO``/``M``)::

    announcements
      ROOM ID: room-announcements
      LIVE: -
      DECLARED: Member
      NOTE: declared, not in the room: plan adds it
      WHERE: Member via @everyone > @sre at
        desired-state/teams/sre/sre.yaml:6
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from reconciler.render.columns import cell_len
from reconciler.render.text import wrap_hanging

MIN_COLUMN = 6  # the least a column of a table is given before blocks are drawn instead
INDENT = "  "


def table_fits(width: int, headers: Sequence[str], whole: Sequence[str | None]) -> bool:
    """Whether a table of ``headers`` fits ``width`` giving each column at least
    ``MIN_COLUMN`` columns and its header's width (a header is not folded), and where
    ``whole`` names a text kept on one line (a one-word role), that text's width. Each
    column has a space either side and one rule between two (rich's table, no edge)."""
    need = 3 * len(headers) - 1
    for header, kept in zip(headers, whole, strict=True):
        need += max(MIN_COLUMN, cell_len(header), cell_len(kept or ""))
    return need <= width


def block_lines(headers: Sequence[str], rows: Sequence[Sequence[Text]], width: int) -> list[Text]:
    """Each row as a block: its first cell's first line (the target's name), ``HEADER ID:``
    and its next line (the target's id), then ``HEADER: value`` for each other cell (each
    line of a value so), wrapped at words to ``width``; a blank line between blocks."""
    lines: list[Text] = []
    for r, row in enumerate(rows):
        if r:
            lines.append(Text())
        first, *rest = row
        name, *ids = first.split("\n")
        lines.extend(wrap_hanging(name, width))
        for piece in ids:
            line = Text.assemble(INDENT, (f"{headers[0]} ID: ", "bold"), piece)
            lines.extend(wrap_hanging(line, width))
        for header, cell in zip(headers[1:], rest, strict=True):
            for piece in cell.split("\n"):
                line = Text.assemble(INDENT, (f"{header}: ", "bold"), piece)
                lines.extend(wrap_hanging(line, width))
    return lines
