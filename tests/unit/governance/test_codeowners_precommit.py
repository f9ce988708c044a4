"""Q-R-1: the commit that adds the first `owners:` stops until the CODEOWNERS file the
hook generated is staged. pre-commit notices only changes to tracked files, so the
`chime-reconciler-codeowners` hook fails itself after writing (`codeowners --exit-code`),
and `validate` refuses a CODEOWNERS git does not track (GitHub reads the committed file
only): before, both hooks passed on the retried commit and it went in without the file.

A real git repository; the hooks' entries as .pre-commit-hooks.yaml gives them."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from reconciler.cli.main import cli

ROOT = Path(__file__).parents[3]
ROOMS = "rooms:\n  ops:\n    owners: [alice]\n    members: [carol@example.com]\n"


def hook(name: str) -> list[str]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (entry,) = [h["entry"] for h in hooks if h["id"] == f"chime-reconciler-{name}"]
    words = shlex.split(entry)
    assert words[0] == "chime-reconciler"
    return ["--now", "2027-03-01T09:00:00Z", *words[1:]]


def run(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args, catch_exceptions=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "desired-state").mkdir()
    (tmp_path / "desired-state" / "settings.yaml").write_text("account: acct-1\n")
    (tmp_path / "desired-state" / "rooms.yaml").write_text(ROOMS)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_codeowners_hook_fails_when_it_writes_a_new_file(repo: Path) -> None:
    wrote = run(hook("codeowners"))

    assert wrote.exit_code == 1  # the commit stops
    assert wrote.stdout == "Wrote .github/CODEOWNERS: 1 file with owners.\n"
    assert wrote.stderr == (
        ".github/CODEOWNERS was out of date and has been written: stage it "
        "(git add .github/CODEOWNERS) and commit again.\n"
    )
    assert "/desired-state/rooms.yaml @alice" in (repo / ".github/CODEOWNERS").read_text()


def test_validate_refuses_the_untracked_file_until_it_is_staged(repo: Path) -> None:
    run(hook("codeowners"))

    # the retried commit, the file still untracked: before, both hooks passed
    untracked = run(hook("validate"))
    assert untracked.exit_code == 1
    assert untracked.stderr.splitlines()[0] == (
        ".github/CODEOWNERS is not tracked by git: GitHub reads only the committed file, so "
        "the owners' reviews would not be required; stage it (git add .github/CODEOWNERS)"
    )
    assert run(hook("codeowners")).exit_code == 0  # it is current: nothing written

    subprocess.run(["git", "add", ".github/CODEOWNERS"], check=True)
    assert run(hook("validate")).exit_code == 0
    current = run(hook("codeowners"))
    assert (current.exit_code, current.stdout) == (
        0,
        ".github/CODEOWNERS is up to date (1 file with owners).\n",
    )


def test_an_untracked_codeowners_is_no_error_when_nothing_is_owned(repo: Path) -> None:
    (repo / "desired-state" / "rooms.yaml").write_text(ROOMS.replace("    owners: [alice]\n", ""))
    (repo / ".github").mkdir()
    (repo / ".github" / "CODEOWNERS").write_text("* @someone\n")

    assert run(hook("validate")).exit_code == 0


def test_validate_asks_git_about_the_file_behind_a_linked_github_folder(repo: Path) -> None:
    # QA-AS Q-AS-4: `.github -> config/github` inside the repository; git knows the file as
    # config/github/CODEOWNERS (no path through a link), the one codeowners writes
    (repo / "config" / "github").mkdir(parents=True)
    (repo / ".github").symlink_to("config/github")
    assert run(hook("codeowners")).stdout == "Wrote config/github/CODEOWNERS: 1 file with owners.\n"

    untracked = run(hook("validate"))
    assert untracked.exit_code == 1
    assert untracked.stderr.splitlines()[0] == (
        "config/github/CODEOWNERS is not tracked by git: GitHub reads only the committed "
        "file, so the owners' reviews would not be required; stage it (git add "
        "config/github/CODEOWNERS)"
    )

    subprocess.run(["git", "add", "config/github/CODEOWNERS", ".github"], check=True)
    validated = run(hook("validate"))
    assert (validated.exit_code, validated.stderr) == (0, "")
    assert run(hook("codeowners")).exit_code == 0  # up to date: nothing written


def test_validate_asks_git_about_a_linked_codeowners_and_its_file(repo: Path) -> None:
    # .github/CODEOWNERS -> ../docs/CODEOWNERS: both the link and the file are committed
    (repo / "docs").mkdir()
    (repo / "docs" / "CODEOWNERS").write_text("")
    (repo / ".github").mkdir()
    (repo / ".github" / "CODEOWNERS").symlink_to("../docs/CODEOWNERS")
    run(hook("codeowners"))
    subprocess.run(["git", "add", "docs/CODEOWNERS"], check=True)

    untracked = run(hook("validate"))
    assert untracked.exit_code == 1
    assert untracked.stderr.splitlines()[0].startswith(".github/CODEOWNERS is not tracked by git: ")
    subprocess.run(["git", "add", ".github/CODEOWNERS"], check=True)
    assert run(hook("validate")).exit_code == 0


def test_a_file_with_owners_git_does_not_track_stops_both_hooks(repo: Path) -> None:
    """Q-FW-1: CODEOWNERS named a desired-state file the commit did not hold; both hooks
    passed, and CI's validate of the commit (a clean clone) found CODEOWNERS out of date."""
    run(hook("codeowners"))
    subprocess.run(["git", "add", "-A"], check=True)
    scratch = "rooms:\n  scratch:\n    owners: [carol]\n    members: [a@example.com]\n"
    (repo / "desired-state" / "scratch.yaml").write_text(scratch)  # forgotten: untracked
    run(hook("codeowners"))
    subprocess.run(["git", "add", ".github/CODEOWNERS"], check=True)

    why = (
        "desired-state/scratch.yaml:2: room scratch: the file is not tracked by git: "
        "CODEOWNERS names it (its `owners:`), but the commit will not have it, so CI's "
        "validate would find CODEOWNERS out of date; stage it (git add desired-state/scratch.yaml)"
    )
    validated = run(hook("validate"))
    assert (validated.exit_code, validated.stderr.splitlines()[0]) == (1, why)
    codeowners_hook = run(hook("codeowners"))
    assert codeowners_hook.exit_code == 1
    assert codeowners_hook.stderr == f"Warning: {why}\n"

    subprocess.run(["git", "add", "desired-state/scratch.yaml"], check=True)
    assert run(hook("validate")).exit_code == 0
    assert run(hook("codeowners")).exit_code == 0


def test_the_hint_stages_the_file_from_outside_the_repository(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Q-FW-2: from a folder outside the repository the hint said `git add
    REPO/.github/CODEOWNERS`, which git refuses there (not a git repository)."""
    subprocess.run(["git", "add", "-A"], check=True)
    run(hook("codeowners"))
    monkeypatch.chdir(repo.parent)
    desired = f"{repo.name}/desired-state"

    refused = run(["--desired", desired, *hook("validate")])
    hint = f"(git -C {repo.name} add .github/CODEOWNERS)"
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0].endswith(f"stage it {hint}")
    subprocess.run(hint.strip("()").split(), check=True)  # works from here
    assert run(["--desired", desired, *hook("validate")]).exit_code == 0


@pytest.mark.parametrize("outside", [False, True])
def test_the_hint_quotes_a_name_the_shell_would_split_or_expand(
    repo: Path, monkeypatch: pytest.MonkeyPatch, outside: bool
) -> None:
    """QA-HE Q-HE-7: `git add desired-state/my team.yaml`, copied, staged two other paths
    (git: pathspec 'desired-state/my' did not match); `$`, `*`, `'` were expanded. The
    hint, run by a shell as written, stages the file."""
    run(hook("codeowners"))
    subprocess.run(["git", "add", "-A"], check=True)
    name = "my team's $HOME [1].yaml"
    (repo / "desired-state" / name).write_text(ROOMS.replace("ops", "scratch"))
    run(hook("codeowners"))
    subprocess.run(["git", "add", ".github/CODEOWNERS"], check=True)
    args = [*hook("validate")]
    if outside:
        monkeypatch.chdir(repo.parent)
        args = ["--desired", f"{repo.name}/desired-state", *args]

    refused = run(args)
    first = refused.stderr.splitlines()[0]
    assert refused.exit_code == 1 and "the file is not tracked by git" in first
    command = first.rsplit("; stage it (", 1)[1].removesuffix(")")
    subprocess.run(["sh", "-c", command], check=True)  # as a user pastes it
    assert run(args).exit_code == 0


def test_validate_warns_when_git_cannot_tell_what_it_tracks(
    repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Q-FW-6: with no git on PATH the "not tracked" check was skipped without a word."""
    run(hook("codeowners"))  # written, not staged
    monkeypatch.setenv("PATH", str(tmp_path_factory.mktemp("no-git")))

    result = run(hook("validate"))
    assert result.exit_code == 0
    assert result.stderr == (
        "Warning: owners: CODEOWNERS and the files with owners not checked to be tracked "
        "by git: git could not tell (no git command on PATH)\n"
    )


@pytest.mark.parametrize("outside", [False, True])
def test_the_hint_stages_a_file_whose_path_starts_with_a_dash(
    repo: Path, monkeypatch: pytest.MonkeyPatch, outside: bool
) -> None:
    """QA-HK Q-HK-3: from the desired-state folder the hint for `-x.yaml` was `git add
    -x.yaml`, which git refuses (unknown switch 'x') and stages nothing; so was `git -C
    REPO add -d/x.yaml` for a desired state in `REPO/-d`, from outside."""
    ds = repo / ("-d" if outside else "desired-state")
    ds.mkdir(exist_ok=True)
    (ds / "settings.yaml").write_text("account: acct-1\n")
    given = ["--desired", str(ds)]
    run([*given, "codeowners"])
    subprocess.run(["git", "add", "-A"], check=True)
    (ds / ("x.yaml" if outside else "-x.yaml")).write_text(ROOMS.replace("ops", "scratch"))
    run([*given, "codeowners"])
    subprocess.run(["git", "add", ".github/CODEOWNERS"], check=True)
    if outside:
        monkeypatch.chdir(repo.parent)
        args = ["--desired", f"{repo.name}/-d", "validate"]
    else:
        monkeypatch.chdir(ds)
        args = ["--desired", ".", "validate"]
    refused = run(args)
    first = refused.stderr.splitlines()[0]
    assert refused.exit_code == 1 and "the file is not tracked by git" in first, first
    command = first.rsplit("; stage it (", 1)[1].removesuffix(")")
    subprocess.run(["sh", "-c", command], check=True)  # as a user pastes it
    assert run(args).exit_code == 0, run(args).stderr
