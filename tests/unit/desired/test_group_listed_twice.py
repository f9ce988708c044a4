"""Q-FO-7: a group listing ``bot:Recorder`` and ``Bot:Recorder`` is refused (a group is
one list for every kind that uses it, and rooms and channels read both as the bot
``bot:Recorder``), quoting the entry as written on its line and saying that a meeting
reads the two apart and where to write them instead; that advice works."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.desired.loader import load_desired
from reconciler.errors import DesiredStateError

MEETING = "    meeting_id: 6f1c2a9e-0000-4000-8000-000000000061\n"


def problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "m.yaml").write_text(text)
    with pytest.raises(DesiredStateError) as raised:
        load_desired(tmp_path)
    return [str(p).removeprefix(f"{tmp_path}/") for p in raised.value.problems]


def test_two_spellings_a_meeting_reads_apart_are_explained(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        "groups:\n  rec:\n    - bot:Recorder\n    - Bot:Recorder\n"
        "meetings:\n  br:\n" + MEETING + '    attendees: {"@rec": viewer}\n',
    ) == [
        "m.yaml:4: groups.rec[1]: 'Bot:Recorder' is listed twice: channels and rooms read "
        "it as bot:Recorder, as 'bot:Recorder' at line 3; meetings read the two apart, but "
        "a group is one list for every kind that uses it: write both in the meeting itself, "
        "or in two groups"
    ]


def test_the_advice_is_taken(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(
        "groups:\n  rec1: [bot:Recorder]\n  rec2: [Bot:Recorder]\n"
        "meetings:\n  br:\n" + MEETING + '    attendees: {"@rec1": viewer, "@rec2": viewer}\n'
        "  direct:\n    meeting_id: 6f1c2a9e-0000-4000-8000-000000000062\n"
        "    attendees: {bot:Recorder: viewer, Bot:Recorder: viewer}\n"
    )
    desired = load_desired(tmp_path)
    assert {len(t.members) for t in desired.targets} == {2}


def test_a_repeat_every_kind_reads_as_one_keeps_its_message(tmp_path: Path) -> None:
    """Every kind reads e-mail addresses ignoring case: the message as before, the entry
    quoted as written on its own line."""
    assert problems(
        tmp_path,
        "groups:\n  g:\n    - Alice@example.com\n    - alice@example.com\n"
        "    - bot:Pager\n    - bot:Pager\n",
    ) == [
        "m.yaml:4: groups.g[1]: 'alice@example.com' is listed twice (first at line 3)",
        "m.yaml:6: groups.g[3]: 'bot:Pager' is listed twice (first at line 5)",
    ]
