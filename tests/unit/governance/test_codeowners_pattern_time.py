"""A CODEOWNERS rule is the repository's own text, and `codeowners --check` and `validate`
match every rule below the generated block against the desired state's files: with
Python's ``re`` a rule such as ``*a*a*a*a*a*a*a*a*a*a*b`` backtracked for minutes on one
path, so `validate` hung. The rules are matched with RE2 now, in time linear in the path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.governance.codeowners import BEGIN, END

STARS = "*a" * 12 + "*b @someone"  # matches no file: every way of failing is tried


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    desired = tmp_path / "desired-state"
    desired.mkdir()
    (desired / "settings.yaml").write_text("account: acct-1\n")
    (desired / ("a" * 40 + ".yaml")).write_text(
        "rooms:\n  ops:\n    owners: [example-org/sre]\n    members: [bob@example.com]\n"
    )
    (tmp_path / ".github").mkdir()
    block = f"/desired-state/{'a' * 40}.yaml @example-org/sre"
    (tmp_path / ".github" / "CODEOWNERS").write_text(f"{BEGIN}\n{block}\n{END}\n{STARS}\n")
    return tmp_path


def test_a_rule_of_many_stars_is_checked_at_once(repo: Path) -> None:
    """In a child process with a deadline: the backtracking version never returns."""
    code = (
        "import sys; from click.testing import CliRunner; from reconciler.cli.main import cli;"
        "r = CliRunner().invoke(cli, ['codeowners', '--check']); print(r.exit_code);"
        "print(r.stderr)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, timeout=60
    )
    assert run.stdout.splitlines()[0] == "1"  # the rule is below the block: it must move
    line = f".github/CODEOWNERS:4: `{STARS}` comes after the generated block, which belongs"
    assert line in run.stdout
    assert "and matches desired-state/" not in run.stdout  # it matches no file


def test_the_stars_rule_is_moved_above_the_block(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["codeowners"], catch_exceptions=False)
    assert result.exit_code == 0
    text = (repo / ".github" / "CODEOWNERS").read_text()
    assert text.index(STARS) < text.index(BEGIN)
