"""Every command that plans and then acts or reports checks what `validate` refuses
(settings.yaml max_grant_days, require_reason, a CODEOWNERS out of date or unreadable)
as errors of its plan, as `plan` does: `apply` without a file refuses (exit 1, nothing
applied, the errors located), `apply --watch` before its first round, `import --adopt`
adopts nothing (QA-FR Q-FR-1). A plan whose only errors are governance errors is not
called incomplete: every target was planned (Q-FR-2). A CODEOWNERS that cannot be read is
one more error of the plan, which is still printed and saved (Q-FR-6). The CLI, the real
boto3 client and the emulator over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ACCOUNT
from test_meetings_cli import MEETING, MUTED, meeting

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

TOO_LONG = "desired-state/rooms.yaml:3: room ops: alice@example.com has no `until:`"
ROOMS = """
    rooms:
      ops:
        administrators: [alice@example.com]
        members: [carol@example.com]
    """


def long_grant(seed: Callable[..., Any], write_desired: Callable[..., Path]) -> None:
    """ops live with carol only; alice declared an Administrator with no `until:` under
    `max_grant_days: {administrators: 30}`."""
    seed(users=("alice", "bob", "carol"), rooms={"ops": [("carol", "Member")]})
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nmax_grant_days: {{administrators: 30}}\n",
            "rooms.yaml": ROOMS,
        }
    )


def test_apply_refuses_what_plan_refuses(
    seed: Callable[..., Any],
    write_desired: Callable[..., Path],
    cli: Any,
    members: Callable[[str], dict[str, str]],
) -> None:
    long_grant(seed, write_desired)
    plan = cli("plan")
    assert plan.exit_code == 1
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert any(line.startswith(f"Error: {TOO_LONG}") for line in run.lines), run.stdout
    assert run.lines[-1] == plan.lines[-1]  # the same closing line as plan's
    assert "but 1 governance error above: apply refuses this plan." in run.lines[-1]
    assert "Nothing was applied: the plan has 1 error (above)." in run.stderr
    assert members("ops") == {"uid-carol": "Member"}  # nothing applied


def test_no_change_with_governance_errors_is_not_incomplete(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(users=("alice", "carol"), rooms={"ops": [("alice", "Administrator"), ("carol", "Member")]})
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nmax_grant_days: {{administrators: 30}}\n",
            "rooms.yaml": ROOMS,
        }
    )
    text = cli("plan", "--detailed-exitcode")
    assert text.exit_code == 1
    assert text.lines[-1] == (
        "No changes. Chime memberships match the desired state, but 1 governance error "
        "above: apply refuses this plan."
    )
    markdown = cli("plan", "--format", "markdown", "--out", "plan.json")
    assert "incomplete" not in markdown.stdout
    assert "> **1 governance error: apply changes nothing until it is fixed:**" in markdown.stdout
    saved = json.loads((cli.workdir / "plan.json").read_text())
    assert saved["errors"] == saved["governance_errors"] != []
    schema = json.loads(cli("schema", "--file", "plan").stdout)  # the published one
    jsonschema.Draft202012Validator(schema).validate(saved)


def test_watch_refuses_before_its_first_round(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator.reset({"meetings": [meeting([("alice@example.com", MUTED)])]})
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    write_desired(
        {
            "settings.yaml": "require_reason: true\n",
            "meetings.yaml": """
                meetings:
                  bridge:
                    meeting_id: ${INCIDENT_MEETING_ID}
                    prune: false
                    attendees:
                      alice@example.com: viewer
                      bob@example.com: presenter
                """,
        }
    )
    run = cli("apply", "--watch", "--auto-approve", "--until", "3s", "--interval", "0.2")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "bob@example.com needs a reason" in run.stdout
    assert "bob@example.com" not in emulator.meetings.attendees_of(MEETING)


def test_adopt_refuses_what_plan_refuses(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any
) -> None:
    long_grant(seed, write_desired)
    before = (cli.workdir / "desired-state" / "rooms.yaml").read_text()
    run = cli("import", "--adopt")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert TOO_LONG in run.stderr
    assert "Nothing was adopted: the plan has 1 error" in run.stderr
    assert (cli.workdir / "desired-state" / "rooms.yaml").read_text() == before


def test_unreadable_codeowners_is_an_error_of_the_plan(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any, workdir: Path
) -> None:
    seed(users=("alice", "carol"), rooms={"ops": [("alice", "Administrator")]})
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": """
                rooms:
                  ops:
                    owners: [example-org/sre]
                    administrators: [alice@example.com]
                    members: [carol@example.com]
                """,
        }
    )
    subprocess.run(["git", "init", "-q", str(workdir)], check=True)
    assert cli("codeowners").exit_code == 0
    owners = workdir / ".github" / "CODEOWNERS"
    owners.write_bytes(b"# Owner: Jos\xe9\n" + owners.read_bytes())
    subprocess.run(["git", "-C", str(workdir), "add", "-A"], check=True)
    run = cli("plan", "--format", "markdown", "--out", "plan.json")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "| ops |" in run.stdout  # the plan is printed
    assert "> - cannot read .github/CODEOWNERS: 'utf-8' codec can't decode" in run.stdout
    saved = json.loads((workdir / "plan.json").read_text())
    assert saved["summary"] == {"add": 1, "change": 0, "remove": 0}
    assert saved["governance_errors"][0].startswith("cannot read .github/CODEOWNERS")


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_codeowners_not_a_file_is_an_error_of_the_plan(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any, workdir: Path, kind: str
) -> None:
    """A FIFO is refused without being opened (no hang), a folder alike: the plan is made."""
    seed(users=("alice",), rooms={"ops": []})
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  ops:\n    owners: [example-org/sre]\n"
            "    administrators: [alice@example.com]\n",
        }
    )
    subprocess.run(["git", "init", "-q", str(workdir)], check=True)
    owners = workdir / ".github" / "CODEOWNERS"
    owners.parent.mkdir()
    if kind == "fifo":
        os.mkfifo(owners)
    else:
        owners.mkdir()
    run = cli("plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "+ alice@example.com (Administrator)" in run.stdout
    assert any(line.startswith("Error: cannot read .github/CODEOWNERS") for line in run.lines)
    assert "1 governance error above: apply refuses this plan." in run.lines[-1]
