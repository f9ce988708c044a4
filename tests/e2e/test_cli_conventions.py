"""Command-line conventions a new user relies on: help with examples that fits 80 columns,
every environment variable in --help, global options after the command, Terraform's
single-dash spellings, shell completion of target names."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli as root

pytestmark = pytest.mark.e2e

SOURCE = Path(__file__).resolve().parents[2] / "reconciler"


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [path]
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            out += _commands(command, (*path, name))
        else:
            out.append((*path, name))
    return out


def _help(args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    result = CliRunner().invoke(root, [*args, "--help"], prog_name="chime-reconciler")
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", _commands(root), ids=lambda c: " ".join(c) or "root")
def test_every_command_has_examples_and_its_help_fits_80_columns(
    command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _help(command, monkeypatch)
    assert re.search(r"^\s*(More )?[Ee]xamples?\b.*:$", text, re.M), text
    assert [line for line in text.splitlines() if len(line) > 80] == []


def test_no_help_says_global_options_go_first(monkeypatch: pytest.MonkeyPatch) -> None:
    # QA M Q-M-5: `validate --help` said "global options go first"; they may come before
    # or after the command (the root --help and the README), and `validate --desired DIR`
    # works
    said = [c for c in _commands(root) if re.search(r"go(es)? first", _help(c, monkeypatch))]
    assert said == []
    assert "# or: validate --desired DIR" in _help(("validate",), monkeypatch)


def _environment_variables() -> dict[str, set[str]]:
    """Every environment variable the code reads, by the file reading it."""
    patterns = [
        re.compile(r"environ(?:\.get)?[(\[]\"([A-Z_]+)\""),
        re.compile(r"\"([A-Z_]+)\" in os\.environ"),
        re.compile(r"envvar=\"([A-Z_]+)\""),
        re.compile(r"^ENV_\w+ = \"([A-Z_]+)\"", re.M),
        re.compile(r"\b(_?CHIME_RECONCILER_[A-Z_]+)\b"),
        re.compile(r"env\.get\(\"([A-Z_]+)\""),
    ]
    found: dict[str, set[str]] = {}
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in patterns:
            for name in pattern.findall(text):
                found.setdefault(name, set()).add(str(path.relative_to(SOURCE)))
    return found


def test_every_environment_variable_the_code_reads_is_in_help(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = _environment_variables()
    assert {"CHIME_RECONCILER_DESIRED", "NO_COLOR", "CI", "GITHUB_TOKEN"} <= set(found)
    root_help = _help((), monkeypatch)
    gitops_help = _help(("gitops", "drift"), monkeypatch)
    missing = [
        name
        for name, files in sorted(found.items())
        if name not in root_help
        and not (all(f.startswith("gitops/") for f in files) and name in gitops_help)
        and name != "GITHUB_OUTPUT"  # written by the workflow runner, for the workflow
    ]
    assert missing == []


def test_global_options_after_the_command_mean_the_same(ops: Any, cli: Any) -> None:
    before = cli.raw("--endpoint-url", cli.endpoint_url, "--desired", "desired-state", "plan")
    after = cli.raw("plan", "--desired", "desired-state", f"--endpoint-url={cli.endpoint_url}")
    assert (after.exit_code, after.lines) == (before.exit_code, before.lines)
    assert after.lines == ops.plan
    mixed = cli.raw("plan", "--no-color", "--desired", "desired-state", "--endpoint-url")
    assert (mixed.exit_code, mixed.err_lines[-1]) == (
        1,
        "Error: Option '--endpoint-url' requires an argument.",
    )


def test_terraform_spellings_are_understood(ops: Any, cli: Any, workdir: Path) -> None:
    run = cli("plan", "-out=saved.json", "-target=incident", "-detailed-exitcode", "-no-color")
    assert run.exit_code == 2
    assert run.lines[0] == ops.plan[0]
    saved = json.loads((workdir / "saved.json").read_text())
    assert [t["name"] for t in saved["targets"]] == ["incident"]
    applied = cli("apply", "-auto-approve", "-target", "releases")
    assert applied.exit_code == 0
    assert applied.lines[-1] == "Apply complete! Memberships: 1 added, 0 changed, 0 removed."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("apply", "-auto-aprove"),
            "Error: No such option '-auto-aprove'. (Options are spelled with two dashes: "
            "did you mean '--auto-approve'?)",
        ),
        (
            ("plan", "-json"),
            "Error: No such option '-json'. (A Terraform option: use --format json.)",
        ),
        (
            ("plan", "-lock=false"),
            "Error: No such option '-lock'. (A Terraform option: there is no state lock to take.)",
        ),
        (
            ("-colour", "plan"),
            "Error: No such option '-colour'. (Options are spelled with two dashes, and "
            "there is no '--colour' either.)",
        ),
    ],
)
def test_unknown_single_dash_options_are_refused_with_the_right_spelling(
    args: tuple[str, ...], message: str, ops: Any, cli: Any
) -> None:
    run = cli(*args)
    # as click's own "No such option": the command's Usage and Try lines first (Q-CK-4)
    assert (run.exit_code, run.stdout, run.err_lines[-1]) == (1, "", message)
    assert run.err_lines[0].startswith("Usage: chime-reconciler ")
    assert run.err_lines[1].startswith("Try 'chime-reconciler ")


def _complete(
    words: str, workdir: Path, cword: int | None = None, shell: str = "bash"
) -> list[str]:
    """What completing word ``cword`` (default: the last) of ``words`` offers, as the
    bash (or zsh) script asks for it."""
    env = {
        **os.environ,
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1 if cword is None else cword),
        "_CHIME_RECONCILER_COMPLETE": f"{shell}_complete",
    }
    done = subprocess.run(
        [sys.executable, "-m", "reconciler"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    return [line for line in done.stdout.splitlines() if line]


def test_target_names_complete_from_the_desired_state(write_desired: Any, workdir: Path) -> None:
    write_desired(
        {
            "settings.yaml": "account: acc-1\n",
            "rooms.yaml": """
                rooms:
                  incident-response: {members: [a@example.com]}
                  ops: {id: room-ops-1, members: [a@example.com]}
                """,
            "meetings.yaml": """
                meetings:
                  bridge: {meeting_id: "${INCIDENT_MEETING_ID}", attendees: {a@example.com: viewer}}
                """,
        }
    )
    # the meeting by its name, never its `${VARIABLE}` (the shell would expand it)
    assert _complete("chime-reconciler plan --target ", workdir) == [
        "plain,bridge",
        "plain,incident-response",
        "plain,ops",
        "plain,room-ops-1",
    ]
    assert _complete("chime-reconciler plan --target $", workdir) == []
    assert _complete("chime-reconciler apply --target i", workdir) == ["plain,incident-response"]
    (workdir / "desired-state").rename(workdir / "other")
    assert _complete("chime-reconciler plan --desired other --target o", workdir) == ["plain,ops"]
    assert _complete("chime-reconciler plan --target ", workdir) == []  # no directory: nothing


def test_a_desired_after_the_word_being_completed_is_the_one_read(workdir: Path) -> None:
    # QA5 Q5-8: click parses only the words before the cursor, so a `--desired DIR` after
    # it was ignored: the default directory's names were offered (or none)
    for directory, room in (("desired-state", "ops-default"), ("other", "ops-other")):
        (workdir / directory).mkdir()
        (workdir / directory / "settings.yaml").write_text("account: acc-1\n")
        (workdir / directory / "rooms.yaml").write_text(
            f"rooms:\n  {room}: {{members: [a@x.io]}}\n"
        )
    lines = [  # the cursor on `o` (word 3, or 5)
        ("chime-reconciler plan --target o --desired other", 3),
        ("chime-reconciler plan --target o --desired=other -v", 3),
        ("chime-reconciler --desired desired-state plan --target o --desired other", 5),
    ]
    for shell, offers in (("bash", ["plain,ops-other"]), ("zsh", ["plain", "ops-other", "_"])):
        for line, cword in lines:
            assert _complete(line, workdir, cword, shell) == offers, (shell, line)
    # bash's words for --desired=other
    line = "chime-reconciler plan --target o --desired = other -v"
    assert _complete(line, workdir, 3) == ["plain,ops-other"]
    # a --desired before the cursor only: as before; the last one wins, as when it runs
    assert _complete("chime-reconciler --desired other plan --target o", workdir) == [
        "plain,ops-other"
    ]
    line = "chime-reconciler --desired other plan --target o --desired desired-state"
    assert _complete(line, workdir, 5) == ["plain,ops-default"]


def test_bash_words_split_at_equals_and_colons_are_joined_back(workdir: Path) -> None:
    # QA W Q-W-2: bash splits `--desired=ds` into `--desired`, `=`, `ds` (and an ARN at
    # each `:`): --desired was read as `=`, and nothing was offered. What bash inserts is
    # the end of the word after its last `=` or `:` (the piece it replaces)
    (workdir / "ds").mkdir()
    (workdir / "ds" / "settings.yaml").write_text("account: acc-1\n")
    (workdir / "ds" / "rooms.yaml").write_text(
        "rooms:\n  web-ops: {members: [a@x.io]}\n  web releases: {members: [a@x.io]}\n"
        "  ops: {id: 'room:ops:1', members: [a@x.io]}\n"
    )
    for words, offers in [
        ("chime-reconciler plan --desired = ds --target web-", ["plain,web-ops"]),
        ("chime-reconciler plan --desired ds --target = web-", ["plain,web-ops"]),
        (
            "chime-reconciler plan --desired ds --target =",
            ["plain,ops", "plain,room:ops:1", "plain,web\\ releases", "plain,web-ops"],
        ),
        # room:ops (the room ops, kind-qualified: QA-HJ Q-HJ-5) and the id room:ops:1
        ("chime-reconciler plan --desired ds --target room : o", ["plain,ops", "plain,ops:1"]),
        ("chime-reconciler plan --desired ds --target room : ops :", ["plain,1"]),
    ]:
        cword = len(words.split(" ")) - 1
        assert _complete(words.replace(" ", "\n"), workdir, cword) == offers, words


def test_an_empty_word_at_the_cursor_keeps_the_desired_after_it(workdir: Path) -> None:
    # QA M Q-M-2: `plan --target <TAB> --desired DIR`: the shell passes the empty word
    # being completed between two separators; it was dropped, every later word moved one
    # place left, and `--desired` was taken for the word being completed: nothing offered
    (workdir / "my ds").mkdir()
    (workdir / "my ds" / "settings.yaml").write_text("account: acc-1\n")
    (workdir / "my ds" / "rooms.yaml").write_text(
        "rooms:\n  alpha: {members: [a@x.io]}\n  beta: {members: [b@x.io]}\n"
    )
    words = ["chime-reconciler", "plan", "--target", "", "--desired", '"my ds"', "-v"]
    # bash joins COMP_WORDS with newlines, zsh its words with spaces
    for shell, separator, offers in (
        ("bash", "\n", ["plain,alpha", "plain,beta"]),
        ("zsh", " ", ["plain", "alpha", "_", "plain", "beta", "_"]),
    ):
        assert _complete(separator.join(words), workdir, 3, shell) == offers, shell
    # the empty word as the last one (nothing after it): as before
    assert _complete("chime-reconciler --desired 'my ds' plan --target ", workdir, 5) == [
        "plain,alpha",
        "plain,beta",
    ]


def test_fish_inserts_a_target_name_with_a_comma_whole(write_desired: Any, workdir: Path) -> None:
    """Q-FW-5: the fish script split each `TYPE,VALUE` answer at every comma, so a room
    `ops,night` was offered as `ops`. fish is not installed here: its ``string split``
    is applied as the printed script calls it (``--max N`` splits at the first N only)."""
    write_desired(
        {
            "settings.yaml": "account: acc-1\n",
            "rooms.yaml": 'rooms:\n  "ops,night": {members: [a@example.com]}\n',
        }
    )
    script = CliRunner().invoke(root, ["completion", "fish"], prog_name="chime-reconciler")
    (split,) = re.findall(r"set -l metadata \(string split (.*) \$completion\)", script.output)
    most = re.fullmatch(r'(?:--max (\d+) )?","', split)
    assert most is not None, split
    maxsplit = int(most.group(1)) if most.group(1) else -1
    env = {
        **os.environ,
        "COMP_WORDS": "chime-reconciler plan --target ",
        "COMP_CWORD": "",  # fish passes the word itself (`commandline -t`)
        "_CHIME_RECONCILER_COMPLETE": "fish_complete",
    }
    done = subprocess.run(
        [sys.executable, "-m", "reconciler"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    answers = done.stdout.splitlines()
    offered = [answer.split(",", maxsplit)[1] for answer in answers]
    assert offered == ["ops,night"]


def test_a_global_options_name_after_the_command_completes(workdir: Path) -> None:
    """Q-FW-3: global options are accepted after the command, but `validate --de<TAB>`
    and `plan --end<TAB>` completed nothing."""
    assert _complete("chime-reconciler validate --de", workdir) == ["plain,--desired"]
    assert _complete("chime-reconciler plan --end", workdir) == ["plain,--endpoint-url"]
    offered = _complete("chime-reconciler validate --", workdir)
    assert offered[:2] == ["plain,--max-duration", "plain,--help"]  # its own first
    assert {"plain,--desired", "plain,--now", "plain,--verbose"} <= set(offered)


def test_completion_prints_each_shells_script(workdir: Path) -> None:
    for shell, needle in [
        ("bash", "_CHIME_RECONCILER_COMPLETE=bash_complete"),
        ("zsh", "_CHIME_RECONCILER_COMPLETE=zsh_complete"),
        ("fish", "_CHIME_RECONCILER_COMPLETE=fish_complete"),
    ]:
        result = CliRunner().invoke(root, ["completion", shell], prog_name="chime-reconciler")
        assert result.exit_code == 0 and needle in result.output


@pytest.mark.parametrize(
    ("shell", "cword"),
    [("bash", "3"), ("zsh", "3"), ("fish", "d")],  # fish: the word itself
)
def test_a_global_options_value_after_the_command_completes(
    shell: str, cword: str, workdir: Path
) -> None:
    # Q-X-2: `plan --desired d<TAB>` offers directories, as `--desired d<TAB> plan` does
    (workdir / "ds").mkdir()
    env = {
        **os.environ,
        "COMP_WORDS": "chime-reconciler plan --desired d",
        "COMP_CWORD": cword,
        "_CHIME_RECONCILER_COMPLETE": f"{shell}_complete",
    }
    done = subprocess.run(
        [sys.executable, "-m", "reconciler"],
        capture_output=True,
        text=True,
        cwd=workdir,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "dir" in done.stdout.split() or "dir,d" in done.stdout, done.stdout


STARTUP = """
import sys
from reconciler.cli import main
sys.argv = ["chime-reconciler", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("LOADED", *sorted(m for m in sys.modules if m.startswith("reconciler.")))
"""


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_command_imports_its_own_module_and_not_the_others(command: str) -> None:
    # start-up is a large part of a quick plan: the emulator, the importer's command,
    # the GitHub glue and the other commands are imported only when they are run
    done = subprocess.run(
        [sys.executable, "-c", STARTUP, command, "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded = set(done.stdout.rsplit("LOADED", 1)[1].split())
    assert f"reconciler.cli.{command}" in loaded
    others = {"reconciler.emulator", "reconciler.gitops", "reconciler.cli.demo"}
    others |= {f"reconciler.cli.{c}" for c in ("codeowners", "import_cmd", "merge_plans")}
    others -= {f"reconciler.cli.{command}"}
    assert loaded & others == set()
