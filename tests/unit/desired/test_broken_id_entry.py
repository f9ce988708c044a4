"""QA5 Q5-10: a target whose id is malformed or missing (a meeting's ``meeting_id``, a
room's ``id:``, a channel's ``arn:``) is still checked: the other problems of its entry
are reported in the same run (README: "Every problem is reported in one run"), and its
broken id makes no other error (it is no target to compare with the others)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from reconciler.desired.loader import load_desired
from reconciler.errors import DesiredStateError
from reconciler.kinds import registry

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
SETTINGS = f"""
account: acct
app_instances:
  chat: {{arn: '{INSTANCE}', bearer: 'user:reconciler'}}
"""


def problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    root = tmp_path / "ds"
    for name, text in {"settings.yaml": SETTINGS, **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    with pytest.raises(DesiredStateError) as info:
        load_desired(root)
    return [str(p).replace(str(tmp_path) + "/", "") for p in info.value.problems]


def test_a_malformed_meeting_id_hides_no_other_problem_of_its_meeting(tmp_path: Path) -> None:
    """QA5's reproduction: the unknown profile was reported only on the next run."""
    assert problems(
        tmp_path,
        {
            "x.yaml": """
            meetings:
              m1:
                meeting_id: not-a-uuid
                attendees:
                  alice@example.com: presenterr
                  "@nosuch": viewer
            """
        },
    ) == [
        "ds/x.yaml:3: meetings.m1.meeting_id: expected a meeting id (a UUID) or "
        "${ENVIRONMENT_VARIABLE}, got 'not-a-uuid'",
        "ds/x.yaml:5: meetings.m1.attendees.alice@example.com: unknown capability profile "
        "'presenterr' (did you mean 'presenter'?)",
        "ds/x.yaml:6: meetings.m1.attendees.@nosuch: undefined group '@nosuch'",
    ]


def test_a_missing_meeting_id_hides_no_other_problem_of_its_meeting(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        {"x.yaml": "meetings:\n  m1:\n    attendees: {alice@example.com: presenterr}\n"},
    ) == [
        "ds/x.yaml:2: meetings.m1: missing required key 'meeting_id'",
        "ds/x.yaml:3: meetings.m1.attendees.alice@example.com: unknown capability profile "
        "'presenterr' (did you mean 'presenter'?)",
    ]


def test_a_broken_room_id_or_channel_arn_hides_no_other_problem(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        {
            "x.yaml": """
            rooms:
              lounge:
                id: " "
                members: [a@example.com, "@nosuch", a@example.com]
            channels:
              chat:
                arn: not-an-arn
                members: [user:a, "@nosuch"]
            """
        },
    ) == [
        "ds/x.yaml:3: rooms.lounge.id: must not be blank",
        "ds/x.yaml:4: rooms.lounge.members[2]: 'a@example.com' is listed twice (first at line 4)",
        "ds/x.yaml:4: rooms.lounge.members[1]: undefined group '@nosuch'",
        "ds/x.yaml:7: channels.chat.arn: expected "
        "arn:aws:chime:REGION:ACCOUNT:app-instance/ID/channel/ID, got 'not-an-arn'",
        "ds/x.yaml:8: channels.chat.members[1]: undefined group '@nosuch'",
    ]


def test_a_broken_id_makes_no_other_error(tmp_path: Path) -> None:
    """Two meetings with broken ids are not one meeting declared twice; a room whose id is
    broken is not the room its key names, nor a room without a name."""
    assert problems(
        tmp_path,
        {
            "x.yaml": """
            meetings:
              a: {meeting_id: bad-1, attendees: {alice@example.com: viewer}}
              b: {meeting_id: bad-2, attendees: {alice@example.com: viewer}}
            rooms:
              lounge: {members: [a@example.com]}
              ~: {id: "", members: [a@example.com]}
            """,
            "y.yaml": "rooms:\n  lounge: {id: 5, members: [a@example.com]}\n",
        },
    ) == [
        "ds/x.yaml:2: meetings.a.meeting_id: expected a meeting id (a UUID) or "
        "${ENVIRONMENT_VARIABLE}, got 'bad-1'",
        "ds/x.yaml:3: meetings.b.meeting_id: expected a meeting id (a UUID) or "
        "${ENVIRONMENT_VARIABLE}, got 'bad-2'",
        'ds/x.yaml:6: rooms."".id: must not be blank',
        "ds/y.yaml:2: rooms.lounge.id: expected a string, got the number 5 (quote it)",
    ]


def test_every_required_id_field_has_a_stand_in() -> None:
    """A required id that is broken is replaced by a valid stand-in while the rest of its
    entry is checked (an optional one is left out)."""
    for kind in registry.all_kinds():
        if kind.id_field is None:  # no id key: its target is its scope
            continue
        if kind.spec.model_fields[kind.id_field].is_required():
            assert kind.id_stand_in is not None
            kind.spec.model_validate({kind.id_field: kind.id_stand_in})  # a valid id


def test_what_stands_in_for_a_broken_id_is_not_checked_against_restrictions(
    tmp_path: Path,
) -> None:
    rules = "restrictions:\n  - {path: 'teams/**', meetings: ['^web-']}\n"
    web = "meetings:\n  web-m: {meeting_id: bad, attendees: {alice@example.com: viewer}}\n"
    assert problems(tmp_path, {"restrictions.yaml": rules, "teams/w.yaml": web}) == [
        "ds/teams/w.yaml:2: meetings.web-m.meeting_id: expected a meeting id (a UUID) or "
        "${ENVIRONMENT_VARIABLE}, got 'bad'"
    ]
