"""A group's entry written otherwise than its reference (``Bot:Recorder``, ``bot:
Recorder``) is read by each kind that uses the group as it reads that text (Q-EK-1): a
room's bot ``bot:Recorder``, a meeting's ExternalUserId as written."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from reconciler.desired.loader import load_desired
from reconciler.refs import MemberKind

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"


@pytest.mark.parametrize("written", ["Bot:Recorder", "bot: Recorder", " bot:Recorder"])
def test_a_group_entry_is_read_by_each_kind_using_it(tmp_path: Path, written: str) -> None:
    (tmp_path / "settings.yaml").write_text("account: acct\n")
    (tmp_path / "all.yaml").write_text(
        textwrap.dedent(f"""
        groups:
          g: ["{written}", alice@example.com]
        rooms:
          ops:
            members: ["@g"]
        meetings:
          bridge:
            meeting_id: {MEETING}
            attendees:
              "@g": presenter
        """)
    )
    state = load_desired(tmp_path)
    by_kind = {t.key.kind: sorted(str(m.ref) for m in t.members) for t in state.targets}
    bot = [m.ref for t in state.targets if t.key.kind == "room" for m in t.members]
    assert MemberKind.BOT in {r.kind for r in bot}
    as_written = written.strip() if written.strip() != "bot:Recorder" else "bot:Recorder"
    assert by_kind["room"] == ["alice@example.com", "bot:Recorder"]
    assert by_kind["meeting"] == sorted(["alice@example.com", as_written])
