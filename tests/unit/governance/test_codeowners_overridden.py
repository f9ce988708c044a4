"""A CODEOWNERS whose generated block has rules of the repository's below it (QA Q-CJ-1):
GitHub applies the last matching line, so `/desired-state/ @platform` below the block
owned every file it named, while `codeowners` rewrote the block in place and `--check`
and `validate` called the file current. Now `codeowners` moves the block to the end, and
`--check` and `validate` fail naming each rule that overrides it (FILE:LINE)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.governance.codeowners import BEGIN, END, Later, later

NOW = ("--now", "2027-03-01T09:00:00Z")
MINE = "/desired-state/rooms.yaml @example-org/sre"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    desired = tmp_path / "desired-state"
    desired.mkdir()
    (desired / "settings.yaml").write_text("account: acct-1\n")
    (desired / "rooms.yaml").write_text(
        "rooms:\n  ops:\n    owners: [example-org/sre]\n    members: [bob@example.com]\n"
    )
    (tmp_path / ".github").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def overrides(line: int, rule: str) -> str:
    return (
        f".github/CODEOWNERS:{line}: `{rule}` comes after the generated block and matches "
        "desired-state/rooms.yaml: GitHub applies the last matching line, so it overrides "
        "the owners the desired state names; run `chime-reconciler codeowners` to move "
        "the block to the end of the file"
    )


def test_rules_below_the_block_fail_check_and_validate_and_codeowners_moves_it(
    repo: Path,
) -> None:
    file = repo / ".github" / "CODEOWNERS"
    text = f"{BEGIN}\n{MINE}\n{END}\n* @default-team\n# ours\n/desired-state/ @platform\n"
    file.write_text(text)
    errors = [overrides(4, "* @default-team"), overrides(6, "/desired-state/ @platform")]
    check = run("codeowners", "--check")
    assert (check.exit_code, check.stdout, check.stderr.splitlines()) == (
        1,
        "",
        [f"Error: {error}" for error in errors],
    )
    valid = run(*NOW, "validate")
    assert (valid.exit_code, valid.stderr.splitlines()) == (
        1,
        [*errors, "Desired state is invalid: 2 errors."],
    )
    assert file.read_text() == text
    wrote = run("codeowners")
    assert (wrote.exit_code, wrote.stdout) == (
        0,
        "Wrote .github/CODEOWNERS: 1 file with owners (its generated block moved to the "
        "end of the file, below the repository's own rules: GitHub applies the last "
        "matching line).\n",
    )
    assert file.read_text() == (
        f"* @default-team\n# ours\n/desired-state/ @platform\n\n{BEGIN}\n{MINE}\n{END}\n"
    )
    assert run("codeowners", "--check").exit_code == 0
    assert run(*NOW, "validate").exit_code == 0


def test_a_rule_below_the_block_that_matches_none_of_its_files_fails_too(repo: Path) -> None:
    """The block belongs at the end: stale lines are named as well."""
    file = repo / ".github" / "CODEOWNERS"
    file.write_text(f"{BEGIN}\n/desired-state/rooms.yaml @bob\n{END}\n\n/docs/ @docs\n")
    check = run("codeowners", "--check")
    assert (check.exit_code, check.stderr.splitlines()) == (
        1,
        [
            "Error: .github/CODEOWNERS is out of date with the desired state's owners: run "
            "`chime-reconciler codeowners`",
            "Error: .github/CODEOWNERS:5: `/docs/ @docs` comes after the generated block, "
            "which belongs at the end of the file (GitHub applies the last matching line, "
            "so a line after the block would override it for the files both match); run "
            "`chime-reconciler codeowners` to move the block to the end of the file",
        ],
    )
    assert run("codeowners").exit_code == 0
    # the blank line after the old block is the repository's, and kept
    assert file.read_text() == f"\n/docs/ @docs\n\n{BEGIN}\n{MINE}\n{END}\n"


def test_two_blocks_with_a_rule_below_the_last_are_made_one_at_the_end(repo: Path) -> None:
    file = repo / ".github" / "CODEOWNERS"
    file.write_text(f"{BEGIN}\n/a @x\n{END}\n/docs @docs\n{BEGIN}\n{END}\n/z @z\n")
    wrote = run("codeowners")
    assert wrote.stdout == (
        "Wrote .github/CODEOWNERS: 1 file with owners (its 2 generated blocks made one, at "
        "the end of the file).\n"
    )
    assert file.read_text() == f"/docs @docs\n/z @z\n\n{BEGIN}\n{MINE}\n{END}\n"


def test_comments_and_blank_lines_below_the_block_leave_it_current(repo: Path) -> None:
    file = repo / ".github" / "CODEOWNERS"
    text = f"* @all\n{BEGIN}\n{MINE}\n{END}\n\n# the end\n   # indented\n"
    file.write_text(text)
    assert run("codeowners", "--check").exit_code == 0
    assert run("codeowners").stdout == ".github/CODEOWNERS is up to date (1 file with owners).\n"
    assert file.read_text() == text


A, X = "d/t/a b.yaml", "d/x.yaml"  # the block's files: /d/t/a\\ b.yaml and /d/x.yaml


@pytest.mark.parametrize(
    ("rule", "matched"),
    [
        ("*", (A, X)),
        ("*.yaml", (A, X)),
        ("*.yml", ()),
        ("/*", ()),  # files at the root only
        ("d/*", (X,)),  # files directly in d only
        ("/d/*", (X,)),
        ("*/*", (X,)),  # anchored: files directly in a top-level folder
        ("/d/", (A, X)),
        ("d/", (A, X)),
        ("t/", (A,)),  # a folder named t at any depth
        ("/t/", ()),
        ("/d", (A, X)),
        ("d", (A, X)),
        ("t", (A,)),
        ("/d/t", (A,)),
        ("d/t/", (A,)),
        ("/d/t/a b.yaml", ()),  # the second field is an owner: the pattern is /d/t/a
        ("/d/t/a\\ b.yaml", (A,)),
        ("/d/t/a?b.yaml", (A,)),
        ("/d/*/a\\ b.yaml", (A,)),
        ("/d/?.yaml", (X,)),
        ("**/t", (A,)),
        ("**/a\\ b.yaml", (A,)),
        ("/d/**", (A, X)),
        ("/d/**/a\\ b.yaml", (A,)),
        ("/D/", ()),  # case-sensitive
        ("/docs/", ()),
        ("/d/t/a", ()),
        ("/", ()),
        ("\\#d", ()),
    ],
)
def test_which_rules_match_a_file_as_github_reads_them(rule: str, matched: tuple[str, ...]) -> None:
    generated = ["/d/t/a\\ b.yaml @alice", "/d/x.yaml @bob"]
    text = f"{BEGIN}\n{generated[0]}\n{generated[1]}\n{END}\n{rule} @other\n"
    assert later(text, generated) == [Later(5, f"{rule} @other", matched)]


def test_a_rule_overriding_two_files_names_them_as_every_short_list_is(repo: Path) -> None:
    """QA-LF Q-LF-10: the files a later rule overrides were joined "a, b", where every
    other list says "a and b" (``prose.listed_first``)."""
    (repo / "desired-state" / "more.yaml").write_text(
        "rooms:\n  dev:\n    owners: [example-org/dev]\n    members: [bob@example.com]\n"
    )
    assert run("codeowners").exit_code == 0
    file = repo / ".github" / "CODEOWNERS"
    file.write_text(file.read_text() + "* @default-team\n")
    check = run("codeowners", "--check")
    assert check.exit_code == 1
    assert (
        "`* @default-team` comes after the generated block and matches "
        "desired-state/more.yaml and desired-state/rooms.yaml: GitHub applies"
    ) in check.stderr, check.stderr
