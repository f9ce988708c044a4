"""The re-read after the writes fails (Chime unreachable or failing, QA-C Q-C-1): the
changes were made, so apply still writes its result (stdout with --format json, and
--out), every change with its outcome, ``verified: null``, ``complete: false`` and the
read's error in ``verify_error``; it ends with an error saying the changes were applied
but not checked, exit 1. It was the read's error alone, after "Apply complete!", and no
result anywhere; then "Apply complete!" beside a result saying ``complete: false``
(QA-AH Q-AH-3): now ``Apply incomplete: applied, not verified. Memberships: ...``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import OPS_DESIRED, OPS_SEED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer
from reconciler.emulator.faults import FaultConfig
from reconciler.emulator.server import RequestRecord

WRITES = {"CreateRoomMembership", "BatchCreateRoomMembership", "UpdateRoomMembership"}
WRITES |= {"DeleteRoomMembership"}
FAILED_5XX = {"ServiceUnavailableException", "ServiceFailureException"}  # error_rate's two
UNREADABLE = FaultConfig(error_rate=1, operations=("ListRoomMemberships",))


@pytest.fixture
def failing_after_writes(workdir: Path) -> Iterator[EmulatorServer]:
    """The ops scenario's emulator, whose room listings fail once the first write is
    served: the plan reads, the apply writes, nothing can be read again."""
    server: EmulatorServer

    def log(record: RequestRecord) -> None:
        if record.operation in WRITES:
            server.app.configure_faults(UNREADABLE)

    with EmulatorServer(OPS_SEED, request_log=log) as server:
        yield server


def test_apply_writes_its_result_when_the_verification_read_fails(
    failing_after_writes: EmulatorServer, write_desired: WriteDesired, workdir: Path
) -> None:
    write_desired(OPS_DESIRED)
    cli = Cli(failing_after_writes.url, workdir)
    run = cli("--parallelism", "1", "apply", "--auto-approve", "--out", "result.json")
    assert run.exit_code == 1
    # the closing line says what the result's ``complete`` and the exit code say, with
    # the counts (QA-AH Q-AH-3: it said "Apply complete!")
    assert run.stdout.splitlines()[-1] == (
        "Apply incomplete: applied, not verified. Memberships: 3 added, 1 changed, 1 removed."
    )
    assert "Apply complete!" not in run.stdout + run.stderr
    error = run.stderr.strip().splitlines()[-1]
    assert error.startswith("Error: could not verify the apply: ListRoomMemberships failed")
    assert error.endswith(
        "The changes listed above were applied as listed; run plan to see the live state."
    )
    document = json.loads((workdir / "result.json").read_text())
    assert (document["complete"], document["verified"]) == (False, None)
    assert document["verify_error"]["code"] in FAILED_5XX
    assert "ListRoomMemberships failed" in document["verify_error"]["message"]
    assert document["summary"]["ok"] == 5
    assert {c["outcome"] for c in document["changes"]} == {"ok"}
    assert {c["verified"] for c in document["changes"]} == {None}

    # the changes were made: once Chime answers again, there is nothing left to do
    failing_after_writes.app.configure_faults(FaultConfig())
    assert "\nNo changes, but Chime has 1 member" in cli("plan").stdout


def test_format_json_puts_the_result_on_stdout_when_the_verification_read_fails(
    failing_after_writes: EmulatorServer, write_desired: WriteDesired, workdir: Path
) -> None:
    write_desired(OPS_DESIRED)
    cli = Cli(failing_after_writes.url, workdir)
    run = cli("apply", "--auto-approve", "--format", "json")
    assert run.exit_code == 1
    document = json.loads(run.stdout)
    assert document["complete"] is False and document["summary"]["changes"] == 5
    assert document["verify_error"]["code"] in FAILED_5XX
    assert "Error: could not verify the apply:" in run.stderr
    # the closing line, on stderr with --format json, agrees with ``complete`` (Q-AH-3)
    assert run.stderr.splitlines()[-2] == (
        "Apply incomplete: applied, not verified. Memberships: 3 added, 1 changed, 1 removed."
    )


def test_a_verified_apply_says_verify_error_null(ops: object, cli: Cli, workdir: Path) -> None:
    run = cli("apply", "--auto-approve", "--out", "result.json")
    assert run.exit_code == 0
    document = json.loads((workdir / "result.json").read_text())
    assert (document["complete"], document["verified"], document["verify_error"]) == (
        True,
        True,
        None,
    )
