"""import --out into a directory whose settings.yaml has governance rules: the files it
writes are checked as validate and plan check them (QA-FY Q-FY-4). It said `Next: ...
(expect: No changes ...)`, exit 0, and then validate refused 2 errors and plan said apply
refuses it. The real CLI against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACC = "11111111-2222-3333-4444-555555555555"


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
