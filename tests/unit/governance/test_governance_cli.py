"""`validate` (grant length, reasons, CODEOWNERS), `codeowners` and `--now` from the
command line, compared line by line. The clock is fixed with --now."""

from __future__ import annotations

import os
import stat
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler import atomic_file
from reconciler.cli.main import cli
from reconciler.governance.codeowners import BEGIN, END

ACCOUNT = "acct-1"
NOW = ("--now", "2027-03-01T09:00:00Z")
# validate warns of it at NOW, errors or not (QA-HE Q-HE-4)
DAVE_EXPIRED = (
    "Warning: dave@example.com in room ops: Member expired 2027-02-01, declared at "
    "desired-state/rooms.yaml:10: the entry can be removed"
)

ROOMS = """
rooms:
  ops:
    owners: [alice, example-org/sre]
    administrators:
      - {member: alice@example.com, until: 2027-03-20, reason: on call}
      - {member: bob@example.com, until: 2027-12-31, ticket: OPS-7}
      - "@leads"
    members:
      - carol@example.com
      - {member: dave@example.com, until: 2027-02-01}
groups:
  leads:
    owners: ["@example-org/leads"]
    members: [erin@example.com, {member: frank@example.com, reason: lead}]
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (``.git``) with desired-state/: settings and one rooms file."""
    (tmp_path / ".git").mkdir()
    desired = tmp_path / "desired-state"
    desired.mkdir()
    (desired / "settings.yaml").write_text(f"account: {ACCOUNT}\n")
    (desired / "rooms.yaml").write_text(textwrap.dedent(ROOMS).lstrip())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def settings(repo: Path, text: str) -> None:
    (repo / "desired-state" / "settings.yaml").write_text(f"account: {ACCOUNT}\n{text}")


def write_codeowners(repo: Path) -> None:
    assert run("codeowners").exit_code == 0


def test_codeowners_writes_one_line_per_owned_file(repo: Path) -> None:
    result = run("codeowners")
    assert (result.exit_code, result.stdout) == (
        0,
        "Wrote .github/CODEOWNERS: 1 file with owners.\n",
    )
    assert (repo / ".github" / "CODEOWNERS").read_text().splitlines() == [
        BEGIN,
        "/desired-state/rooms.yaml @alice @example-org/leads @example-org/sre",
        END,
    ]
    again = run("codeowners")
    assert again.stdout == ".github/CODEOWNERS is up to date (1 file with owners).\n"


def test_codeowners_keeps_the_repositorys_own_lines_and_uses_the_existing_file(
    repo: Path,
) -> None:
    (repo / "CODEOWNERS").write_text("* @example-org/admins\n")
    assert run("codeowners").stdout == "Wrote CODEOWNERS: 1 file with owners.\n"
    assert (repo / "CODEOWNERS").read_text().splitlines() == [
        "* @example-org/admins",
        "",
        BEGIN,
        "/desired-state/rooms.yaml @alice @example-org/leads @example-org/sre",
        END,
    ]
    assert not (repo / ".github").exists()


def test_codeowners_is_replaced_whole_and_keeps_its_permissions(repo: Path) -> None:
    """Written beside and renamed over (a Ctrl-C never leaves it half written), with the
    permissions it had; a new one gets what a plain open gives (0666 less the umask)."""
    mine = repo / "CODEOWNERS"
    mine.write_text("* @example-org/admins\n")
    mine.chmod(0o664)
    assert run("codeowners").exit_code == 0
    assert stat.S_IMODE(mine.stat().st_mode) == 0o664
    assert [p.name for p in repo.iterdir() if p.name.startswith(".CODEOWNERS")] == []
    mine.unlink()
    old = os.umask(0o027)
    try:
        assert run("codeowners").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((repo / ".github" / "CODEOWNERS").stat().st_mode) == 0o640


def _read_only(monkeypatch: pytest.MonkeyPatch, *folders: Path) -> None:
    """``folders`` not writable, as in a read-only checkout (root: as a user is refused)."""
    for folder in folders:
        folder.chmod(0o555)
    if os.geteuid() == 0:
        locked = {f.resolve() for f in folders}
        real = os.access
        monkeypatch.setattr(
            os, "access", lambda p, m: Path(p).resolve() not in locked and real(p, m)
        )


@pytest.mark.parametrize("github", [True, False])
def test_codeowners_in_a_read_only_checkout_says_so_in_one_line(
    repo: Path, monkeypatch: pytest.MonkeyPatch, github: bool
) -> None:
    """QA-HE Q-HE-9: `Error: cannot write .github/CODEOWNERS: [Errno 30] Read-only file
    system: '.CODEOWNERS.968e558a.tmp'` (its temporary file's name), where plan --out
    says the folder is not writable; and with no .github/, Errno 30 on making it."""
    if github:
        (repo / ".github").mkdir()
    folders = [repo / ".github"] if github else [repo]
    try:
        with monkeypatch.context() as patch:
            _read_only(patch, *folders)
            result = run(*NOW, "codeowners")
            docs = run(*NOW, "codeowners", "--file", "docs/CODEOWNERS")
    finally:
        for f in folders:
            f.chmod(0o755)
    folder = ".github" if github else "."
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"Error: cannot write .github/CODEOWNERS: the folder {folder} is not writable; "
        "nothing was written\n",
    )
    assert sorted(p.name for p in repo.iterdir()) == sorted(
        [".git", "desired-state", *([".github", "docs"] if github else [])]
    )  # docs/ made and written where the root is writable
    assert not github or list((repo / ".github").iterdir()) == []
    if not github:  # docs/ to be made in a root that is not writable
        assert (docs.exit_code, docs.stderr) == (
            1,
            "Error: cannot write docs/CODEOWNERS: the folder . is not writable; nothing "
            "was written\n",
        )
    write_codeowners(repo)  # current: a read-only checkout may check it
    try:
        with monkeypatch.context() as patch:
            _read_only(patch, repo / ".github")
            current = run(*NOW, "codeowners")
    finally:
        (repo / ".github").chmod(0o755)
    assert current.exit_code == 0


def test_codeowners_follows_a_symlink_and_keeps_it(repo: Path) -> None:
    """.github/CODEOWNERS -> ../docs/CODEOWNERS: the file GitHub reads through the link is
    the one written; `validate` then finds it current."""
    (repo / "docs").mkdir()
    (repo / "docs" / "CODEOWNERS").write_text("* @example-org/admins\n")
    (repo / ".github").mkdir()
    link = repo / ".github" / "CODEOWNERS"
    link.symlink_to("../docs/CODEOWNERS")
    assert run("codeowners").stdout == "Wrote docs/CODEOWNERS: 1 file with owners.\n"
    assert link.is_symlink() and os.readlink(link) == "../docs/CODEOWNERS"
    assert (repo / "docs" / "CODEOWNERS").read_text().splitlines()[-2:] == [
        "/desired-state/rooms.yaml @alice @example-org/leads @example-org/sre",
        END,
    ]
    assert run("codeowners", "--check").exit_code == 0


@pytest.fixture
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the repository, with a file of the user's in it."""
    folder = tmp_path_factory.mktemp("elsewhere")
    (folder / "bashrc").write_text('export PS1="$ "\n')
    return folder


@pytest.mark.parametrize("args", [(), ("--exit-code",), ("--file", ".github/CODEOWNERS")])
def test_codeowners_refuses_a_committed_link_that_leads_out_of_the_repository(
    repo: Path, elsewhere: Path, args: tuple[str, ...]
) -> None:
    """Q-AA-2: .github/CODEOWNERS -> a file outside the repository (what a pull request can
    commit): codeowners (and its pre-commit hook, --exit-code) rewrote that file and said
    `Wrote .github/CODEOWNERS`. Now it writes nothing and names the link, as the loader
    refuses to read a desired-state file through one."""
    (repo / ".github").mkdir()
    link = repo / ".github" / "CODEOWNERS"
    link.symlink_to(os.path.relpath(elsewhere / "bashrc", link.parent))

    result = run("codeowners", *args)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: cannot write .github/CODEOWNERS: it is a symbolic link that leads out of "
        f"the repository at {repo.resolve()} (not followed); nothing was written\n"
    )
    assert (elsewhere / "bashrc").read_text() == 'export PS1="$ "\n'
    assert link.is_symlink()


def test_codeowners_refuses_a_github_folder_linked_out_of_the_repository(
    repo: Path, elsewhere: Path
) -> None:
    """.github -> a folder outside: the new CODEOWNERS would be made there."""
    (repo / ".github").symlink_to(elsewhere, target_is_directory=True)

    result = run("codeowners")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: cannot write .github/CODEOWNERS: .github is a symbolic link that leads out "
        f"of the repository at {repo.resolve()} (not followed); nothing was written\n"
    )
    assert sorted(p.name for p in elsewhere.iterdir()) == ["bashrc"]


@pytest.mark.parametrize("args", [(), ("--exit-code",)])
@pytest.mark.parametrize("into", [".git/config", ".git/hooks/pre-commit"])
def test_codeowners_refuses_a_committed_link_that_leads_into_git(
    repo: Path, into: str, args: tuple[str, ...]
) -> None:
    """Q-AF-1: .github/CODEOWNERS -> ../.git/config broke every git command in the clone
    (the block appended to git's config), -> ../.git/hooks/pre-commit appended lines the
    next commit ran as shell (a file named `desired-state/$(id>PWNED).yaml` ran `id`).
    The link stays inside the repository's folder, so the Q-AA-2 check followed it. Now
    git's folder counts as no place for CODEOWNERS: nothing written, the link named."""
    hook = "#!/bin/sh\necho hook ran\n"
    (repo / ".git" / "hooks").mkdir()
    (repo / into).write_text(hook)
    (repo / ".github").mkdir()
    link = repo / ".github" / "CODEOWNERS"
    link.symlink_to(f"../{into}")

    result = run("codeowners", *args)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: cannot write .github/CODEOWNERS: it is a symbolic link that leads into .git "
        "(not followed); nothing was written\n"
    )
    assert (repo / into).read_text() == hook
    assert link.is_symlink()


def test_codeowners_refuses_a_github_folder_linked_into_git(repo: Path) -> None:
    """.github -> .git: the new CODEOWNERS would be made in git's folder."""
    (repo / ".github").symlink_to(".git", target_is_directory=True)

    result = run("codeowners")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: cannot write .github/CODEOWNERS: .github is a symbolic link that leads into "
        ".git (not followed); nothing was written\n"
    )
    assert sorted(p.name for p in (repo / ".git").iterdir()) == []


def test_codeowners_refuses_a_link_into_the_git_folder_a_git_file_names(repo: Path) -> None:
    """A `.git` file (a worktree, `--separate-git-dir`) names the git folder: one inside
    the work tree under another name is git's all the same."""
    (repo / ".git").rmdir()
    (repo / "gitdata").mkdir()
    (repo / "gitdata" / "config").write_text("[core]\n")
    (repo / ".git").write_text("gitdir: gitdata\n")
    (repo / "CODEOWNERS").symlink_to("gitdata/config")

    result = run("codeowners")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: cannot write CODEOWNERS: it is a symbolic link that leads into gitdata "
        "(not followed); nothing was written\n"
    )
    assert (repo / "gitdata" / "config").read_text() == "[core]\n"


@pytest.mark.parametrize("new", [True, False])
def test_codeowners_refuses_a_folder_swapped_for_a_link_while_it_writes(
    repo: Path, elsewhere: Path, monkeypatch: pytest.MonkeyPatch, new: bool
) -> None:
    """Q-AA/AF hardening: the link check ran before the write, by path: a .github swapped
    for a link out of the repository in between (after every check, as the file is
    resolved) got CODEOWNERS written outside, and `Wrote .github/CODEOWNERS`. Now the
    write itself checks the folder it has open: nothing written there, exit 1."""
    (repo / ".github").mkdir()
    if not new:
        (repo / ".github" / "CODEOWNERS").write_text("* @someone\n")
    real_resolve = atomic_file._resolve

    def resolve_then_swap(path: Path) -> tuple[Path, bool]:
        found = real_resolve(path)
        if sys._getframe(1).f_code.co_name == "write_atomically":  # after every check
            (repo / ".github").rename(repo / "github-moved")
            (repo / ".github").symlink_to(elsewhere, target_is_directory=True)
        return found

    monkeypatch.setattr(atomic_file, "_resolve", resolve_then_swap)
    result = run("codeowners")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: cannot write .github/CODEOWNERS: it leads out of the repository at "
        f"{repo.resolve()} through a symbolic link that changed while it was written (not "
        "followed); nothing was written\n"
    )
    assert sorted(p.name for p in elsewhere.iterdir()) == ["bashrc"]


@pytest.mark.parametrize("into", ["../elsewhere", "../.git/config"])
def test_codeowners_check_refuses_the_link_the_write_refuses(
    repo: Path, elsewhere: Path, into: str
) -> None:
    """Q-AA/AF hardening: `codeowners --check` read CODEOWNERS through a link `codeowners`
    refuses to write (out of the repository, or into .git), and said `is up to date` or
    `is out of date` about a file outside. Now it refuses the link, as the write does."""
    (repo / ".git" / "config").write_text("[core]\n")
    (repo / ".github").mkdir()
    link = repo / ".github" / "CODEOWNERS"
    target = elsewhere / "bashrc" if into == "../elsewhere" else repo / ".git" / "config"
    link.symlink_to(os.path.relpath(target, link.parent))
    where = f"out of the repository at {repo.resolve()}" if into == "../elsewhere" else "into .git"

    result = run("codeowners", "--check")
    assert (result.exit_code, result.stdout) == (1, "")
    why = (
        f"cannot check .github/CODEOWNERS: it is a symbolic link that leads {where} (not followed)"
    )
    assert result.stderr == f"Error: {why}\n"
    validated = run("validate")  # validate checks CODEOWNERS as --check does
    assert validated.exit_code == 1
    assert why in validated.output


def test_codeowners_follows_a_link_that_stays_in_the_work_tree_past_git(repo: Path) -> None:
    """A link whose target's name merely starts with .git (.github, .gitkeep) is no
    link into git: followed as before."""
    (repo / ".github").mkdir()
    (repo / ".github" / "CODEOWNERS").symlink_to("../.gitowners")

    assert run("codeowners").exit_code == 0
    assert (repo / ".gitowners").read_text().splitlines()[-1] == END


@pytest.mark.parametrize(
    ("args", "other"),
    [
        (("--check", "--stdout"), "--check"),
        (("--stdout", "--file", "x"), "--file"),
        (("--stdout", "--check", "--file", "x"), "--check"),
    ],
)
def test_codeowners_stdout_with_check_or_file_is_a_usage_error(
    repo: Path, args: tuple[str, ...], other: str
) -> None:
    """--check and --file were silently ignored with --stdout (exit 0 while out of date)."""
    result = run("codeowners", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"Error: --stdout and {other} cannot be combined: --stdout prints the lines and "
        "reads no file; give one or the other\n",
    )
    assert sorted(p.name for p in repo.iterdir()) == [".git", "desired-state"]


def test_codeowners_check_with_file_checks_that_file(repo: Path) -> None:
    (repo / "other").mkdir()  # --file's folder must exist, as plan --out's (Q-CK-6)
    assert run("codeowners", "--file", "other/OWNERS").exit_code == 0
    assert run("codeowners", "--check", "--file", "other/OWNERS").exit_code == 0
    check = run("codeowners", "--check")  # the default file is still missing
    assert check.exit_code == 1


def test_codeowners_check_and_stdout_write_nothing(repo: Path) -> None:
    check = run("codeowners", "--check")
    assert (check.exit_code, check.stderr) == (
        1,
        "Error: .github/CODEOWNERS is missing the owners the desired state names: run "
        "`chime-reconciler codeowners`\n",
    )
    shown = run("codeowners", "--stdout")
    assert shown.stdout == "/desired-state/rooms.yaml @alice @example-org/leads @example-org/sre\n"
    assert not (repo / ".github").exists()


def test_validate_reports_a_codeowners_out_of_date(repo: Path) -> None:
    result = run(*NOW, "validate")
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            DAVE_EXPIRED,
            ".github/CODEOWNERS is missing the owners the desired state names: run "
            "`chime-reconciler codeowners`",
            "Desired state is invalid: 1 error.",
        ],
    )
    write_codeowners(repo)
    assert run(*NOW, "validate").exit_code == 0
    rooms = repo / "desired-state" / "rooms.yaml"
    rooms.write_text(rooms.read_text().replace("owners: [alice, ", "owners: ["))
    stale = run(*NOW, "validate")
    assert stale.exit_code == 1
    assert stale.stderr.splitlines()[1] == (
        ".github/CODEOWNERS is out of date with the desired state's owners: run "
        "`chime-reconciler codeowners`"
    )


def test_validate_warns_about_expired_and_soon_ending_entries(repo: Path) -> None:
    write_codeowners(repo)
    expired = (
        "Warning: dave@example.com in room ops: Member expired 2027-02-01, declared at "
        "desired-state/rooms.yaml:10: the entry can be removed"
    )
    result = run(*NOW, "validate")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [expired]  # alice has 19 days left: beyond 14
    assert result.stdout == "Desired state is valid: 1 room, 5 memberships in 2 files.\n"
    settings(repo, "expiry_warning_days: 30\n")
    assert run(*NOW, "validate").stderr.splitlines() == [
        "Warning: alice@example.com in room ops: Administrator until 2027-03-20 (19 days "
        "left), declared at desired-state/rooms.yaml:5",
        expired,
    ]


def test_validate_warns_of_an_entry_ending_today_beside_a_policy_error(repo: Path) -> None:
    """QA-HE Q-HE-4: any error (a max_grant_days one too) dropped every warning, so who
    fixed the errors was not told that a grant ends today until they were gone."""
    write_codeowners(repo)
    settings(repo, "max_grant_days: 5\n")
    result = run("--now", "2027-03-20T09:00:00Z", "validate")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "Warning: alice@example.com in room ops: Administrator until 2027-03-20 (ends "
        "today), declared at desired-state/rooms.yaml:5"
    )
    assert "Warning: dave@example.com in room ops: Member expired 2027-02-01" in lines[1]
    assert "grants may last at most 5 days" in lines[2]
    assert lines[-1].startswith("Desired state is invalid: ")


def test_max_duration_names_a_duration_and_one_day_in_the_singular(repo: Path) -> None:
    """Q-FW-4: --help showed `[KEY=]DAYS`, yet a bare number of days is refused; and a
    limit of 1 day read "at most 1 days"."""
    write_codeowners(repo)
    assert "--max-duration [KEY=]DURATION" in run("validate", "--help").stdout
    result = run(*NOW, "validate", "--max-duration", "members=1d")
    assert "grants in members may last at most 1 day (--max-duration)" in result.stderr


def test_max_duration_refuses_longer_grants_and_grants_without_until(repo: Path) -> None:
    write_codeowners(repo)
    result = run(*NOW, "validate", "--max-duration", "90d")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        DAVE_EXPIRED,  # QA-HE Q-HE-4: the warnings too, as plan gives them beside errors
        "desired-state/rooms.yaml:6: room ops: bob@example.com until 2027-12-31 ends after "
        "2027-05-30: grants may last at most 90 days (--max-duration)",
        "desired-state/rooms.yaml:7: room ops: erin@example.com has no `until:` and "
        "frank@example.com has no `until:`: grants may last at most 90 days (--max-duration)",
        "desired-state/rooms.yaml:9: room ops: carol@example.com has no `until:`: grants may "
        "last at most 90 days (--max-duration)",
        "Desired state is invalid: 3 errors.",
    ]


def test_a_grant_ending_exactly_at_the_limit_passes(repo: Path) -> None:
    # Q-AN-9: until 2027-03-20 is 19 days after --now 2027-03-01: the longest 19-day grant
    (repo / "desired-state" / "rooms.yaml").write_text(
        "rooms:\n  ops:\n    administrators:\n"
        "      - {member: alice@example.com, until: 2027-03-20}\n"
    )
    result = run(*NOW, "validate", "--max-duration", "19d")
    assert result.exit_code == 0, result.stderr
    result = run(*NOW, "validate", "--max-duration", "18d")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "desired-state/rooms.yaml:4: room ops: alice@example.com until 2027-03-20 ends after "
        "2027-03-19: grants may last at most 18 days (--max-duration)"
    )


def test_three_members_of_one_entry_are_all_named_and_a_fourth_is_counted(repo: Path) -> None:
    # Q-AN-10: an error names up to three members, never "... and 0 more"
    members = [f"{name}@example.com" for name in ("ann", "ben", "cid", "dot")]
    # one wording for a list cut short (QA-LF Q-LF-10): "a, b and c", "a, b, c and 1 more"
    for count, sep, tail in ((3, " and ", ""), (4, ", ", " and 1 more")):
        (repo / "desired-state" / "rooms.yaml").write_text(
            f"groups:\n  sre: [{', '.join(members[:count])}]\n"
            'rooms:\n  ops:\n    members: ["@sre"]\n'
        )
        result = run(*NOW, "validate", "--max-duration", "90d")
        assert result.stderr.splitlines()[0] == (
            "desired-state/rooms.yaml:5: room ops: ann@example.com has no `until:`, "
            f"ben@example.com has no `until:`{sep}cid@example.com has no `until:`"
            f"{tail}: grants may last at most 90 days (--max-duration)"
        )


def test_the_members_counted_are_counted_as_every_message_counts(repo: Path) -> None:
    """QA-LF Q-LF-10: the members past the third were counted without a thousands
    separator ("and 1001 more"), where every other list cut short writes "1,001"."""
    members = ", ".join(f"user:m{i}" for i in range(1004))  # a channel: over a room's 1,000
    settings(
        repo,
        "app_instances:\n  chat: {arn: 'arn:aws:chime:us-east-1:111122223333:app-instance/"
        "chat', bearer: user:r}\n",
    )
    (repo / "desired-state" / "rooms.yaml").write_text(
        f"channels:\n  ops:\n    members: [{members}]\n"
    )
    result = run(*NOW, "validate", "--max-duration", "90d")
    assert result.stderr.splitlines()[0].endswith(
        "has no `until:` and 1,001 more: grants may last at most 90 days (--max-duration)"
    ), result.stderr


def test_max_grant_days_per_list_key_from_settings(repo: Path) -> None:
    write_codeowners(repo)
    settings(repo, "max_grant_days: {administrators: 400}\n")
    assert run(*NOW, "validate").stderr.splitlines() == [
        DAVE_EXPIRED,
        "desired-state/rooms.yaml:7: room ops: erin@example.com has no `until:` and "
        "frank@example.com has no `until:`: grants in administrators may last at most 400 "
        "days (settings.yaml max_grant_days)",
        "Desired state is invalid: 1 error.",
    ]
    # --max-duration replaces the settings: per list key too
    result = run(*NOW, "validate", "--max-duration", "members=12w")
    assert result.stderr.splitlines() == [
        DAVE_EXPIRED,
        "desired-state/rooms.yaml:9: room ops: carol@example.com has no `until:`: grants in "
        "members may last at most 84 days (--max-duration)",
        "Desired state is invalid: 1 error.",
    ]


def test_require_reason_for_elevated_roles(repo: Path) -> None:
    write_codeowners(repo)
    settings(repo, "require_reason: true\n")
    result = run(*NOW, "validate")
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            DAVE_EXPIRED,
            "desired-state/rooms.yaml:7: room ops: Administrator erin@example.com needs a "
            "reason: add `reason:` or `ticket:` to this entry (settings.yaml require_reason)",
            "Desired state is invalid: 1 error.",
        ],
    )  # alice has a reason, bob a ticket, frank a reason in the group; members need none


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--now", "tomorrow", "validate"),
            "Error: Invalid value for '--now': expected a date (2027-03-31) or a date and "
            "time with a zone (2027-03-31T18:00:00Z), got 'tomorrow'",
        ),
        (
            ("--now", "2027-03-01T10:00", "validate"),
            "Error: Invalid value for '--now': '2027-03-01T10:00' has no time zone: add one "
            "(Z or +02:00)",
        ),
        (
            ("validate", "--max-duration", "3 months"),
            "Error: --max-duration 3 months: expected a duration such as 90d or 12w, "
            "got '3 months'",
        ),
        (
            ("validate", "--max-duration", "admins=30d"),
            "Error: --max-duration admins=30d: unknown list key 'admins' "
            "(did you mean 'administrators'?)",
        ),
        (
            ("validate", "--max-duration", "bogus=30d"),
            "Error: --max-duration bogus=30d: unknown list key 'bogus' (one of: "
            "administrators, attendees, hidden, members, moderators, presenters, *)",
        ),
        (
            ("validate", "--max-duration", "0d"),
            "Error: --max-duration 0d: must be at least 1 day",
        ),
        (
            ("validate", "--max-duration", "100000d"),
            "Error: --max-duration 100000d: must be at most 99999d",
        ),
        (
            ("validate", "--max-duration", "=30d"),
            "Error: --max-duration =30d: no list key before '=' (KEY=DAYS or DAYS)",
        ),
        (
            (
                "validate",
                "--max-duration",
                "administrators=30d",
                "--max-duration",
                "administrators=60d",
            ),
            "Error: --max-duration given twice for administrators: administrators=30d and "
            "administrators=60d; give one",
        ),
        (
            ("validate", "--max-duration", "90d", "--max-duration", "30d"),
            "Error: --max-duration given twice for every role: 90d and 30d; give one",
        ),
    ],
)
def test_bad_clock_and_durations_are_usage_errors(
    repo: Path, args: tuple[str, ...], message: str
) -> None:
    result = run(*args)
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (1, message)


def test_a_desired_state_outside_any_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No folder with .git above --desired (a checkout without .git, an image): validate
    warns that CODEOWNERS is not checked, and codeowners never writes into whatever
    repository or folder the current directory is."""
    outside = tmp_path / "outside" / "desired-state"
    outside.mkdir(parents=True)
    (outside / "settings.yaml").write_text(f"account: {ACCOUNT}\n")
    (outside / "rooms.yaml").write_text(textwrap.dedent(ROOMS).lstrip())
    elsewhere = tmp_path / "elsewhere"  # the current directory: another repository
    (elsewhere / ".git").mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    assert not any((p / ".git").exists() for p in (outside, *outside.parents))

    checked = run("--desired", str(outside), *NOW, "validate")
    assert checked.exit_code == 0, checked.stderr
    assert (
        f"Warning: owners: not checked against CODEOWNERS: no git repository above {outside}"
        in checked.stderr.splitlines()
    )
    written = run("--desired", str(outside), "codeowners")
    assert (written.exit_code, written.stderr) == (
        1,
        f"Error: no git repository above {outside} (no folder with .git): there is no "
        "CODEOWNERS that GitHub would read; give --file FILE (paths are then relative to its "
        "repository: the folder above .github/ or docs/, else its own folder) or --stdout "
        "(relative to the current directory)\n",
    )
    assert sorted(p.name for p in elsewhere.iterdir()) == [".git"]

    given = tmp_path / "outside" / ".github" / "CODEOWNERS"
    assert run("--desired", str(outside), "codeowners", "--file", str(given)).exit_code == 0
    assert given.read_text().splitlines()[1] == (
        "/desired-state/rooms.yaml @alice @example-org/leads @example-org/sre"
    )
    monkeypatch.chdir(tmp_path)
    shown = run("--desired", str(outside), "codeowners", "--stdout")
    assert shown.stdout == (
        "/outside/desired-state/rooms.yaml @alice @example-org/leads @example-org/sre\n"
    )


@pytest.mark.parametrize(
    ("name", "shown", "chars"),
    [
        ("web\nx.yaml", "web\\nx.yaml", "\\n"),  # QA4 R2: the rule split into two lines
        ("web\rx.yaml", "web\\rx.yaml", "\\r"),  # read back as a line break: never current
        ("w\te\x01b.yaml", "w\\te\\x01b.yaml", "\\t, \\x01"),
        ("web\u2028x.yaml", "web\\u2028x.yaml", "\\u2028"),  # a line break to splitlines()
        ("evil\u202egnp.yaml", "evil\\u202egnp.yaml", "\\u202e"),  # reorders a diff's line
        ("w\u200beb.yaml", "w\\u200beb.yaml", "\\u200b"),
    ],
)
def test_a_file_name_codeowners_cannot_write_is_refused_at_its_line(
    repo: Path, name: str, shown: str, chars: str
) -> None:
    """CODEOWNERS has one rule per line and no escape for a line break, a control or a
    format character (GitHub's "About code owners"): written raw, a newline split the
    file's rule in two (the file owned by nobody, `x.yaml @alice` a rule for every
    x.yaml), and validate compared with its own broken lines and passed. Both commands
    refuse the name at the owned target's line; nothing is written."""
    desired = repo / "desired-state"
    (desired / name).write_text("rooms:\n  web:\n    owners: [bob]\n    members: []\n")
    expected = [
        f"desired-state/{shown}:2: room web: CODEOWNERS cannot name this file: its name "
        f"holds {chars} (a CODEOWNERS rule is one line, with no escape for "
        "control, format or line-separator characters); rename the file",
        "Desired state is invalid: 1 error.",
    ]
    written = run("codeowners")
    assert (written.exit_code, written.stdout, written.stderr.splitlines()) == (1, "", expected)
    assert not (repo / ".github").exists()
    assert run("codeowners", "--stdout").stderr.splitlines() == expected
    assert run("codeowners", "--check").stderr.splitlines() == expected

    # a CODEOWNERS written by an earlier version, with the split rule: still refused
    (repo / ".github").mkdir()
    old = f"{BEGIN}\n/desired-state/rooms.yaml @alice @example-org/leads @example-org/sre\n"
    (repo / ".github" / "CODEOWNERS").write_text(f"{old}/desired-state/{name} @bob\n{END}\n")
    before = (repo / ".github" / "CODEOWNERS").read_bytes()
    checked = run(*NOW, "validate")
    assert (checked.exit_code, checked.stdout, checked.stderr.splitlines()) == (
        1,
        "",
        [DAVE_EXPIRED, *expected],
    )
    assert run("codeowners").exit_code == 1
    assert (repo / ".github" / "CODEOWNERS").read_bytes() == before


def test_a_file_name_codeowners_cannot_write_outside_any_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No .git above: CODEOWNERS is not compared (a warning), but a name no CODEOWNERS
    could hold is still an error: `codeowners --file` there would have to write it."""
    desired = tmp_path / "desired-state"
    desired.mkdir()
    (desired / "settings.yaml").write_text(f"account: {ACCOUNT}\n")
    (desired / "ops\nx.yaml").write_text("rooms:\n  ops:\n    owners: [bob]\n    members: []\n")
    monkeypatch.chdir(tmp_path)
    checked = run(*NOW, "validate")
    assert (checked.exit_code, checked.stderr.splitlines()[0]) == (
        1,
        "desired-state/ops\\nx.yaml:2: room ops: CODEOWNERS cannot name this file: its name "
        "holds \\n (a CODEOWNERS rule is one line, with no escape for control, format or "
        "line-separator characters); rename the file",
    )


def test_a_member_on_one_line_directly_and_through_a_group_is_named_once(repo: Path) -> None:
    # QA M Q-M-6: `members: ["@sre", bob@example.com]` with bob in @sre named bob twice
    # (`bob@example.com has no `until:`, bob@example.com has no `until:``): one problem
    (repo / "desired-state" / "rooms.yaml").write_text(
        "groups:\n  sre: [bob@example.com, carol@example.com]\n"
        "rooms:\n  ops:\n"
        '    administrators: ["@sre", bob@example.com]\n'
        '    members: ["@sre", bob@example.com]\n'
    )
    settings(repo, "require_reason: true\n")
    result = run(*NOW, "validate", "--max-duration", "90d")
    assert result.stderr.splitlines() == [
        "desired-state/rooms.yaml:5: room ops: Administrator bob@example.com and "
        "carol@example.com needs a reason: add `reason:` or `ticket:` to this entry "
        "(settings.yaml require_reason)",
        "desired-state/rooms.yaml:5: room ops: bob@example.com has no `until:` and "
        "carol@example.com has no `until:`: grants may last at most 90 days (--max-duration)",
        "desired-state/rooms.yaml:6: room ops: bob@example.com has no `until:` and "
        "carol@example.com has no `until:`: grants may last at most 90 days (--max-duration)",
        "Desired state is invalid: 3 errors.",
    ]


def test_codeowners_writes_owners_differing_in_case_alone_once(repo: Path) -> None:
    """Q-CJ-8: `@alice @ALICE @example-org/sre @Example-Org/SRE dave@example.com
    Dave@Example.com`: GitHub ignores case in logins, team slugs and e-mail addresses."""
    (repo / "desired-state" / "rooms.yaml").write_text(
        "rooms:\n  ops:\n    owners: [alice, ALICE, example-org/sre, Example-Org/SRE,\n"
        "      dave@example.com, Dave@Example.com]\n    members: [bob@example.com]\n"
    )
    shown = run("codeowners", "--stdout")
    assert (shown.exit_code, shown.stdout) == (
        0,
        "/desired-state/rooms.yaml @alice @example-org/sre dave@example.com\n",
    )


def test_check_and_validate_word_a_missing_or_stale_codeowners_alike(repo: Path) -> None:
    """Q-CJ-9: `--check` said `.github/CODEOWNERS is out of date` of a file that does not
    exist, where validate said it is missing the owners."""
    missing = (
        ".github/CODEOWNERS is missing the owners the desired state names: run "
        "`chime-reconciler codeowners`"
    )
    stale = (
        ".github/CODEOWNERS is out of date with the desired state's owners: run "
        "`chime-reconciler codeowners`"
    )
    for text, why in ((None, missing), ("* @everyone\n", stale)):
        if text is not None:
            (repo / ".github").mkdir()
            (repo / ".github" / "CODEOWNERS").write_text(text)
        check = run("codeowners", "--check")
        assert (check.exit_code, check.stdout, check.stderr) == (1, "", f"Error: {why}\n")
        valid = run(*NOW, "validate")
        assert (valid.exit_code, valid.stderr.splitlines()) == (
            1,
            [DAVE_EXPIRED, why, "Desired state is invalid: 1 error."],
        )


def test_validate_warns_about_protected_group_entries_that_end_soon_or_expired(
    repo: Path,
) -> None:
    # Q-CY-7: `protected: ["@oncall"]`, zoe in @oncall until 2027-03-05, in no target:
    # validate said nothing, while plan warned of the end and then removed her
    write_codeowners(repo)
    settings(repo, 'protected: ["@oncall"]\n')
    (repo / "desired-state" / "oncall.yaml").write_text(
        "groups:\n  oncall:\n    - {member: zoe@example.com, until: 2027-03-05}\n"
    )
    soon = run(*NOW, "validate")
    assert soon.exit_code == 0, soon.output
    assert soon.stderr.splitlines()[-1] == (
        "Warning: zoe@example.com (protected: via @oncall): protected until 2027-03-05 "
        "(4 days left), declared at desired-state/oncall.yaml:3"
    )
    ended = run("--now", "2027-03-06", "validate")
    assert ended.exit_code == 0, ended.output
    assert ended.stderr.splitlines()[-1] == (
        "Warning: zoe@example.com (protected: via @oncall): protection expired 2027-03-05, "
        "declared at desired-state/oncall.yaml:3: the entry can be removed"
    )


@pytest.mark.parametrize(
    "other",
    ["{member: dave@example.com, until: 2027-03-25, reason: week 2}", "dave@example.com"],
    ids=["another-ends-later", "another-for-good"],
)
def test_validate_warns_of_an_expired_protected_group_entry_another_protection_outlasts(
    repo: Path, other: str
) -> None:
    # Q-EE-5: dave's @oncall entry expired, and @oncall2 protects him longer (or for
    # good): validate said nothing of the expired entry, as it does of any other
    write_codeowners(repo)
    settings(repo, 'protected: ["@oncall", "@oncall2"]\n')
    (repo / "desired-state" / "oncall.yaml").write_text(
        "groups:\n  oncall:\n    - {member: dave@example.com, until: 2027-03-01, reason: week 1}\n"
        f"  oncall2:\n    - {other}\n"
    )
    result = run("--now", "2027-03-10", "validate")
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if "(protected:" in line] == [
        "Warning: dave@example.com (protected: via @oncall): protection expired 2027-03-01, "
        "declared at desired-state/oncall.yaml:3: the entry can be removed"
    ]
