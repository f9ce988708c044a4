"""settings.yaml `max_grant_days` of a wrong type, value or key (QA D8, D9): one error at
its line, in the project's words (never pydantic's union members, never blamed on the
rooms it would limit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.desired.loader import load_desired
from reconciler.errors import DesiredStateError

ACCOUNT = "acct-1"
EITHER = "expected a whole number of days or a mapping of list keys to days, got"
KNOWN = "administrators, attendees, hidden, members, moderators, presenters, *"


def problems(tmp_path: Path, setting: str) -> list[str]:
    (tmp_path / "settings.yaml").write_text(f"account: {ACCOUNT}\nmax_grant_days: {setting}\n")
    (tmp_path / "rooms.yaml").write_text("rooms: {r1: {members: [a@example.com]}}\n")
    with pytest.raises(DesiredStateError) as caught:
        load_desired(tmp_path)
    return [str(p).replace(f"{tmp_path}/", "") for p in caught.value.problems]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("abc", f"max_grant_days: {EITHER} the string 'abc'"),
        ("1.5", f"max_grant_days: {EITHER} the number 1.5"),
        ("true", f"max_grant_days: {EITHER} true"),
        ("[1]", f"max_grant_days: {EITHER} a list"),
        # QA-EW Q-EW-1: read as YAML 1.2 reads it, as an editor does (1e3 is 1000, 1:30 text)
        ("1:30", f"max_grant_days: {EITHER} the string '1:30'"),
        ("1.5e0", f"max_grant_days: {EITHER} the number 1.5e0"),  # as written (Q-GV-10)
        # QA-ET Q-ET-2: 1.0e+308 is a whole number, as to the schema; these are not
        ("1.5e+0", f"max_grant_days: {EITHER} the number 1.5e+0"),
        # QA-LD Q-LD-2: as the file writes it
        (".inf", f"max_grant_days: {EITHER} the number .inf (not finite)"),
        (
            "{administrators: .nan}",
            "max_grant_days.administrators: expected a whole number, got the number .nan "
            "(not finite)",
        ),
        ("'30'", f"max_grant_days: {EITHER} the string '30'"),
        ("-5", "max_grant_days: must be at least 1, got -5"),
        ("0", "max_grant_days: must be at least 1, got 0"),
        # --max-duration's bound, which means the same; a long one cut (QA-GV Q-GV-15)
        ("100000", "max_grant_days: must be at most 99999, got 100000"),
        ("{members: 100000}", "max_grant_days.members: must be at most 99999, got 100000"),
        ("9" * 90, f"max_grant_days: must be at most 99999, got {'9' * 80}…(90 characters)"),
        # 1e-400 is not 0 here either (QA-GV Q-GV-3)
        ("1e-400", f"max_grant_days: {EITHER} the number 1e-400 (too small: YAML reads it as 0)"),
        (
            "{administrators: abc}",
            "max_grant_days.administrators: expected a whole number, got the string 'abc'",
        ),
        ("{administrators: -1}", "max_grant_days.administrators: must be at least 1, got -1"),
        (
            "{admins: 3}",
            "max_grant_days.admins: unknown list key 'admins' (did you mean 'administrators'?)",
        ),
        (
            "{members: 3, bogus: 4}",
            f"max_grant_days.bogus: unknown list key 'bogus' (one of: {KNOWN})",
        ),
    ],
)
def test_a_bad_max_grant_days_is_one_error_at_its_line(
    tmp_path: Path, setting: str, message: str
) -> None:
    assert problems(tmp_path, setting) == [f"settings.yaml:2: {message}"]


def test_each_bad_key_of_the_mapping_is_at_its_own_line(tmp_path: Path) -> None:
    setting = "\n  administrators: 30\n  moderatrs: 7\n  members: 0\n  '*': 90\n"
    assert problems(tmp_path, setting) == [
        "settings.yaml:5: max_grant_days.members: must be at least 1, got 0",
    ]
    setting = "\n  administrators: 30\n  moderatrs: 7\n  presenter: 1\n"
    assert problems(tmp_path, setting) == [
        "settings.yaml:4: max_grant_days.moderatrs: unknown list key 'moderatrs' "
        "(did you mean 'moderators'?)",
        "settings.yaml:5: max_grant_days.presenter: unknown list key 'presenter' "
        "(did you mean 'presenters'?)",
    ]


@pytest.mark.parametrize(
    ("setting", "limits"),
    [
        ("1", (("*", 1),)),
        ("{administrators: 30, '*': 365}", (("*", 365), ("administrators", 30))),
        ("{}", ()),
        ("null", ()),
    ],
)
def test_good_values_still_load(tmp_path: Path, setting: str, limits: object) -> None:
    (tmp_path / "settings.yaml").write_text(f"account: {ACCOUNT}\nmax_grant_days: {setting}\n")
    assert load_desired(tmp_path).policy.max_grant_days == limits


def test_validate_blames_the_setting_not_the_rooms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the QA repro: -5 was accepted, then every room failed "may last at most -5 days"
    (tmp_path / "settings.yaml").write_text(f"account: {ACCOUNT}\nmax_grant_days: -5\n")
    (tmp_path / "r.yaml").write_text("rooms: {r1: {members: [a@example.com]}}\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--desired", ".", "validate"], catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (
        1,
        "",
        [
            "settings.yaml:2: max_grant_days: must be at least 1, got -5",
            "Desired state is invalid: 1 error.",
        ],
    )
