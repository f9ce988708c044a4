"""A target's header too wide for the terminal (QA-FK Q-FK-8): a channel's, whose parts are
ARNs wider than a 60-column line, put a lone `,` on a line of its own and cut its ARN
anywhere; a room's puts `account …,` and `id …` on the next lines, as before."""

from __future__ import annotations

from rich.text import Text

from reconciler.render.columns import cell_len, value_lines
from reconciler.render.text import fit_header, wrap_hanging

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
CHANNEL = f"{INSTANCE}/channel/incident-chat"
HEADER = f"# channel incident-chat (app instance {INSTANCE}, id {CHANNEL})"


def _printed(line: str, width: int) -> list[str]:
    """As ``TextRenderer.run`` prints a line on a terminal of ``width`` columns."""
    return [
        piece.plain for part in fit_header(Text(line), width) for piece in wrap_hanging(part, width)
    ]


def test_a_channel_header_at_60_columns() -> None:
    assert _printed(HEADER, 60) == [
        "# channel incident-chat",
        "    app instance",
        f"      {INSTANCE}",  # whole: it fits
        "    id",
        "      arn:aws:chime:us-east-1:111122223333:app-instance/chat",
        "      /channel/incident-chat",  # cut before a `/`
    ]


def test_a_channel_header_at_80_columns_keeps_the_comma_with_its_part() -> None:
    lines = _printed(HEADER, 80)
    assert lines[:2] == ["# channel incident-chat", f"    app instance {INSTANCE},"]
    assert all(cell_len(line) <= 80 for line in lines)


def test_no_line_is_a_lone_comma_and_every_line_fits_at_any_width() -> None:
    for width in range(30, 120):
        lines = _printed(HEADER, width)
        assert all(cell_len(line) <= width for line in lines), width
        assert not any(line.strip() in (",", "") for line in lines), (width, lines)


def test_a_room_header_is_as_before() -> None:
    header = "# room announcements (account 11111111-2222-3333-4444-555555555555, id room-ann)"
    assert _printed(header, 60) == [
        "# room announcements",
        "    account 11111111-2222-3333-4444-555555555555,",
        "    id room-ann",
    ]


def test_a_value_is_cut_at_its_separators_then_where_it_must() -> None:
    assert value_lines(CHANNEL, 80) == [CHANNEL]
    assert value_lines(CHANNEL, 40) == [
        "arn:aws:chime:us-east-1:111122223333:",
        "app-instance/chat/channel/incident-chat",
    ]
    assert value_lines(CHANNEL, 30) == [
        "arn:aws:chime:us-east-1:",
        "111122223333:app-instance/chat",
        "/channel/incident-chat",
    ]
    assert value_lines("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
