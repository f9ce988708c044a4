"""Mistakes QA found without a helpful message: an impossible date says the expected form
(as other date errors do) and why; a typo of an entry's `member:` or a meeting attendee's
`profile:` gets "did you mean"; `validate`'s summary keeps each kind's counts together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli

SETTINGS = (
    "account: acc-1\n"
    "app_instances:\n"
    "  chat: {arn: 'arn:aws:chime:us-east-1:111122223333:app-instance/chat', bearer: 'user:r'}\n"
)
EXPECTED = "expected a date (2027-03-31) or a date and time with a zone (2027-03-31T18:00:00Z)"
MEETING = "6f1c2a9e-0000-4000-8000-000000000001"


def bridge(attendees: str) -> str:
    """A meetings file declaring the meeting bridge with ``attendees`` (after the key)."""
    return f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n    attendees:{attendees}\n"


def validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **files: str) -> Any:
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "settings.yaml").write_text(SETTINGS)
    for name, text in files.items():
        (ds / f"{name}.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(cli, ["--desired", "ds", "validate"], catch_exceptions=False)


def problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **files: str) -> list[str]:
    """`validate`'s problem lines (it must exit 1 and count them last)."""
    result = validate(tmp_path, monkeypatch, **files)
    *found, last = result.output.splitlines()
    assert (result.exit_code, last) == (1, f"Desired state is invalid: {len(found)} errors.")
    return found


def test_an_impossible_date_says_the_expected_form_and_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rooms = (
        "rooms:\n"
        "  ops:\n"
        "    members:\n"
        "      - {member: a@example.com, until: 2027-02-30}\n"
        "      - {member: b@example.com, until: 2027-13-01}\n"
        "      - {member: c@example.com, until: 2027-02-30T18:00:00Z}\n"
        "      - {member: d@example.com, until: '2027-02-30'}\n"
    )
    quote = "or quotes around text that is not a date"
    assert problems(tmp_path, monkeypatch, rooms=rooms) == [
        "ds/rooms.yaml:4: rooms.ops.members[0].until: invalid date '2027-02-30' (day is out "
        f"of range for month): {EXPECTED}, {quote}",
        "ds/rooms.yaml:5: rooms.ops.members[1].until: invalid date '2027-13-01' (month must "
        f"be in 1..12): {EXPECTED}, {quote}",
        "ds/rooms.yaml:6: rooms.ops.members[2].until: invalid date '2027-02-30T18:00:00Z' "
        f"(day is out of range for month): {EXPECTED}, {quote}",
        # quoted, it is text: `until:`'s own check says the same
        f"ds/rooms.yaml:7: rooms.ops.members[3].until: {EXPECTED}, got '2027-02-30' (day is "
        "out of range for month)",
    ]


def test_a_zone_out_of_range_says_so_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA5 Q5-11: `+24:00` printed Python's timedelta internals; every spelling (YAML's
    timestamp, quoted text, `--now`) says the zone's range instead."""
    rooms = (
        "rooms:\n"
        "  ops:\n"
        "    members:\n"
        "      - {member: a@example.com, until: 2027-03-31T18:00:00+24:00}\n"
        "      - {member: b@example.com, until: '2027-03-31T18:00:00-25:30'}\n"
    )
    zone = "the zone offset must be between -23:59 and +23:59"
    assert problems(tmp_path, monkeypatch, rooms=rooms) == [
        "ds/rooms.yaml:4: rooms.ops.members[0].until: invalid date "
        f"'2027-03-31T18:00:00+24:00' ({zone}): {EXPECTED}, or quotes around text that is "
        "not a date",
        f"ds/rooms.yaml:5: rooms.ops.members[1].until: {EXPECTED}, got "
        f"'2027-03-31T18:00:00-25:30' ({zone})",
    ]
    result = CliRunner().invoke(
        cli, ["--desired", "ds", "--now", "2027-03-31T18:00:00+24:00", "validate"]
    )
    assert result.exit_code == 1
    assert f"got '2027-03-31T18:00:00+24:00' ({zone})" in result.output
    assert "timedelta" not in result.output


def test_a_typo_of_member_or_profile_gets_a_suggestion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rooms = "rooms:\n  ops:\n    members:\n      - {membr: a@example.com, until: 2027-03-01}\n"
    meetings = bridge(
        "\n      alice@example.com: {profle: presenter, until: 2027-03-25}"
        "\n      bob@example.com: {until: 2027-03-25}"
    )
    assert problems(tmp_path, monkeypatch, rooms=rooms, meetings=meetings) == [
        "ds/meetings.yaml:5: meetings.bridge.attendees.alice@example.com: unknown key "
        "'profle' (did you mean 'profile'?)",
        "ds/meetings.yaml:6: meetings.bridge.attendees.bob@example.com: expected a capability "
        "profile, or a mapping with `profile:` (and `until:`, `reason:`, `ticket:`), got a "
        "mapping with keys: until",
        "ds/rooms.yaml:4: rooms.ops.members[0]: unknown key 'membr' (did you mean 'member'?)",
    ]


def test_the_summary_keeps_a_channel_and_its_moderators_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = "channels:\n  ops: {members: [user:a], moderators: [user:a]}\n"
    meetings = bridge(" {alice@example.com: viewer}")
    result = validate(tmp_path, monkeypatch, chat=chat, meetings=meetings)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Desired state is valid: 1 channel, 1 channel moderator list, 1 meeting, "
        "3 memberships in 3 files.\n"
    )
