"""A protection (a `protected:` group entry with `until:`) ending exactly
`expiry_warning_days` whole days from now is warned about, as a declared membership
ending that day is (QA-GQ Q-GQ-3: the membership window's edge was tested, the
protection's was not, so a protection warned about one day later than a membership, the
day before its end removes the member, passed). A day earlier (one day past the window)
neither is. The CLI, the real boto3 client and the emulator over HTTP."""

from __future__ import annotations

import pytest
from conftest import ACCOUNT, Cli, WriteDesired, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

END = "2027-03-31"


@pytest.fixture
def ending(emulator: EmulatorServer, write_desired: WriteDesired) -> None:
    """ops prunes; alice declared an Administrator until END; dave, an Administrator no
    file declares there, protected through @oncall until END; bob a plain administrator.
    The warning window is 14 days."""
    emulator.reset(
        seed_doc(
            users=("alice", "bob", "dave"),
            rooms={
                "ops": [
                    ("alice", "Administrator"),
                    ("bob", "Administrator"),
                    ("dave", "Administrator"),
                ]
            },
        )
    )
    write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                prune: true
                expiry_warning_days: 14
                protected: ["@oncall"]
                """,
            "ops.yaml": f"""
                groups:
                  oncall:
                    - {{member: dave@example.com, until: {END}, reason: on-call week}}
                rooms:
                  ops:
                    administrators:
                      - bob@example.com
                      - {{member: alice@example.com, until: {END}}}
                """,
        }
    )


def test_a_protection_ending_at_the_window_edge_is_warned_about(ending: None, cli: Cli) -> None:
    """14 whole days left (2027-03-17): both ends are warned about."""
    run = cli("--now", "2027-03-17T08:00:00Z", "plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    at = run.lines.index("Warning: 2 memberships end within 14 days:")
    assert run.lines[at + 1 : at + 3] == [
        "  alice@example.com in room ops: Administrator until 2027-03-31 (14 days left), "
        "declared at desired-state/ops.yaml:8",
        "  dave@example.com in room ops: protected until 2027-03-31 (14 days left), "
        "declared at desired-state/ops.yaml:3",
    ]


def test_a_day_before_the_window_neither_is_warned_about(ending: None, cli: Cli) -> None:
    """15 whole days left (2027-03-16): no warning for either."""
    run = cli("--now", "2027-03-16T08:00:00Z", "plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert not [line for line in run.lines if line.startswith("Warning:")], run.stdout
    assert "days left" not in run.stdout
