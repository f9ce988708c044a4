"""A target's header too wide for the terminal (QA-FK Q-FK-8): a channel's, whose parts are
ARNs wider than a 60-column line, put a lone `,` on a line of its own and cut its ARN
anywhere; a room's puts `account …,` and `id …` on the next lines, as before."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from render_samples import ACCOUNT, ALICE, FP
from rich.console import Console

from reconciler.plan import Action, Change, Plan, TargetPlan
from reconciler.refs import MemberKind, MemberRef, TargetKey
from reconciler.render import render_plan
from reconciler.render.columns import cell_len, value_lines
from reconciler.render.text import HEADER_STYLE, TargetHeader, fit_header, wrap_hanging

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
CHANNEL = f"{INSTANCE}/channel/incident-chat"
HEADER = f"# channel incident-chat (app instance {INSTANCE}, id {CHANNEL})"


def _printed(line: str, width: int) -> list[str]:
    """As ``TextRenderer.run`` prints a target's header on a terminal of ``width`` columns."""
    head, _, details = line[:-1].partition(" (")  # these sample names hold no " ("
    header = TargetHeader(head, details, style=HEADER_STYLE)
    return [
        piece.plain for part in fit_header(header, width) for piece in wrap_hanging(part, width)
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


@pytest.mark.parametrize("width", [40, 41])
def test_a_room_header_keeps_the_account_id_whole_at_40_columns(width: int) -> None:
    """QA-HE Q-HE-11: indented 6 under ``account``, the 36-character id was cut
    (``…-5555555555`` / ``55``) at 40 and 41 columns, though it fits whole at 4."""
    header = "# room announcements (account 11111111-2222-3333-4444-555555555555, id room-ann)"
    assert _printed(header, width) == [
        "# room announcements",
        "    account",
        "    11111111-2222-3333-4444-555555555555",
        "    id room-ann",
    ]


def test_an_id_too_wide_for_any_line_is_cut_after_a_dash() -> None:
    """QA-HE Q-HE-11: a UUID is cut between its groups, not at any character."""
    assert value_lines("11111111-2222-3333-4444-555555555555", 20) == [
        "11111111-2222-3333-",
        "4444-555555555555",
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


# QA-FS Q-FS-1: import labels a shared name `NAME (ID)`; its header was cut at the name's
# own " (" (`# channel lobby`, then `    lobby-1) (app instance`), at every width where it
# did not fit whole.
SHARED_ROOM = TargetKey("room", ACCOUNT, "dup (room-dup-1)")
SHARED_CHANNEL = TargetKey("channel", INSTANCE, "lobby (lobby-1)")
DAVE = Change(
    Action.CREATE,
    SHARED_CHANNEL,
    MemberRef.user("dave"),
    f"{INSTANCE}/user/dave",
    MemberKind.USER,
    None,
    "DEFAULT",
)


def _on_terminal(plan: Plan, width: int) -> list[str]:
    out = io.StringIO()
    console = Console(
        file=out, width=width, force_terminal=True, color_system=None, highlight=False
    )
    render_plan(plan, "text", console=console)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_a_name_holding_a_parenthesis_stays_whole_at_any_width(width: int) -> None:
    room = TargetPlan(SHARED_ROOM, "room-dup-1", FP, (replace(ALICE, target=SHARED_ROOM),))
    channel = TargetPlan(SHARED_CHANNEL, f"{INSTANCE}/channel/lobby-1", FP, (DAVE,))
    lines = _on_terminal(Plan((room, channel)), width)
    room_header = f"# room dup (room-dup-1) (account {ACCOUNT}, id room-dup-1)"
    if width >= len(room_header):  # it fits: whole, as before
        assert room_header in lines
    else:
        at = lines.index("# room dup (room-dup-1)")
        details = _details(lines, at)  # at 40 columns the account id itself is cut
        assert details.startswith("account 1") and details.endswith(" id room-dup-1"), lines
    # a channel's header (its ARNs) never fits in 120 columns: the name on a line, whole
    at = lines.index("# channel lobby (lobby-1)")
    assert _details(lines, at) == f"app instance {INSTANCE} id {INSTANCE}/channel/lobby-1", lines
    assert all(cell_len(line) <= width for line in lines), (width, lines)


def _details(lines: list[str], at: int) -> str:
    """The indented lines under the header at ``at``, joined as one."""
    details = []
    for line in lines[at + 1 :]:
        if not line.startswith("    "):
            break
        details.append(line.strip())
    # a part on lines of its own has no comma; a value cut at "/" or after ":" is rejoined
    return " ".join(details).replace(",", "").replace(" /", "/").replace(": ", ":")
