"""Q-DN-2: every count a plan or an apply writes has thousands separators, as the plan's
last line does (``Plan: 1,000 to add``): the apply's closing line a user compares with
it, the drift line printed above it, the Markdown table and each target's summary, and
the lines of an apply that failed. Before, ``Apply complete! Memberships: 1000 added``
under ``Plan: 1,000 to add``.

The CLI in process, the real boto3 client, the emulator over HTTP (which refuses the
1,001st room membership as AWS does)."""

from __future__ import annotations

import pytest
from conftest import ACCOUNT, Cli, WriteDesired, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

THOUSAND = [f"u{i}" for i in range(1000)]


def declare_big(write_desired: WriteDesired, users: list[str]) -> None:
    listed = "".join(f"      - {u}@example.com\n" for u in users)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": f"rooms:\n  big:\n    members:\n{listed}",
        }
    )


def test_an_apply_of_a_thousand_adds_counts_them_as_the_plan_does(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    emulator.reset(seed_doc(users=THOUSAND, rooms={"big": []}))
    declare_big(write_desired, THOUSAND)

    markdown = cli("plan", "--format", "markdown")
    assert "**Plan: 1,000 to add, 0 to change, 0 to remove.**" in markdown.lines
    assert "| big | 1,000 | 0 | 0 | 0 | 0 |" in markdown.lines
    assert "<details><summary>room big: 1,000 to add</summary>" in markdown.lines

    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert applied.lines[-1] == "Apply complete! Memberships: 1,000 added, 0 changed, 0 removed."


def test_drift_and_a_failed_apply_of_a_thousand_are_counted_with_separators(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """A room full of 1,000 members no file declares (prune off), 1,000 others declared:
    the drift is counted, and AWS refuses every add."""
    newcomers = [f"n{i}" for i in range(1000)]
    emulator.reset(
        seed_doc(users=[*THOUSAND, *newcomers], rooms={"big": [(u, "Member") for u in THOUSAND]})
    )
    declare_big(write_desired, newcomers)

    planned = cli("plan")
    assert "Not in the desired state: 1,000 members in 1 room." in planned.lines
    assert planned.lines[-1] == "Plan: 1,000 to add, 0 to change, 0 to remove."
    markdown = cli("plan", "--format", "markdown")
    assert "> **Not in the desired state:** 1,000 members in 1 room." in markdown.lines
    # the 1,000 are drift (Not declared), no webhook (Unmanaged); its details: too long
    assert "| big | 1,000 | 0 | 0 | 1,000 | 0 |" in markdown.lines

    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 1, applied.stdout + applied.stderr
    assert applied.lines[-1] == (
        "Apply incomplete: 1,000 of 1,000 changes failed "
        "(0 applied: 0 added, 0 changed, 0 removed)."
    )
