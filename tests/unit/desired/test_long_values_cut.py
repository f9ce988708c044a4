"""Values a message quotes back, cut to their first 80 characters and their length
(QA-GE): a long capability profile and a long ARN region were quoted whole (Q-GE-1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reconciler.cli.main import cli

X = "x" * 300


def validate(root: Path) -> Any:
    return CliRunner().invoke(cli, ["--desired", str(root), "validate"], catch_exceptions=False)


def test_a_long_profile_and_a_long_arn_region_are_quoted_cut_short(tmp_path: Path) -> None:
    """Q-GE-1: lines of 409 and 477 characters, the 300 x's whole; now the first 80 and
    the length, as for until: and meeting_id."""
    (tmp_path / "settings.yaml").write_text(
        f'app_instances:\n  c2: {{arn: "arn:aws:chime:{X}:111122223333:app-instance/c", '
        "bearer: user:r}\n"
    )
    (tmp_path / "m.yaml").write_text(
        "meetings:\n  m1:\n    meeting_id: 3b8c3c4e-1111-2222-3333-444455556666\n"
        f'    attendees:\n      alice@example.com: "{X}"\n'
        f'      bob@example.com: {{profile: "{X}", until: 2027-01-01}}\n'
    )
    result = validate(tmp_path)
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert not [e for e in errors if "x" * 81 in e]  # none quoted whole
    known = "(known: participant, presenter, viewer; add yours under capability_profiles"
    assert errors[:3] == [
        f"{tmp_path}/m.yaml:5: meetings.m1.attendees.alice@example.com: unknown capability "
        f"profile {X[:80]!r}…(300 characters) {known} in settings.yaml)",
        f"{tmp_path}/m.yaml:6: meetings.m1.attendees.bob@example.com: unknown capability "
        f"profile {X[:80]!r}…(300 characters) {known} in settings.yaml)",
        f"{tmp_path}/settings.yaml:2: app_instances.c2.arn: Chime SDK messaging exists only "
        f"in us-east-1 and eu-central-1, not {X[:80]}…(300 characters)",
    ]


def test_a_short_profile_and_region_are_quoted_whole(tmp_path: Path) -> None:
    """Below 80 characters nothing changes: 'Viewer' and us-west-2 as written."""
    (tmp_path / "settings.yaml").write_text(
        'app_instances:\n  c2: {arn: "arn:aws:chime:us-west-2:111122223333:app-instance/c", '
        "bearer: user:r}\n"
    )
    (tmp_path / "m.yaml").write_text(
        "meetings:\n  m1:\n    meeting_id: 3b8c3c4e-1111-2222-3333-444455556666\n"
        "    attendees:\n      alice@example.com: Viewer\n"
    )
    errors = validate(tmp_path).stderr.splitlines()
    assert errors[:2] == [
        f"{tmp_path}/m.yaml:5: meetings.m1.attendees.alice@example.com: unknown capability "
        "profile 'Viewer' (did you mean 'viewer'?)",
        f"{tmp_path}/settings.yaml:2: app_instances.c2.arn: Chime SDK messaging exists only "
        "in us-east-1 and eu-central-1, not us-west-2",
    ]
