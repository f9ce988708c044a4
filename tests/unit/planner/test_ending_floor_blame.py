"""QA-FC Q-FC-1: "its end leaves 0 administrators ... the plan is then refused" goes to
the ends that take the room below its minimum, not to a plain member's end nor to the
later end of a path that is no longer elevated."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from planner_builders import ADMIN, MEMBER, live_member, live_state, live_target

from reconciler.desired.loader import load_desired
from reconciler.planner import plan
from reconciler.refs import Role
from reconciler.render.text import render_text

ACCOUNT = "11111111-2222-3333-4444-555555555555"
REFUSED = (
    "; its end leaves 0 administrators, fewer than the minimum of 1 "
    "(safety.min_administrators): the plan is then refused"
)


def messages(tmp_path: Path, rooms: str, *live: tuple[str, Role]) -> list[str]:
    (tmp_path / "settings.yaml").write_text(
        f"account: {ACCOUNT}\nprune: true\nsafety: {{min_administrators: 1, max_removals: 10}}\n"
    )
    (tmp_path / "rooms.yaml").write_text(textwrap.dedent(rooms).lstrip())
    d = load_desired(tmp_path)
    state = live_state(d, live_target("leadership", *(live_member(m, r) for m, r in live)))
    p = plan(d, state, now=dt.datetime(2027, 3, 1, tzinfo=dt.UTC))
    return render_text(p).splitlines()


def test_a_plain_members_later_end_carries_no_refusal(tmp_path: Path) -> None:
    text = messages(
        tmp_path,
        """
        rooms:
          leadership:
            administrators:
              - {member: dave@example.com, until: 2027-03-10}
              - {member: carol@example.com, until: 2027-03-10}
            members: [{member: erin@example.com, until: 2027-03-12}]
        """,
        ("dave@example.com", ADMIN),
        ("carol@example.com", ADMIN),
        ("erin@example.com", MEMBER),
    )
    at = f"{tmp_path}/rooms.yaml"
    assert text[2:6] == [
        "Warning: 3 memberships end within 14 days:",
        f"  carol@example.com in room leadership: Administrator until 2027-03-10 (9 days "
        f"left), declared at {at}:5{REFUSED}",
        f"  dave@example.com in room leadership: Administrator until 2027-03-10 (9 days "
        f"left), declared at {at}:4{REFUSED}",
        f"  erin@example.com in room leadership: Member until 2027-03-12 (11 days left), "
        f"declared at {at}:6",
    ]


def test_an_administrators_later_member_end_carries_no_refusal(tmp_path: Path) -> None:
    text = messages(
        tmp_path,
        """
        rooms:
          leadership:
            administrators:
              - {member: carol@example.com, until: 2027-03-10}
            members:
              - {member: carol@example.com, until: 2027-03-12}
        """,
        ("carol@example.com", ADMIN),
    )
    at = f"{tmp_path}/rooms.yaml"
    assert text[2:5] == [
        "Warning: 2 memberships end within 14 days:",
        f"  carol@example.com in room leadership: Administrator until 2027-03-10 (9 days "
        f"left), declared at {at}:4{REFUSED}",
        f"  carol@example.com in room leadership: Member until 2027-03-12 (11 days left), "
        f"declared at {at}:6",
    ]
