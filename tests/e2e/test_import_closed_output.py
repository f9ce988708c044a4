"""import --out and import --adopt with standard output closed (``>&-``) or full (``>
/dev/full``) (QA-FY Q-FY-12): they changed the files, exited 1 and said only "the output
could not be written". Now import --out says on stderr what it wrote (its change, as apply
says what it applied), and import --adopt puts every file back and says so, as it does
when it fails after editing them. The real CLI (a process) against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli
from test_closed_stdout import with_stdout_closed
from test_full_output import into_full

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

REASONS = {"closed": "stdout is closed", "full": "No space left on device"}


def _run(how: str, cli: Cli, *args: str) -> tuple[int, list[str]]:
    if how == "full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    return with_stdout_closed(cli, *args) if how == "closed" else into_full(cli, *args)


def _files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*.yaml")}


@pytest.mark.parametrize("how", ["closed", "full"])
def test_import_out_says_on_stderr_what_it_wrote(ops: Any, cli: Cli, how: str) -> None:
    code, err = _run(how, cli, "import", "--out", "imported")
    out = Path(cli.workdir) / "imported"

    assert code == 1
    assert (out / "rooms" / "incident.yaml").exists()
    said = f"Error: the output could not be written ({REASONS[how]}): Imported 3 rooms ("
    assert err[-1].startswith(said), err
    assert err[-1].endswith(
        " Wrote 3 room files (imported/rooms/incident.yaml, imported/rooms/quiet.yaml, "
        "imported/rooms/releases.yaml) and imported/settings.yaml."
    ), err


@pytest.mark.parametrize("how", ["closed", "full"])
def test_import_adopt_puts_the_files_back_and_says_so(ops: Any, cli: Cli, how: str) -> None:
    desired = Path(cli.workdir) / "desired-state"
    before = _files(desired)

    code, err = _run(how, cli, "import", "--adopt")

    assert code == 1
    assert err[-1] == (
        f"Error: the output could not be written ({REASONS[how]}): nothing was adopted; "
        "the files are back as they were."
    ), err
    assert _files(desired) == before
    adopted = cli("import", "--adopt")  # as if it had never run
    assert adopted.exit_code == 0, adopted.stderr
    assert adopted.lines[0].startswith("Adopted 1 member into 1 file"), adopted.lines


@pytest.mark.parametrize("how", ["closed", "full"])
def test_import_out_says_on_stderr_the_notes_asking_to_fix_an_entry(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Cli, how: str
) -> None:
    """Q-GF-8: with stdout closed, import --out said only its first line on stderr: the
    Note that an entry must be removed before plan (two rooms named ops, an entry by
    that name) and `Next: fix the entries named above` were said nowhere, and the next
    plan failed on them."""
    account = "11111111-2222-3333-4444-555555555555"
    users = [{"id": f"{u}-id", "email": f"{u}@example.com"} for u in ("alice", "bob")]
    rooms = [
        {"id": "r1", "name": "ops", "memberships": [{"member": "alice@example.com"}]},
        {"id": "r2", "name": "ops", "memberships": [{"member": "bob@example.com"}]},
    ]
    emulator.reset({"accounts": [{"id": account, "name": "A", "users": users, "rooms": rooms}]})
    write_desired(
        {
            "settings.yaml": f"account: {account}\n",
            "ops.yaml": "rooms:\n  ops:\n    members: [alice@example.com]\n",
        }
    )
    code, err = _run(how, cli, "import", "--out", "desired-state")

    assert code == 1
    assert err[-1].startswith("Error: the output could not be written ("), err
    (note,) = [line for line in err if line.startswith("Note: desired-state/ops.yaml:2: ")]
    assert note.endswith("before plan."), note
    assert (
        "Next: fix the entries named above, then: chime-reconciler --desired desired-state plan"
        in err
    )
