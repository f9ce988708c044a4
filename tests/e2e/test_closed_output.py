"""A closed output (`chime-reconciler ... | head -1`): the command stops writing and exits
141 (128 + SIGPIPE, as `git log | head -1` does); a command that only reads says nothing,
and `apply` (with or without --watch) stops as at a Ctrl-C and says on stderr what it did.
Real pipes: the CLI in a child process, boto3 and the emulator over HTTP."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import SUBPROCESS_TIMEOUT, Cli
from test_meetings_cli import MEETING, bridge, later

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
__all__ = ["bridge"]  # the fixture, imported for these tests

CLOSED = "Error: the output was closed (the command reading it ended): "
WRITES = ("BatchCreateRoomMembership", "UpdateRoomMembership", "DeleteRoomMembership")


@dataclass(frozen=True)
class Piped:
    code: int
    taken: list[str]  # the lines the reader took
    err_lines: list[str]
    seconds: float


def piped(cli: Cli, *args: str, until: str | None = None) -> Piped:
    """``chime-reconciler ARGS | READER``: the reader ends at once (as ``| true``), or
    once it has read a line starting with ``until`` (as ``| head`` would)."""
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *cli.argv(args)],
        cwd=cli.workdir,
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    taken = []
    try:
        while until is not None:
            line = child.stdout.readline()
            assert line, "the output ended before the line the reader waits for"
            taken.append(line.rstrip("\n"))
            if line.startswith(until):
                break
        child.stdout.close()  # the reader ends
        err = child.stderr.read()
        code = child.wait(timeout=SUBPROCESS_TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return Piped(code, taken, err.splitlines(), time.monotonic() - started)


@pytest.mark.parametrize("args", [("plan",), ("plan", "--format", "json"), ("--help",)])
def test_a_command_that_only_reads_ends_quietly_with_141(
    ops: Any, cli: Cli, args: tuple[str, ...]
) -> None:
    run = piped(cli, *args)
    assert (run.code, run.err_lines) == (141, [])  # nothing said: the reader took what it wanted


def test_apply_into_a_closed_output_stops_as_at_ctrl_c_and_says_what_it_did(
    ops: Any, cli: Cli, calls: Any
) -> None:
    ops.emulator.set_faults(latency_ms=100)
    before = ops.emulator.state()
    run = piped(cli, "--parallelism", "1", "apply", "--auto-approve", "--out", "r.json")
    assert run.code == 141
    found = re.fullmatch(
        re.escape(f"{CLOSED}apply stopped; ")
        + r"(\d) of 5 changes applied, (\d) not applied; run plan to see what is left\.",
        run.err_lines[-1],
    )
    assert found, run.err_lines
    # --out holds what was done all the same: the changes not started are skipped
    document = json.loads((cli.workdir / "r.json").read_text())
    assert (document["complete"], document["verified"]) == (False, None)
    assert document["summary"]["ok"] == int(found[1])
    skipped = [c for c in document["changes"] if c["outcome"] == "skipped"]
    assert len(skipped) == int(found[2])
    assert {c["error"]["code"] for c in skipped} == {"OutputClosed"}
    assert "Not applied:" in run.err_lines  # what was not applied, listed on stderr
    # a call may have been in flight when the plan's first line failed; none other starts
    assert sum(calls().get(op, 0) for op in WRITES) <= 1
    if found[1] == "0":
        assert ops.emulator.state() == before


def test_a_watch_into_a_closed_output_stops_before_applying_anything(
    bridge: EmulatorServer, cli: Cli
) -> None:
    run = piped(cli, "apply", "--auto-approve", "--watch", "--interval", "0.2", "--until", "60s")
    assert run.code == 141
    assert run.err_lines == [
        f"{CLOSED}the watch stopped before applying anything: nothing was applied."
    ]
    assert set(bridge.meetings.attendees_of(MEETING)) == {"bob@example.com", "mallory@example.com"}


def test_a_watch_piped_into_head_stops_when_its_reader_ends(
    bridge: EmulatorServer, cli: Cli
) -> None:
    bridge.set_faults(latency_ms=300)  # the round's calls come one after the other
    run = piped(
        cli,
        *("--parallelism", "1", "apply", "--auto-approve", "--watch"),
        *("--interval", "0.2", "--until", "60s", "--out", "w.json"),
        until="[",  # the first change made: `| head` has what it wanted
    )
    assert run.code == 141
    assert run.seconds < 30  # not --until's 60 s
    found = re.fullmatch(
        re.escape(f"{CLOSED}the watch stopped after 1 round: ")
        + r"(\d) of 4 changes applied, (\d) not applied; run plan to see what is left\.",
        run.err_lines[-1],
    )
    assert found, run.err_lines
    assert int(found[2]) >= 1  # no new call started once the output was closed
    # --out holds the round: its changes not started say why, as plain apply's do
    document = json.loads((cli.workdir / "w.json").read_text())
    assert (document["complete"], document["watch"]["rounds"]) == (False, 1)
    skipped = [c for c in document["changes"] if c["outcome"] == "skipped"]
    assert len(skipped) == int(found[2])
    assert {c["error"]["code"] for c in skipped} == {"OutputClosed"}


def test_a_watch_of_json_lines_stops_when_its_reader_ends(bridge: EmulatorServer, cli: Cli) -> None:
    run = piped(
        cli,
        *("apply", "--auto-approve", "--watch", "--interval", "0.2", "--until", "60s"),
        *("--format", "json"),
        until="{",  # round 1's line
    )
    assert run.code == 141
    assert run.err_lines[-1] == (
        f"{CLOSED}the watch stopped after 2 rounds: 4 of 4 changes applied, 0 not applied; "
        "run plan to see what is left."
    )


def test_a_round_of_json_lines_whose_reader_ended_is_still_in_out(
    bridge: EmulatorServer, cli: Cli, boto3_session: Any
) -> None:
    """Q-GI-4: round 2 removes a joiner, then finds stdout closed: its change, made in
    Chime, is in --out all the same (the record a CI job uploads)."""
    client = boto3_session.client("chime-sdk-meetings", endpoint_url=bridge.url)

    def eve_joins() -> None:  # once round 1 has read the meeting: round 2 removes her
        while "alice@example.com" not in bridge.meetings.attendees_of(MEETING):
            time.sleep(0.02)
        client.create_attendee(MeetingId=MEETING, ExternalUserId="eve@example.com")

    joiner = later(0, eve_joins)
    run = piped(
        cli,
        *("apply", "--auto-approve", "--watch", "--interval", "1.5", "--until", "60s"),
        *("--format", "json", "--out", "w.json"),
        until="{",  # round 1's line
    )
    joiner.join(5)
    assert run.code == 141
    assert "eve@example.com" not in bridge.meetings.attendees_of(MEETING)
    assert run.err_lines[-1] == (
        f"{CLOSED}the watch stopped after 2 rounds: 5 of 5 changes applied, 0 not applied; "
        "run plan to see what is left."
    )
    document = json.loads((cli.workdir / "w.json").read_text())
    assert document["watch"]["rounds"] == 2
    assert document["summary"]["changes"] == 5
    eve = [c for c in document["changes"] if c["member"] == "eve@example.com"]
    assert [(c["action"], c["outcome"]) for c in eve] == [("delete", "ok")]


def test_plan_out_into_a_closed_output_still_saves_the_plan(
    ops: Any, cli: Cli, workdir: Any
) -> None:
    run = piped(cli, "plan", "--out", "p.json")
    assert run.code == 141
    assert run.err_lines[0] == "Saved the plan to p.json. Apply exactly this plan with:"
    applied = cli("apply", "p.json")  # the plan was made: the file is whole
    assert applied.exit_code == 0, applied.stderr
    assert applied.lines[-1] == "Apply complete! Memberships: 3 added, 1 changed, 1 removed."


def test_a_closed_stderr_ends_as_a_closed_stdout_does(ops: Any, cli: Cli, workdir: Any) -> None:
    # QA W Q-W-4: `import 2>&1 | head -1`: import's closing line on stderr met the closed
    # pipe; the exit was 1 ("Internal error", said to nobody) or 120 (Python's "failed to
    # flush stdio"). Here stderr alone is closed; stdout, a file, is written whole
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as usual
    whole = cli("import")
    assert whole.exit_code == 0, whole.stderr
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone
    try:
        with open(workdir / "imported.yaml", "w") as out:
            done = subprocess.run(
                [sys.executable, "-m", "reconciler", *cli.argv(("import",))],
                cwd=cli.workdir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=write_end,
                timeout=SUBPROCESS_TIMEOUT,
            )
    finally:
        os.close(write_end)
    assert done.returncode == 141
    assert (workdir / "imported.yaml").read_text() == whole.stdout


def test_a_watch_stopped_by_its_closed_output_names_the_changes_not_made(
    bridge: EmulatorServer, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA-GH Q-GH-1: the lines that said each change as it was made went into the closed
    output; the watch's closing line counted the changes that failed and were not applied,
    and named none. Now they are listed on stderr (the failed ones with why), as plain
    apply lists them."""
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    writes = ["BatchCreateAttendee", "CreateAttendee", "UpdateAttendeeCapabilities"]
    bridge.set_faults(latency_ms=300, error_rate=1, operations=[*writes, "DeleteAttendee"])
    run = piped(
        cli,
        *("--parallelism", "1", "apply", "--auto-approve", "--quiet", "--watch"),
        *("--interval", "0.2", "--until", "60s"),
        until="[",  # the first change said: `| head` has what it wanted
    )
    assert run.code == 141
    found = re.fullmatch(
        re.escape(f"{CLOSED}the watch stopped after 1 round: 0 of 4 changes applied, ")
        + r"(\d) failed, (\d) not applied; run plan to see what is left\.",
        run.err_lines[-1],
    )
    assert found, run.err_lines
    listed = run.err_lines[:-1]
    failed = listed[listed.index("Failed:") + 1 : listed.index("Not applied:")]
    assert len(failed) == int(found[1]) >= 1, listed
    assert all("ServiceFailureException" in line or "Unavailable" in line for line in failed)
    not_applied = listed[listed.index("Not applied:") + 1 :]
    assert len(not_applied) == int(found[2]), listed
    named = [line.split()[2] for line in failed] + [line.split()[1] for line in not_applied]
    named = [name.rstrip(":") for name in named]
    assert sorted(named) == [
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
        "mallory@example.com",
    ]
