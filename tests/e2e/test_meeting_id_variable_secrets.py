"""``meeting_id: ${NAME}`` never shows a variable's value unless it is a meeting id (QA-AA
Q-AA-1: ``${AWS_SESSION_TOKEN}``'s value reached stderr, the Markdown posted as the PR
comment and the saved plan uploaded as an artifact), and a variable that may carry
credentials is not read at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
SECRET = "FwoGZXIvYXdzEXAMPLE-SESSION-TOKEN"


def bridge(variable: str) -> str:
    return f"""
        meetings:
          bridge:
            meeting_id: ${{{variable}}}
            attendees: {{alice@example.com: participant}}
        """


def everything_written(cli: Cli, workdir: Path) -> str:
    """stdout and stderr of plan in every format, and the saved plan if one is written."""
    said = []
    for fmt in ("text", "markdown", "json"):
        run = cli("plan", "--format", fmt, "--out", "p.json")
        said += [run.stdout, run.stderr]
        saved = workdir / "p.json"
        if saved.exists():
            said.append(saved.read_text())
            saved.unlink()
    run = cli("validate")
    return "\n".join([*said, run.stdout, run.stderr])


@pytest.mark.parametrize(
    "variable",
    [
        "AWS_SESSION_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "GITHUB_TOKEN",
        "ACTIONS_RUNTIME_TOKEN",
        "aws_session_token",
        "MY_API_KEY",
        "DEPLOY_PASSWORD",
    ],
)
def test_a_variable_that_may_carry_credentials_is_not_read(
    emulator: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    monkeypatch.setenv(variable, MEETING)  # even a meeting id: the name alone is refused
    write_desired({"bridge.yaml": bridge(variable)})

    validated = cli("validate")

    assert validated.exit_code == 1
    assert validated.err_lines[0].startswith(
        f"desired-state/bridge.yaml:3: meetings.bridge.meeting_id: ${{{variable}}} is not "
        f"read: {variable} may carry credentials (a meeting id's variable may not start with "
        "AWS_, GITHUB_, ACTIONS_, RUNNER_ or hold TOKEN, SECRET, "
    )
    assert cli("plan").exit_code == 1
    assert MEETING not in everything_written(cli, workdir)


def test_the_value_of_a_variable_that_is_no_meeting_id_is_not_shown(
    emulator: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WRONG_MEETING_ID", f"  {SECRET} ")
    write_desired({"bridge.yaml": bridge("WRONG_MEETING_ID")})

    plan = cli("plan")

    assert plan.exit_code == 1
    assert (
        "Error: desired-state/bridge.yaml:2: meeting bridge: ${WRONG_MEETING_ID} is not a "
        f"meeting id (a UUID; its value, {len(SECRET)} characters, is not shown)"
    ) in plan.lines
    assert SECRET not in everything_written(cli, workdir)


def test_apply_of_a_saved_plan_does_not_show_a_value_that_is_no_meeting_id(
    emulator: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    write_desired({"bridge.yaml": bridge("INCIDENT_MEETING_ID")})
    emulator.reset({"meetings": [{"id": MEETING, "external_meeting_id": "incident-42"}]})
    assert cli("plan", "--out", "p.json").exit_code == 0
    monkeypatch.setenv("INCIDENT_MEETING_ID", SECRET)

    applied = cli("apply", "p.json")

    assert applied.exit_code == 1
    assert (
        "Error:   desired-state/bridge.yaml:2: meeting bridge: ${INCIDENT_MEETING_ID} is "
        f"not a meeting id (a UUID; its value, {len(SECRET)} characters, is not shown) now; "
        f"the plan was made for {MEETING}"
    ) in applied.err_lines
    assert SECRET not in applied.stdout + applied.stderr


@pytest.mark.parametrize("command", [("plan",), ("apply", "--auto-approve")])
def test_target_neither_suggests_nor_matches_a_value_that_is_no_meeting_id(
    emulator: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    """QA-AF Q-AF-2: ``--target`` near the value offered it as "did you mean", and the exact
    value selected the meeting, so the answer told whether a guess was right."""
    value = "postgres://admin:hunter2@db.internal/prod"
    monkeypatch.setenv("DB_CONN", value)
    write_desired({"bridge.yaml": bridge("DB_CONN")})

    def refused(guess: str) -> list[str]:
        run = cli(*command, "--target", guess)
        assert run.exit_code == 1
        said = run.stdout + run.stderr
        return [line.replace(guess, "GUESS") for line in said.splitlines()]

    typo = "postgres://admin:hunter@db.internal/prod"
    near = refused(typo)
    assert near[0] == "Error: --target: no target named 'GUESS' is declared"
    assert value not in "\n".join(near)
    assert refused(value) == near  # the exact value answers as any other guess
    assert refused("bridge") != near  # the meeting's name still selects it
