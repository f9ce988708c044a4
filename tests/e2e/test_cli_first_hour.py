"""A new user's first mistakes on the command line (REPORT_AR): an option typed before its
command or after another one, no command at all, a misspelt command, and an https://
endpoint on the plain-HTTP emulator. Each ends with one message that says what to type,
exit 1, quickly."""

from __future__ import annotations

import time
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("-auto-approve", "apply"),
            "Error: --auto-approve is an option of apply, not a global one: put it after the "
            "command: chime-reconciler apply --auto-approve",
        ),
        (
            ("--auto-approve", "apply"),
            "Error: --auto-approve is an option of apply, not a global one: put it after the "
            "command: chime-reconciler apply --auto-approve",
        ),
        (
            ("-out=plan.json", "plan"),
            "Error: --out is an option of apply, import, merge-plans and plan, not a global "
            "one: put it after the command: chime-reconciler plan --out=plan.json",
        ),
        (
            ("--out", "plan.json", "plan"),
            "Error: --out is an option of apply, import, merge-plans and plan, not a global "
            "one: put it after the command: chime-reconciler plan --out plan.json",
        ),
        (
            ("-target=ops", "plan"),
            "Error: --target is an option of apply, explain and plan, not a global one: put "
            "it after the command: chime-reconciler plan --target=ops",
        ),
        (
            # every other word kept, the option moved after the command (QA-AS Q-AS-2)
            ("--desired", "team state", "--out", "p.json", "-v", "plan", "--target", "ops"),
            "Error: --out is an option of apply, import, merge-plans and plan, not a global "
            "one: put it after the command: chime-reconciler --desired 'team state' -v plan "
            "--out p.json --target ops",
        ),
        (
            # a global option's value between the option and its command is no command
            ("--auto-approve", "--desired", "team-state", "apply"),
            "Error: --auto-approve is an option of apply, not a global one: put it after the "
            "command: chime-reconciler --desired team-state apply --auto-approve",
        ),
        # a command without the option: the commands with it, and no command line of
        # another command to copy (a plan is never turned into an apply; QA-AS Q-AS-2)
        (
            ("validate", "-auto-approve"),
            "Error: --auto-approve is an option of apply; validate has no --auto-approve",
        ),
        (
            ("plan", "--auto-approve"),
            "Error: --auto-approve is an option of apply; plan has no --auto-approve",
        ),
        (
            ("--auto-approve", "plan", "--desired", "team-state"),
            "Error: --auto-approve is an option of apply; plan has no --auto-approve",
        ),
        (
            ("validate", "--format", "json"),
            "Error: --format is an option of apply, audit, explain, merge-plans, plan and "
            "show; validate has no --format",
        ),
        (
            ("--out", "plan.json"),
            "Error: --out is an option of apply, import, merge-plans and plan, not a global "
            "one: put it after the command",
        ),
        # another command option (and its value) before the command is no command, and is
        # moved too: the line to copy works (QA-DP Q-DP-2)
        (
            ("--auto-approve", "--target", "incident", "apply"),
            "Error: --auto-approve is an option of apply, not a global one: put it after the "
            "command: chime-reconciler apply --auto-approve --target incident",
        ),
        (
            ("--out", "p.json", "--desired", "d", "--target", "x", "plan", "-v"),
            "Error: --out is an option of apply, import, merge-plans and plan, not a global "
            "one: put it after the command: chime-reconciler --desired d plan --out p.json "
            "--target x -v",
        ),
        (
            ("--auto-approve", "--quiet", "apply"),
            "Error: --auto-approve is an option of apply, not a global one: put it after the "
            "command: chime-reconciler apply --auto-approve --quiet",
        ),
        (
            ("--auto-approve", "-q", "apply"),
            "Error: --auto-approve is an option of apply, not a global one: put it after the "
            "command: chime-reconciler apply --auto-approve -q",
        ),
        (
            ("--out", "p.json", "--auto-approve", "plan"),
            "Error: --auto-approve is an option of apply; plan has no --auto-approve",
        ),
        # a short alias is its long option (QA-DP Q-DP-2)
        (
            ("-q", "apply"),
            "Error: -q (--quiet) is an option of apply, not a global one: put it after the "
            "command: chime-reconciler apply -q",
        ),
        (
            ("plan", "-q"),
            "Error: -q (--quiet) is an option of apply; plan has no -q",
        ),
        # an option no command has, between: refused, never kept in a line that fails
        # again; one-letter flags of the command together are moved (QA-EA Q-EA-1)
        (
            ("--auto-approve", "-json", "apply"),
            "Error: No such option '-json'. (A Terraform option: use --format json.)",
        ),
        (("--auto-approve", "--bogus", "apply"), "Error: No such option '--bogus'."),
        (
            ("--auto-approve", "-qv", "apply"),
            "Error: --auto-approve is an option of apply, not a global one: put it after the "
            "command: chime-reconciler apply --auto-approve -qv",
        ),
    ],
    ids=[
        "single-dash",
        "two-dashes",
        "equals",
        "value",
        "target",
        "words-kept",
        "global-value-between",
        "validate",
        "plan",
        "before-plan",
        "validate-format",
        "no-command",
        "value-before-command",
        "all-moved",
        "two-flags",
        "short-second",
        "second-not-of-command",
        "short-before",
        "short-after-another",
        "terraform-between",
        "unknown-between",
        "short-flags-between",
    ],
)
def test_an_option_in_the_wrong_place_names_the_command_that_has_it(
    args: tuple[str, ...], message: str, cli: Any
) -> None:
    run = cli.raw(*args)
    assert (run.exit_code, run.stdout, run.err_lines[-1]) == (1, "", message)
    assert not any("there is no" in line for line in run.err_lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("-qv", "apply"),
            "Error: -q (--quiet) is an option of apply, not a global one: put it after the "
            "command: chime-reconciler -v apply -q",
        ),
        (
            ("-vq", "--desired", "d", "apply", "--target", "x"),
            "Error: -q (--quiet) is an option of apply, not a global one: put it after the "
            "command: chime-reconciler -v --desired d apply -q --target x",
        ),
        (("-qv", "plan"), "Error: -q (--quiet) is an option of apply; plan has no -q"),
    ],
    ids=["qv", "vq-words-kept", "qv-plan"],
)
def test_one_letter_flags_together_before_the_command_are_each_placed(
    args: tuple[str, ...], message: str, cli: Any
) -> None:
    """QA-FK Q-FK-9: `-qv apply` is -q (apply's) and -v (global), as `apply -qv` is;
    before, 'No such option '-qv'' and the advice that options take two dashes."""
    run = cli.raw(*args)
    assert (run.exit_code, run.stdout, run.err_lines[-1]) == (1, "", message)
    assert not any("two dashes" in line for line in run.err_lines)


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_the_global_v_twice_before_any_command_is_still_global(command: str, cli: Any) -> None:
    """`-vv validate`: -v is global (and some commands' own too); never taken for a
    command's flag typed before it."""
    run = cli.raw("-vv", "--desired", "nowhere", command)
    assert not any("not a global one" in ln or "has no" in ln for ln in run.err_lines)


def test_one_letter_flags_together_after_the_command_are_read_as_click_reads_them(
    cli: Any,
) -> None:
    """QA-EA Q-EA-2: `apply -qv` is -q and -v; before, 'No such option '-qv'' and the
    advice that options are spelled with two dashes."""
    run = cli.raw("apply", "-qv", "--help")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("Usage: chime-reconciler apply")


def test_an_option_no_command_has_is_still_said_to_be_none(cli: Any) -> None:
    run = cli.raw("-colour", "plan")
    assert run.err_lines[-1] == (
        "Error: No such option '-colour'. (Options are spelled with two dashes, and "
        "there is no '--colour' either.)"
    )
    assert run.exit_code == 1


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        ((), "Usage: chime-reconciler [OPTIONS] COMMAND [ARGS]..."),
        (("gitops",), "Usage: chime-reconciler gitops [OPTIONS] COMMAND [ARGS]..."),
    ],
    ids=["root", "gitops"],
)
def test_no_command_prints_the_help_not_an_error(
    args: tuple[str, ...], usage: str, cli: Any
) -> None:
    helped = cli.raw(*args, "--help")
    for run in (cli.raw(*args), cli.subprocess(*args, raw=True)):
        # the help as --help gives it (on stderr: exit 1, a bad command line), once
        assert (run.exit_code, run.stdout) == (1, "")
        assert run.err_lines[0] == usage
        assert run.err_lines.count(usage) == 1
        assert not any(line.startswith(("Error:", "Try ")) for line in run.err_lines)
        assert "Commands:" in run.err_lines
        # its description and examples, word for word (wrapped for the terminal there is)
        described = run.stderr.split("Options:")[0]
        assert described.split() == helped.stdout.split("Options:")[0].split()


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("plna", "Error: No such command 'plna'. Did you mean 'plan'?"),
        ("valdate", "Error: No such command 'valdate'. Did you mean 'validate'?"),
        ("applyy", "Error: No such command 'applyy'. Did you mean 'apply'?"),
        ("frobnicate", "Error: No such command 'frobnicate'."),
    ],
)
def test_a_misspelt_command_gets_a_suggestion(word: str, message: str, cli: Any) -> None:
    for run in (cli.raw(word), cli.subprocess(word, raw=True)):
        assert (run.exit_code, run.stdout, run.err_lines[-1]) == (1, "", message)


def test_an_https_endpoint_on_the_plain_http_emulator_fails_fast_saying_so(
    ops: Any, cli: Any
) -> None:
    https = ops.emulator.url.replace("http://", "https://", 1)
    started = time.monotonic()
    run = cli.subprocess("--endpoint-url", https, "plan", raw=True)
    elapsed = time.monotonic() - started
    assert "Traceback" not in run.stdout + run.stderr
    [error] = [line for line in run.err_lines if line.startswith("Error: ")]
    assert error.startswith(
        f"Error: ListRooms failed (account {ACCOUNT}): SSLError: SSL validation failed for "
        f"{https}/accounts/"
    )
    # said what is wrong, and given up as soon as a refused connection is (3 attempts)
    assert error.endswith(
        "the endpoint does not speak TLS (a plain-HTTP server, such as the emulator?): did "
        "you mean http://? (gave up after 3 attempts)"
    )
    assert run.exit_code == 1
    assert elapsed < 30.0, f"a TLS failure took {elapsed:.1f}s to report"
