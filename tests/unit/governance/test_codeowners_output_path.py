"""``codeowners --file`` is an output file as ``plan --out`` is (Q-CK-6): its folder
must exist, or exit 1 with one line and nothing written (it made the folder); and with
no ``owners:`` and no CODEOWNERS, ``codeowners`` (and ``--check``) says so, where it
called a file that does not exist "up to date"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli

OWNED = "rooms:\n  ops:\n    owners: [example-org/sre]\n    members: [bob@example.com]\n"
UNOWNED = "rooms:\n  ops:\n    members: [bob@example.com]\n"


def _repo(root: Path, rooms: str) -> Path:
    (root / ".git").mkdir()
    desired = root / "desired-state"
    desired.mkdir()
    (desired / "settings.yaml").write_text("account: acct-1\n")
    (desired / "rooms.yaml").write_text(rooms)
    return root


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_file_in_a_missing_folder_is_refused_and_nothing_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, OWNED)
    monkeypatch.chdir(repo)

    done = run("codeowners", "--file", "nodir/CODEOWNERS")

    assert (done.exit_code, done.stdout, done.stderr) == (
        1,
        "",
        "Error: cannot write nodir/CODEOWNERS: no such folder: nodir; nothing was written\n",
    )
    assert not (repo / "nodir").exists()


@pytest.mark.parametrize("folder", [".github", "docs"])
def test_a_missing_folder_github_reads_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    repo = _repo(tmp_path, OWNED)
    monkeypatch.chdir(repo)

    done = run("codeowners", "--file", f"{folder}/CODEOWNERS")

    assert (done.exit_code, done.stdout) == (0, f"Wrote {folder}/CODEOWNERS: 1 file with owners.\n")


def test_the_default_file_still_gets_its_github_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, OWNED)
    monkeypatch.chdir(repo)

    done = run("codeowners")

    assert (done.exit_code, done.stdout) == (0, "Wrote .github/CODEOWNERS: 1 file with owners.\n")
    assert (repo / ".github" / "CODEOWNERS").is_file()


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("codeowners",), ".github/CODEOWNERS"),
        (("codeowners", "--check"), ".github/CODEOWNERS"),
        (("codeowners", "--check", "--file", "docs/CODEOWNERS"), "docs/CODEOWNERS"),
    ],
)
def test_no_owners_and_no_file_is_said_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], shown: str
) -> None:
    repo = _repo(tmp_path, UNOWNED)
    monkeypatch.chdir(repo)

    done = run(*args)

    assert (done.exit_code, done.stdout) == (
        0,
        f"There is no {shown}, and none is needed: the desired state has no `owners:`.\n",
    )
    assert sorted(p.name for p in repo.iterdir()) == [".git", "desired-state"]
