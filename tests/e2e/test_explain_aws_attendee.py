"""``explain`` and ``audit`` take AWS's own attendee (``aws:MediaPipeline-...``), which a
declared meeting has and plan lists as unmanaged, as README says of an attendee that is no
e-mail address (Q-EK-2); one no declared meeting has is refused as ``dial-in-8`` is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
PIPELINE = "aws:MediaPipeline-1234"


@pytest.fixture
def recorded(emulator: EmulatorServer, write_desired: WriteDesired) -> EmulatorServer:
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "xx-1",
                    "attendees": [
                        {"external_user_id": "alice@example.com"},
                        {"external_user_id": PIPELINE},
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": "prune: true\n",
            "bridge.yaml": f"""
            meetings:
              bridge:
                meeting_id: {MEETING}
                attendees:
                  alice@example.com: presenter
            """,
        }
    )
    return emulator


def test_explain_shows_awss_own_attendee_kept_in_its_meeting(
    recorded: EmulatorServer, cli: Cli
) -> None:
    run = cli("explain", PIPELINE)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert f"# meeting bridge (meeting_id {MEETING}, id {MEETING})" in run.lines
    assert "  plan: kept: AWS's own attendee (never managed)" in run.lines
    assert (
        f"Of the desired state's targets, {PIPELINE} is declared in 0 and live in 1."
    ) in run.lines


def test_audit_shows_awss_own_attendee_kept_in_its_meeting(
    recorded: EmulatorServer, cli: Cli
) -> None:
    run = cli("audit", PIPELINE)
    assert run.exit_code == 0, run.stdout + run.stderr
    row = next(line for line in run.lines if line.startswith("bridge "))
    assert row.split()[:2] == ["bridge", MEETING]
    assert "not declared: kept, AWS's own attendee (never managed)" in row


def test_audit_json_names_awss_own_attendee_kind_aws_as_the_readme_lists_it(
    recorded: EmulatorServer, cli: Cli
) -> None:
    """QA-EM Q-EM-2: the JSON's ``kind`` is ``AWS``, which README's list of kinds left out."""
    run = cli("audit", PIPELINE, "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert (json.loads(run.stdout)["kind"]) == "AWS"
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    assert "`AWS` for AWS's own attendee, `audit aws:MediaPipeline-1234`" in readme


@pytest.mark.parametrize("command", ["explain", "audit"])
def test_an_aws_attendee_no_meeting_has_is_refused_as_documented(
    recorded: EmulatorServer, cli: Cli, command: str
) -> None:
    run = cli(command, "aws:nothing-here")
    assert run.exit_code == 1
    assert (
        "Error: MEMBER 'aws:nothing-here' is not an e-mail address, bot:NAME or user:ID, and "
        "no declared meeting declares or has an attendee with that ExternalUserId"
    ) in " ".join(run.stderr.split())
