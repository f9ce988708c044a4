"""`codeowners` keeps a CODEOWNERS' line endings (QA5 Q5-13: a CRLF file came back LF, so
every line of the repository's own changed in the diff): the repository's lines keep their
bytes, and the block's lines end as the file's do (``line_breaks.newline_at``, as
``import --adopt`` writes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.governance.codeowners import BEGIN, END, is_current, update

A = "/d/a.yaml @alice"
B = "/d/a.yaml @bob"


def crlf(*lines: str) -> str:
    return "".join(f"{line}\r\n" for line in lines)


@pytest.mark.parametrize(
    ("existing", "generated", "expected"),
    [
        # a new block, after the repository's CRLF lines
        (crlf("* @all", "/docs @docs"), [A], crlf("* @all", "/docs @docs", "", BEGIN, A, END)),
        # and after a last line without its line break
        ("* @all\r\n/docs @docs", [A], crlf("* @all", "/docs @docs", "", BEGIN, A, END)),
        # a lone CR
        ("* @all\r", [A], f"* @all\r\r{BEGIN}\r{A}\r{END}\r"),
        # the block replaced in place: the lines after it keep theirs
        (
            crlf("* @all", BEGIN, B, END) + "# late\n",
            [A],
            crlf("* @all", BEGIN, A, END) + "# late\n",
        ),
        # moved below a rule (Q-CJ-1): its lines end as its BEGIN line did
        (
            crlf("* @all", BEGIN, B, END) + "/late @late\n",
            [A],
            crlf("* @all") + "/late @late\n" + crlf("", BEGIN, A, END),
        ),
        # the block's lines end as its BEGIN line does, whatever the lines before it
        (
            f"* @all\n{BEGIN}\r\n{B}\n{END}\n",
            [A, "/d/b.yaml @bob"],
            f"* @all\n{BEGIN}\r\n{A}\r\n/d/b.yaml @bob\r\n{END}\r\n",
        ),
        # removed: nothing else changes
        (crlf("* @all", "", BEGIN, B, END, "/late @late"), [], crlf("* @all", "/late @late")),
        # characters Python's splitlines() breaks at are not line ends in CODEOWNERS
        (
            "* @all\x0c\n/a\x85b\u2028 @c\r\n",
            [A],
            f"* @all\x0c\n/a\x85b\u2028 @c\r\n\r\n{BEGIN}\r\n{A}\r\n{END}\r\n",
        ),
    ],
)
def test_the_repositorys_lines_keep_their_bytes_and_the_block_the_files_endings(
    existing: str, generated: list[str], expected: str
) -> None:
    assert update(existing, generated) == expected
    assert is_current(expected, generated)


def test_a_block_that_differs_in_line_endings_alone_is_current() -> None:
    assert is_current(f"* @all\r\n{BEGIN}\n{A}\n{END}\n", [A])
    assert not is_current(f"* @all\r\n{BEGIN}\n{B}\n{END}\n", [A])


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    desired = tmp_path / "desired-state"
    desired.mkdir()
    (desired / "settings.yaml").write_text("account: acct-1\n")
    (desired / "rooms.yaml").write_text("rooms:\n  ops:\n    owners: [alice]\n")
    (tmp_path / ".github").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_codeowners_writes_a_crlf_file_back_crlf(repo: Path) -> None:
    file = repo / ".github" / "CODEOWNERS"
    file.write_bytes(b"* @everyone\r\n/docs @docs\r\n")
    assert run("codeowners").exit_code == 0
    mine = "/desired-state/rooms.yaml"
    assert (
        file.read_bytes()
        == crlf("* @everyone", "/docs @docs", "", BEGIN, f"{mine} @alice", END).encode()
    )
    rooms = repo / "desired-state" / "rooms.yaml"
    rooms.write_text(rooms.read_text().replace("[alice]", "[alice, bob]"))
    assert run("codeowners", "--check").exit_code == 1
    assert run("codeowners").exit_code == 0
    assert (
        file.read_bytes()
        == crlf("* @everyone", "/docs @docs", "", BEGIN, f"{mine} @alice @bob", END).encode()
    )
    assert run("codeowners", "--check").exit_code == 0
    assert run("--now", "2027-03-01", "validate").exit_code == 0
    lf = file.read_bytes().replace(b"\r\n", b"\n")  # the block LF, the rest CRLF: current
    file.write_bytes(lf.replace(b"/docs @docs\n", b"/docs @docs\r\n"))
    kept = file.read_bytes()
    again = run("codeowners")
    assert again.stdout == ".github/CODEOWNERS is up to date (1 file with owners).\n"
    assert file.read_bytes() == kept
