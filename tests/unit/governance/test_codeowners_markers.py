"""CODEOWNERS whose generated block's markers do not pair up (QA5 Q5-3): where the block
ends, and the repository's own lines start, is unknown, so `codeowners`, `--check` and
`validate` refuse it at the marker's line and nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.governance.codeowners import BEGIN, END, MarkerError, update

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
