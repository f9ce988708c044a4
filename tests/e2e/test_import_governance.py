"""import --out into a directory whose settings.yaml has governance rules: the files it
writes are checked as validate and plan check them (QA-FY Q-FY-4). It said `Next: ...
(expect: No changes ...)`, exit 0, and then validate refused 2 errors and plan said apply
refuses it. The real CLI against the emulator over HTTP."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACC = "11111111-2222-3333-4444-555555555555"
NO_CHANGES = "No changes. Chime memberships match the desired state."


def _seed() -> dict[str, Any]:
    """Seed S1 of QA-GF: ops (alice Administrator, bob), dev (carol)."""
    users = [{"id": f"{u}-id", "email": f"{u}@example.com"} for u in ("alice", "bob", "carol")]
    ops = [
        {"member": "alice@example.com", "role": "Administrator"},
        {"member": "bob@example.com"},
    ]
    rooms = [
        {"id": "r1", "name": "ops", "memberships": ops},
        {"id": "r2", "name": "dev", "memberships": [{"member": "carol@example.com"}]},
    ]
    return {"accounts": [{"id": ACC, "name": "Example Corp", "users": users, "rooms": rooms}]}


def test_import_out_reports_the_governance_errors_of_the_files_it_wrote(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACC,
                    "name": "Example Corp",
                    "users": [{"id": "alice-id", "email": "alice@example.com"}],
                    "rooms": [
                        {
                            "id": "r1",
                            "name": "ops",
                            "memberships": [
                                {"member": "alice@example.com", "role": "Administrator"}
                            ],
                        }
                    ],
                }
            ]
        }
    )
    desired = write_desired(
        {"settings.yaml": f"account: {ACC}\nrequire_reason: true\nmax_grant_days: 30\n"}
    )
    run = cli(*UNPACED, "import", "--out", "desired-state")
    validated = cli("validate")

    assert validated.exit_code == 1
    assert run.exit_code == 1, run.stdout + run.stderr
    assert (desired / "rooms" / "ops.yaml").exists()  # written, as the summary says
    assert run.lines[0].startswith("Imported 1 room (1 membership)")
    assert not any(line.startswith("Next:") for line in run.lines), run.lines
    assert run.err_lines[0] == (
        "The files are written, but desired-state breaks its governance rules now "
        "(validate and apply refuse it): fix the problems below, then run plan."
    )
    errors = [line for line in validated.err_lines if "rooms/ops.yaml" in line]
    assert len(errors) == 2, validated.err_lines  # no reason, no until:
    for line in errors:
        assert line in run.err_lines, run.err_lines


def test_import_into_a_scratch_folder_of_a_repository_with_owners(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, workdir: Path
) -> None:
    """Q-GF-7: import --out SCRATCH, a new folder of the repository whose desired-state has
    `owners:` and a current CODEOWNERS, said SCRATCH broke its governance rules (CODEOWNERS
    out of date), exit 1, and sent the user to `codeowners`, which for SCRATCH emptied the
    repository's CODEOWNERS. The files it writes have no owners: not its to judge."""
    emulator.reset(_seed())
    write_desired(
        {
            "settings.yaml": f"account: {ACC}\n",
            "rooms.yaml": "rooms:\n  ops:\n    owners: [alice]\n"
            "    administrators: [alice@example.com]\n    members: [bob@example.com]\n",
        }
    )
    subprocess.run(["git", "init", "-q", str(workdir)], check=True)
    assert cli("codeowners").exit_code == 0
    subprocess.run(["git", "-C", str(workdir), "add", "-A"], check=True)
    owners = (workdir / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    run = cli(*UNPACED, "import", "--out", "scratch")
    assert run.exit_code == 0, run.stderr
    assert "run `chime-reconciler codeowners`" not in run.stderr
    # QA-GL Q-GL-4: a plan of scratch is refused for CODEOWNERS: said, not promised clean
    assert run.err_lines == [
        "Note: scratch declares no owners:, and the repository's CODEOWNERS names those of "
        "another desired state: a plan of scratch finds it out of date, a governance error "
        "apply refuses (not this import's; `codeowners` for scratch would empty it)."
    ]
    assert run.lines[-1] == (
        "Next: chime-reconciler --desired scratch plan   "
        "(expect: No changes., and the CODEOWNERS error of the Note above)"
    )
    plan = cli("--desired", "scratch", "plan")
    assert plan.exit_code == 1
    assert any("CODEOWNERS is out of date" in line for line in plan.err_lines), plan.err_lines
    assert (workdir / ".github" / "CODEOWNERS").read_text(encoding="utf-8") == owners


def test_a_codeowners_out_of_date_before_the_import_is_said_as_the_directory_s(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, workdir: Path
) -> None:
    """QA-GL Q-GL-4: owners: changed by hand after `codeowners`: import said nothing of
    it, exit 0, and promised `No changes to the rooms written` of a plan that exits 1 on
    it. Said as DIR's before the import, as require_reason's, and no plan promised."""
    emulator.reset(_seed())
    rooms = (
        "rooms:\n  ops:\n    owners: [alice]\n"
        "    administrators: [alice@example.com]\n    members: [bob@example.com]\n"
    )
    desired = write_desired({"settings.yaml": f"account: {ACC}\n", "rooms.yaml": rooms})
    subprocess.run(["git", "init", "-q", str(workdir)], check=True)
    assert cli("codeowners").exit_code == 0
    (desired / "rooms.yaml").write_text(rooms.replace("[alice]", "[alice, bob]"), "utf-8")
    subprocess.run(["git", "-C", str(workdir), "add", "-A"], check=True)
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert run.err_lines == [
        "desired-state broke its governance rules before this import, in files it did not "
        "write (validate and apply refuse it): fix the problems below, then run plan.",
        ".github/CODEOWNERS is out of date with the desired state's owners: run "
        "`chime-reconciler codeowners`",
    ], run.err_lines
    assert run.lines[-1] == (
        "Next: fix the problems named above, then: chime-reconciler --desired desired-state plan"
    )


def _broken(write_desired: Callable[..., Path], *, dev: bool) -> Path:
    """A directory that breaks require_reason already: a hand-written Administrator with
    no reason (validate refuses it before any import)."""
    rooms = "rooms:\n  ops:\n    administrators: [alice@example.com]\n"
    rooms += "    members: [bob@example.com]\n"
    if dev:
        rooms += "  dev:\n    members: [carol@example.com]\n"
    return write_desired(
        {"settings.yaml": f"account: {ACC}\nrequire_reason: true\n", "a.yaml": rooms}
    )


@pytest.mark.parametrize("dev", [True, False])
def test_a_directory_broken_before_the_import_is_not_blamed_on_it(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, dev: bool
) -> None:
    """Q-GF-1: into a directory that broke require_reason already, import said "The files
    are written, but DIR breaks its governance rules now", exit 1, also when it wrote
    nothing (every room declared), and when it wrote a room breaking nothing (dev)."""
    emulator.reset(_seed())
    desired = _broken(write_desired, dev=dev)
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert "The files are written" not in run.stderr
    assert run.err_lines[0] == (
        "desired-state broke its governance rules before this import, in files it did not "
        "write (validate and apply refuse it): fix the problems below, then run plan."
    )
    assert run.err_lines[1].startswith(
        "desired-state/a.yaml:3: room ops: Administrator alice@example.com needs a reason"
    )
    assert run.lines[-1] == (
        "Next: fix the problems named above, then: chime-reconciler --desired desired-state plan"
    )
    assert (desired / "rooms" / "dev.yaml").exists() is not dev  # written where not declared


def test_the_closing_count_counts_every_problem_said_as_validate_does(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-GL Q-GL-3: a hand file broken before the import (1 problem) and a room written
    that breaks require_reason too (1): import said "Desired state is invalid: 1 error."
    under both, where validate counts 2."""
    seed = _seed()
    dev = seed["accounts"][0]["rooms"][1]
    dev["memberships"] = [{"member": "carol@example.com", "role": "Administrator"}]
    emulator.reset(seed)
    desired = _broken(write_desired, dev=False)
    run = cli(*UNPACED, "import", "--out", "desired-state")
    validated = cli("validate")
    assert (desired / "rooms" / "dev.yaml").exists()
    assert run.exit_code == 1, run.stderr
    assert validated.err_lines[-1] == "Desired state is invalid: 2 errors."
    assert run.err_lines[-1] == validated.err_lines[-1], run.err_lines
    said = [line for line in run.err_lines if line.startswith("desired-state/")]
    assert sorted(said) == sorted(validated.err_lines[:-1])  # each said once


@pytest.mark.parametrize("dated", [False, True])
def test_a_bad_now_fails_only_an_import_into_a_directory_evaluating_until(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
    dated: bool,
) -> None:
    """Q-GF-3: import --out failed on a bad CHIME_RECONCILER_NOW, after reading every room,
    though README lists it among the commands that evaluate `until:` only since this
    round's governance check. Now only a directory with an `until:` or `max_grant_days`
    asks for the moment, before any call."""
    emulator.reset(_seed())
    settings = f"account: {ACC}\n" + ("max_grant_days: 30\n" if dated else "")
    desired = write_desired({"settings.yaml": settings})
    monkeypatch.setenv("CHIME_RECONCILER_NOW", "garbage")
    run = cli(*UNPACED, "import", "--out", "desired-state", "--room", "dev")
    if not dated:
        assert run.exit_code == 0, run.stderr
        assert (desired / "rooms" / "dev.yaml").exists()
        return
    assert run.exit_code == 1
    assert run.err_lines[-1].startswith("Error: CHIME_RECONCILER_NOW=garbage: expected a date")
    assert not (desired / "rooms").exists()
    assert not any(emulator.calls().values()), emulator.calls()  # before any call
