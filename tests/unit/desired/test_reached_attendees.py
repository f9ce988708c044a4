"""`validate` refuses a meeting attendee AWS would refuse however it is reached: an
ExternalUserId over 64 characters that a group brings into a meeting is an error at the
group entry's line, naming the meeting and the group (QA3 Q5: validate passed it, and
every plan and apply then failed)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reconciler.cli.main import cli

MEETING_ID = "6f1c2a9e-0000-4000-8000-000000000001"
LONG = "a" * 60 + "@example.com"  # 72 characters: a fine room member, not an attendee


def validate(root: Path, text: str) -> tuple[int, list[str]]:
    root.mkdir(exist_ok=True)
    (root / "m.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--desired", str(root), "validate"])
    return result.exit_code, (result.stderr or result.stdout).splitlines()


def test_an_attendee_a_group_brings_is_checked_at_the_group_entry(tmp_path: Path) -> None:
    code, lines = validate(
        tmp_path / "d",
        "groups:\n"
        "  sre:\n"
        "    - alice@example.com\n"
        f"    - {LONG}\n"
        "meetings:\n"
        "  bridge:\n"
        f"    meeting_id: {MEETING_ID}\n"
        "    attendees:\n"
        '      "@sre": viewer\n',
    )
    assert code == 1
    assert lines == [
        f"{tmp_path / 'd' / 'm.yaml'}:4: meeting bridge: {LONG} (through @sre): an "
        f"ExternalUserId has 2 to 64 characters, {LONG!r} has 72",
        "Desired state is invalid: 1 error.",
    ]


def test_the_same_group_in_a_room_only_is_valid(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "settings.yaml").write_text("account: 11111111-2222-3333-4444-555555555555\n")
    code, lines = validate(
        tmp_path / "d",
        f"groups:\n  sre: [alice@example.com, {LONG}]\nrooms:\n  ops:\n    members: ['@sre']\n",
    )
    assert (code, lines[-1]) == (0, "Desired state is valid: 1 room, 2 memberships in 2 files.")


def test_an_attendee_a_group_brings_is_reported_with_the_other_errors(tmp_path: Path) -> None:
    # QA N Q-N-1: any other error (an undefined group in a room, a bad attendee or an
    # unknown profile in the same meeting) hid it until that one was fixed
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "settings.yaml").write_text("account: 11111111-2222-3333-4444-555555555555\n")
    (tmp_path / "d" / "rooms.yaml").write_text("rooms:\n  ops:\n    members: ['@nosuch']\n")
    code, lines = validate(
        tmp_path / "d",
        "groups:\n"
        '  sre: [alice@example.com, "o~neil@example.com"]\n'
        "meetings:\n"
        "  bridge:\n"
        f"    meeting_id: {MEETING_ID}\n"
        "    attendees:\n"
        '      "@sre": viewer\n'
        "      bob@example.com: watcher\n",
    )
    d = tmp_path / "d"
    assert code == 1
    assert [line.split(": ", 2)[:2] for line in lines[:-1]] == [
        [f"{d / 'm.yaml'}:8", "meetings.bridge.attendees.bob@example.com"],
        [f"{d / 'rooms.yaml'}:3", "rooms.ops.members[0]"],
        [f"{d / 'm.yaml'}:2", "meeting bridge"],
    ]
    assert lines[2].startswith(
        f"{d / 'm.yaml'}:2: meeting bridge: o~neil@example.com (through @sre): AWS refuses '~'"
    )
    assert lines[-1] == "Desired state is invalid: 3 errors."
