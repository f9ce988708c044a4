"""Q-P-2: audit's channel table (stdout not a terminal) lines its columns up as the
terminal shows them: a CJK channel name takes two columns a character, a combining accent
none."""

from __future__ import annotations

from rich.cells import cell_len

from reconciler.audit import Audit, AuditRow, Status
from reconciler.kinds.channels import CHANNEL, DEFAULT
from reconciler.refs import Location, MemberRef, Provenance
from reconciler.render.audit import section_lines

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
NAMES = ("plain-chat", "日本語チャット", "e\u0301e\u0301-combining")


def row(i: int, name: str) -> AuditRow:
    arn = f"{INSTANCE}/channel/chan-{i}"
    where = (Provenance(DEFAULT, Location("chat.yaml", 4)),)
    return AuditRow(
        CHANNEL.id,
        INSTANCE,
        name,
        arn,
        "u",
        DEFAULT,
        DEFAULT,
        where,
        False,
        Status.IN_SYNC,
        "declared",
    )


def plain_lines(rows: list[AuditRow]) -> list[str]:
    member = MemberRef.user("alice@example.com")
    return section_lines(Audit(member, (CHANNEL.id,), (), True, "", tuple(rows)))


def test_channel_columns_line_up_whatever_the_names_width() -> None:
    lines = plain_lines([row(i, name) for i, name in enumerate(NAMES)])
    starts = {cell_len(line[: line.index("CHANNEL ID")]) for line in lines[:1]}
    starts |= {cell_len(line[: line.index("chan-")]) for line in lines[1:]}
    assert len(lines) == 1 + len(NAMES)
    assert starts == {cell_len("日本語チャット  ")}  # one column for every row, after the widest
