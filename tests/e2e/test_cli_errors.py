"""No traceback ever reaches a user: bad input of every kind, run as a user runs it (a child
process, `python -m reconciler`), ends with a message and exit 1 (a bad command line too:
2 means only "changes present"), never a traceback or an "internal error"."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.retry_policy import RetryPolicy

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
RETRY = re.compile(r"EndpointConnectionError .*; retry (?P<n>\d+) of 2 in (?P<s>[\d.]+)s$")


def no_desired(workdir: Path) -> None:
    pass


def bad_yaml(workdir: Path) -> None:
    (workdir / "desired-state" / "rooms.yaml").write_text("rooms:\n  ops: [unclosed\n")


def corrupt_plan(workdir: Path) -> None:
    (workdir / "p.json").write_text('{"format_version": "1"', encoding="utf-8")


CASES: list[tuple[str, Callable[[Path], None], list[str], int, str]] = [
    # id, setup, arguments (after --endpoint-url URL), exit code, last line of stderr
    (
        "missing-desired-dir",
        no_desired,
        ["--desired", "nowhere", "plan"],
        1,
        "Desired state is invalid: 1 error.",
    ),
    (
        "bad-yaml",
        bad_yaml,
        ["--desired", "desired-state", "plan"],
        1,
        "Desired state is invalid: 1 error.",
    ),
    (
        "unknown-format",
        no_desired,
        ["plan", "--format", "xml"],
        1,
        "Error: Invalid value for '--format': 'xml' is not one of 'text', 'markdown', 'json'.",
    ),
    (
        "show-missing-plan-file",
        no_desired,
        ["show", "nothere.json"],
        1,
        "Error: Cannot use the saved plan nothere.json: no such file",
    ),
    (
        "apply-missing-plan-file",
        no_desired,
        ["--desired", "desired-state", "apply", "nothere.json"],
        1,
        "Error: Cannot use the saved plan nothere.json: no such file",
    ),
    (
        "apply-corrupt-plan-file",
        corrupt_plan,
        ["--desired", "desired-state", "apply", "p.json"],
        1,
        "Error: Cannot use the saved plan p.json: not a plan file "
        "(invalid JSON at line 1, column 23)",
    ),
    (
        "saved-plan-with-target",
        no_desired,
        ["--desired", "desired-state", "apply", "p.json", "--target", "ops"],
        1,
        # what to run instead, not "plan again" (QA-FK Q-FK-6)
        "Error: --target cannot be combined with a saved plan, which applies exactly what "
        "it planned: run `apply --target ops` without p.json, or `plan --target ops --out "
        "FILE` and then `apply FILE`",
    ),
    (
        "bad-region",
        no_desired,
        ["--region", "moon base", "--desired", "desired-state", "plan"],
        1,
        "Error: check --endpoint-url and --region: Provided region_name 'moon base' doesn't "
        "match a supported format.",
    ),
    (
        "unknown-command",
        no_desired,
        ["frobnicate"],
        1,
        "Error: No such command 'frobnicate'.",
    ),
]


@pytest.mark.parametrize(
    ("setup", "args", "code", "last"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_a_message_never_a_traceback(
    ops: Any,
    cli: Any,
    workdir: Path,
    setup: Callable[[Path], None],
    args: list[str],
    code: int,
    last: str,
) -> None:
    setup(workdir)
    run = cli.subprocess("--endpoint-url", ops.emulator.url, *args, raw=True)
    assert "Traceback" not in run.stdout + run.stderr
    assert "Internal error" not in run.stderr
    assert (run.exit_code, run.err_lines[-1:]) == (code, [last])


def test_bad_yaml_names_the_file_and_line(ops: Any, cli: Any, workdir: Path) -> None:
    bad_yaml(workdir)
    run = cli.subprocess("plan")
    assert run.err_lines == [
        "desired-state/rooms.yaml:3: YAML syntax error: while parsing a flow sequence, "
        "expected ',' or ']', but got '<stream end>' (started at line 2)",
        "Desired state is invalid: 1 error.",
    ]
    assert run.exit_code == 1


def test_malformed_endpoint_url_is_a_usage_error(cli: Any, workdir: Path) -> None:
    (workdir / "desired-state").mkdir()
    (workdir / "desired-state" / "rooms.yaml").write_text(
        f"rooms: {{ops: {{account: '{ACCOUNT}'}}}}\n", encoding="utf-8"
    )
    run = cli.subprocess("--endpoint-url", "not a url", "plan", raw=True)
    assert run.err_lines == ["Error: --endpoint-url must start with http:// or https://"]
    assert run.exit_code == 1


def searched() -> str:
    """The files an unknown profile's error names: the test's own (``workdir``)."""
    config, credentials = os.environ["AWS_CONFIG_FILE"], os.environ["AWS_SHARED_CREDENTIALS_FILE"]
    return f"{config} (AWS_CONFIG_FILE) or {credentials} (AWS_SHARED_CREDENTIALS_FILE)"


def test_an_unknown_profile_is_a_usage_error_naming_it(ops: Any, cli: Any) -> None:
    # the run's one botocore session (shared by every service's client) reads the profile
    run = cli.raw("--profile", "nope", "--desired", "desired-state", "plan")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [f"Error: --profile: no AWS profile 'nope' in {searched()}"]


CHANNELS = {
    "settings.yaml": f"""
        account: '{ACCOUNT}'
        app_instances:
          chat:
            arn: arn:aws:chime:us-east-1:111122223333:app-instance/chat
            bearer: user:reconciler
        """,
    "chat.yaml": "channels:\n  ops:\n    members: [user:alice]\n",
}


@pytest.mark.parametrize(
    "command", [["plan"], ["apply"], ["audit", "alice@example.com"], ["import"]], ids=" ".join
)
def test_an_unknown_profile_is_named_when_channels_are_declared(
    cli: Any, write_desired: Callable[..., Any], command: list[str]
) -> None:
    # QA-AS Q-AS-1: the app instance's region is checked first, through the session the
    # run then takes over; the profile is still found missing, and named
    write_desired(CHANNELS)
    run = cli.subprocess("--profile", "nope", "--desired", "desired-state", *command, raw=True)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [f"Error: --profile: no AWS profile 'nope' in {searched()}"]


def test_validate_needs_no_aws_profile(
    cli: Any, write_desired: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA-AS Q-AS-3: validate makes no AWS call, so an AWS_PROFILE this machine does not
    # have (another machine's CI settings) does not stop it; a plan names the profile
    write_desired(CHANNELS)
    monkeypatch.setenv("AWS_PROFILE", "elsewhere")
    run = cli.subprocess("--desired", "desired-state", "validate", raw=True)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("Desired state is valid: 1 channel")
    run = cli.subprocess("--desired", "desired-state", "plan", raw=True)
    assert (run.exit_code, run.err_lines) == (
        1,
        [f"Error: AWS_PROFILE: no AWS profile 'elsewhere' in {searched()}"],
    )


def test_refused_connection_fails_fast_with_a_clear_message(
    ops: Any, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the retry settings a user has (no fast test backoff)
    monkeypatch.delenv("CHIME_RECONCILER_RETRY_BASE_MS")
    monkeypatch.delenv("CHIME_RECONCILER_RETRY_CAP_MS")
    policy = RetryPolicy.from_env({})
    # 3 attempts, and backoffs of at most 0.2 s and 0.4 s between them (not 10 attempts
    # with backoffs growing to 20 s, which a 5xx gets)
    assert (policy.connect_attempts, policy.ceiling(1), policy.ceiling(2)) == (3, 0.2, 0.4)
    started = time.monotonic()
    run = cli.subprocess("-vv", "--endpoint-url", "http://127.0.0.1:9", "plan", raw=True)
    elapsed = time.monotonic() - started
    assert "Traceback" not in run.stdout + run.stderr
    [error] = [line for line in run.err_lines if line.startswith("Error: ")]
    assert error.startswith(
        f"Error: ListRooms failed (account {ACCOUNT}): EndpointConnectionError: Could not "
        'connect to the endpoint URL: "http://127.0.0.1:9/accounts/'
    )
    assert error.endswith("(gave up after 3 attempts)")
    # the retries it logged (-vv): two, each waiting no longer than the policy's ceiling
    retries = [RETRY.search(line) for line in run.err_lines]
    waits = [(int(m["n"]), float(m["s"])) for m in retries if m is not None]
    assert [n for n, _ in waits] == [1, 2]
    assert all(s <= policy.ceiling(n) for n, s in waits), waits
    assert run.exit_code == 1
    # the whole run: start-up and three refused connects; generous for a loaded machine
    assert elapsed < 30.0, f"a refused connection took {elapsed:.1f}s to report"


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "--detailed-exitcode", "--no-such-flag"],
        ["--no-such-global", "plan"],
        ["plna"],
        ["plan", "--parallelism"],
        ["--parallelism", "0", "plan", "--detailed-exitcode"],
    ],
    ids=["unknown-option", "unknown-global", "unknown-command", "missing-value", "bad-range"],
)
def test_a_bad_command_line_exits_1_never_2_which_means_changes(args: list[str], cli: Any) -> None:
    run = cli.raw(*args)
    assert run.exit_code == 1
    assert run.err_lines[-1].startswith("Error: ")
    sub = cli.subprocess(*args, raw=True)
    assert sub.exit_code == 1


def test_a_global_option_after_the_command_is_understood(cli: Any, workdir: Any) -> None:
    # issue 15 changed this: it used to be refused with a hint to put it first
    (workdir / "elsewhere").mkdir()
    (workdir / "elsewhere" / "rooms.yaml").write_text("rooms: {}\n")
    run = cli.raw("validate", "--desired", "elsewhere")
    assert (run.exit_code, run.lines) == (
        0,
        ["Desired state is valid: 0 targets, 0 memberships in 1 file."],
    )


def test_an_empty_desired_option_is_refused_an_empty_variable_is_the_default(
    cli: Any, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA4 R13: `--desired ""` read the current directory, every *.yaml below it
    (workdir / "desired-state").mkdir()
    (workdir / "desired-state" / "settings.yaml").write_text(f"account: '{ACCOUNT}'\n")
    (workdir / "docker-compose.yaml").write_text("services: {web: {image: nginx}}\n")
    run = cli.raw("--desired", "", "validate")
    assert run.exit_code == 1
    assert run.err_lines == [
        "Error: --desired: an empty value names no directory (it would read the current "
        "directory and every YAML file below it); give a directory, or leave the option "
        "out for desired-state"
    ]
    monkeypatch.setenv("CHIME_RECONCILER_DESIRED", "")  # set empty: unset, as click reads it
    run = cli.raw("validate")
    assert run.exit_code == 0, run.err_lines


def test_import_out_empty_is_refused_and_writes_nothing(cli: Any, workdir: Path) -> None:
    # QA4 R13: `import --out ""` took the current directory as the output folder
    before = sorted(p.name for p in workdir.iterdir())
    run = cli("import", "--out", "")
    assert run.exit_code == 1
    assert run.err_lines == [
        "Error: --out: an empty value names no directory; give the folder to write into"
    ]
    assert sorted(p.name for p in workdir.iterdir()) == before
