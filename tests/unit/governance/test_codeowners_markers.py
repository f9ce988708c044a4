"""CODEOWNERS whose generated block's markers do not pair up (QA5 Q5-3): where the block
ends, and the repository's own lines start, is unknown, so `codeowners`, `--check` and
`validate` refuse it at the marker's line and nothing is written. More than one block
(QA5 Q5-2, a merge that kept both sides): `--check` and `validate` fail naming them, and
`codeowners` makes them one, where the last was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.governance.codeowners import BEGIN, END, MarkerError, one_block, update

NOW = ("--now", "2027-03-01T09:00:00Z")
OWNED = "/desired-state/rooms.yaml @alice"
UNENDED = (
    f"`# BEGIN chime-reconciler owners` has no `{END}` after it: where the generated "
    "block ends, and the repository's own lines start, is unknown; put the END marker "
    "back after the block's last generated line (or delete the block's lines), then run "
    "`chime-reconciler codeowners`"
)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    desired = tmp_path / "desired-state"
    desired.mkdir()
    (desired / "settings.yaml").write_text("account: acct-1\n")
    (desired / "rooms.yaml").write_text(
        "rooms:\n  ops:\n    owners: [alice]\n    members: [carol@example.com]\n"
    )
    (tmp_path / ".github").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (f"* @all\n{BEGIN}\n/old @x\n/docs @docs\n", 2, UNENDED),
        (
            f"{BEGIN}\n/old @x\n/docs @docs\n{BEGIN}\n/d @y\n{END}\n",
            1,
            UNENDED.replace("after it", "before the next BEGIN at line 4"),
        ),
        (
            f"* @all\n/old @x\n{END}\n/docs @docs\n",
            3,
            f"`{END}` has no `# BEGIN chime-reconciler owners` before it: where the "
            "generated block starts, and the repository's own lines end, is unknown; put "
            "the BEGIN marker back before the block's first generated line (or delete the "
            "block's lines), then run `chime-reconciler codeowners`",
        ),
    ],
)
def test_markers_that_do_not_pair_up_are_refused_at_their_line(
    text: str, line: int, message: str
) -> None:
    with pytest.raises(MarkerError) as info:
        update(text, [OWNED])
    assert (info.value.line, info.value.message) == (line, message)
    with pytest.raises(MarkerError):
        update(text, [])  # removing the block needs its end too


def test_codeowners_refuses_a_begin_without_end_and_writes_nothing(repo: Path) -> None:
    """It deleted every line after the BEGIN (the repository's /docs rule) and said
    `Wrote`; --check said "out of date: run `chime-reconciler codeowners`"."""
    file = repo / ".github" / "CODEOWNERS"
    text = f"* @everyone\n{BEGIN}\n/old @x\n/docs @docs\n"
    file.write_text(text)
    wrote = run("codeowners")
    assert (wrote.exit_code, wrote.stdout, wrote.stderr) == (
        1,
        "",
        f"Error: .github/CODEOWNERS:2: {UNENDED}; nothing was written\n",
    )
    assert file.read_text() == text
    check = run("codeowners", "--check")
    assert (check.exit_code, check.stderr) == (
        1,
        f"Error: .github/CODEOWNERS:2: {UNENDED}; nothing was written\n",
    )
    valid = run(*NOW, "validate")
    assert (valid.exit_code, valid.stderr.splitlines()) == (
        1,
        [f".github/CODEOWNERS:2: {UNENDED}", "Desired state is invalid: 1 error."],
    )
    assert file.read_text() == text


def test_blocks_are_made_one_where_the_last_was() -> None:
    """Every block is generated ("do not edit"): none holds a line of the repository's.
    The one block takes the last one's place, the one GitHub applies over the lines
    between them; a block removed takes the blank lines before it."""
    text = f"* @all\n\n{BEGIN}\n/a @x\n{END}\n/docs @docs\n\n{BEGIN}\n/a @mallory\n{END}\n# z\n"
    assert update(text, [OWNED]) == f"* @all\n/docs @docs\n\n{BEGIN}\n{OWNED}\n{END}\n# z\n"
    assert update(text, []) == "* @all\n/docs @docs\n# z\n"
    # a rule below the last one (Q-CJ-1): the one block goes to the end of the file
    text = text.replace("# z", "/z @z")
    assert update(text, [OWNED]) == f"* @all\n/docs @docs\n/z @z\n\n{BEGIN}\n{OWNED}\n{END}\n"
    three = f"{BEGIN}\n/a @x\n{END}\n{BEGIN}\n{END}\n{BEGIN}\n/b @y\n{END}\n"
    assert update(three, [OWNED]) == f"{BEGIN}\n{OWNED}\n{END}\n"


def test_one_block_names_every_begin_at_the_second() -> None:
    one_block(f"* @all\n{BEGIN}\n{OWNED}\n{END}\n")  # one: nothing to say
    one_block("* @all\n")
    with pytest.raises(MarkerError) as info:
        one_block(f"{BEGIN}\n{END}\n* @all\n{BEGIN}\n{END}\n{BEGIN}\n{END}\n")
    assert (info.value.line, info.value.message) == (4, TWO.replace("1 and 4", "1, 4 and 6"))


TWO = (
    "more than one generated block (`# BEGIN chime-reconciler owners` at lines 1 and 4; a "
    "merge may have kept both sides): GitHub applies the last matching line, so a later "
    "block's lines override the earlier's; run `chime-reconciler codeowners` to make them "
    "one block of the desired state's owners"
)


def test_a_second_block_fails_check_and_validate_and_codeowners_makes_them_one(
    repo: Path,
) -> None:
    """The second block (its rules win on GitHub) was kept by `codeowners`, and `--check`
    and `validate` called the file current."""
    file = repo / ".github" / "CODEOWNERS"
    text = (
        f"* @everyone\n{BEGIN}\n{OWNED}\n{END}\n/docs @docs\n"
        f"{BEGIN}\n/desired-state/rooms.yaml @mallory\n{END}\n"
    )
    file.write_text(text)
    two = TWO.replace("1 and 4", "2 and 6")
    check = run("codeowners", "--check")
    assert (check.exit_code, check.stdout, check.stderr) == (
        1,
        "",
        f"Error: .github/CODEOWNERS:6: {two}; nothing was written\n",
    )
    valid = run(*NOW, "validate")
    assert (valid.exit_code, valid.stderr.splitlines()) == (
        1,
        [f".github/CODEOWNERS:6: {two}", "Desired state is invalid: 1 error."],
    )
    assert file.read_text() == text
    wrote = run("codeowners")
    assert (wrote.exit_code, wrote.stdout) == (
        0,
        "Wrote .github/CODEOWNERS: 1 file with owners (its 2 generated blocks made one, "
        "where the last was).\n",
    )
    assert file.read_text() == f"* @everyone\n/docs @docs\n{BEGIN}\n{OWNED}\n{END}\n"
    assert run("codeowners", "--check").exit_code == 0
    assert run(*NOW, "validate").exit_code == 0
