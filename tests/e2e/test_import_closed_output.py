"""import --out and import --adopt with standard output closed (``>&-``) or full (``>
/dev/full``) (QA-FY Q-FY-12): they changed the files, exited 1 and said only "the output
could not be written". Now import --out says on stderr what it wrote (its change, as apply
says what it applied), and import --adopt puts every file back and says so, as it does
when it fails after editing them. The real CLI (a process) against the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import Cli
from test_closed_stdout import with_stdout_closed
from test_full_output import into_full

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
    assert err[-1].endswith(" Wrote 3 room files and imported/settings.yaml."), err


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
