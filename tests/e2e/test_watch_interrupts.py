"""`apply --watch` interrupted as plain `apply` is: the real CLI in a child process, against
the emulator with latency. The first Ctrl-C or SIGTERM (to the process, or its whole
group; also to a watch started with SIGINT ignored, as a script's background job is) stops
new calls at once, the calls in flight finish, every change made is printed and is in the
--out document (round 1's too: the file is written), exit 130."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import CliChild

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
ARN = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
LATENCY_MS = 300
SLACK_S = 0.25  # a call whose check passed just before the signal may arrive this late
OUT = ("--interval", "1", "--out", "watch.json")
BOTH = (*OUT, "--until", "60s", "--target", "ops", "--target", "bridge")  # a channel too
BRIDGE = (*OUT, "--until", "30s", "--target", "bridge")
WATCH_INTERRUPTED = (
    "Error: Interrupted: the watch stopped; run plan to see what is left (the changes it "
    "made are listed above)."
)

SEED: dict[str, Any] = {
    "app_instances": [
        {
            "arn": ARN,
            "name": "chat",
            "admins": ["r0"],
            "users": [{"id": u} for u in ("r0", "u1", "u2", "u3", "u4")],
            "channels": [
                {
                    "name": "ops",
                    "id": "ops",
                    "privacy": "PRIVATE",
                    "mode": "RESTRICTED",
                    "members": ["u1", "u2"],
                    "moderators": ["u1"],
                }
            ],
        }
    ],
    "meetings": [
        {
            "id": MEETING,
            "external_meeting_id": "bridge",
            "attendees": [
                {
                    "external_user_id": "bob@example.com",
                    "capabilities": {"audio": "Receive", "video": "None", "content": "None"},
                },
                {"external_user_id": "mallory@example.com"},
            ],
        }
    ],
}
SETTINGS = f"app_instances:\n  chat:\n    arn: {ARN}\n    bearer: user:r0\n"
DESIRED = f"""\
channels:
  ops:
    prune: true
    members: [user:u1, user:u3]
    hidden: [user:u2, user:u4]
    moderators: [user:u1, user:u3]
meetings:
  bridge:
    meeting_id: {MEETING}
    prune: true
    attendees:
      bob@example.com: presenter
      carol@example.com: participant
"""


@pytest.fixture
def world(emulator: EmulatorServer, workdir: Path) -> EmulatorServer:
    emulator.reset(SEED)
    desired = workdir / "desired-state"
    desired.mkdir()
    (desired / "settings.yaml").write_text(SETTINGS)
    (desired / "desired.yaml").write_text(DESIRED)
    return emulator


class Watching(CliChild):
    """``apply --auto-approve --watch`` in a child process; ``stamped`` once a change is
    printed."""

    def __init__(
        self,
        emulator: EmulatorServer,
        workdir: Path,
        *extra: str,
        group: bool = False,
        sigint_ignored: bool = False,
    ) -> None:
        argv = ["--endpoint-url", emulator.url, "--desired", "desired-state"]
        argv += ["apply", "--auto-approve", "--watch", *extra]
        super().__init__(
            argv,
            workdir,
            lambda line: line.startswith("["),
            group=group,
            sigint_ignored=sigint_ignored,
        )
        self.stamped = self.seen

    def finish(self, timeout: float = 15) -> tuple[int, list[str], str]:
        return super().finish(timeout)


def arrived_after(emulator: EmulatorServer, when: float) -> list[tuple[str, float]]:
    """The calls that reached the emulator after ``when`` (monotonic), with how long after."""
    calls = emulator.app.timeline.snapshot()["calls"]
    return [(op, round(arrived - when, 2)) for op, arrived, _ in calls if arrived > when]


@pytest.mark.parametrize(
    ("signum", "group", "sigint_ignored"),
    [
        (signal.SIGINT, False, False),  # Ctrl-C
        (signal.SIGTERM, True, False),  # CI's cancel, to the process group
        (signal.SIGINT, False, True),  # `kill -INT` from a script, its background job
    ],
    ids=["sigint", "sigterm-group", "sigint-background-job"],
)
def test_a_watch_interrupted_mid_round_starts_no_new_call_and_writes_what_it_made(
    world: EmulatorServer, workdir: Path, signum: int, group: bool, sigint_ignored: bool
) -> None:
    """QA-D Q-D-1 (and Q-D-4, for a SIGINT that started ignored): the watch went on starting
    write calls for seconds after the signal, and wrote no --out document for round 1."""
    world.set_faults(latency_ms=LATENCY_MS)
    child = Watching(world, workdir, *BOTH, group=group, sigint_ignored=sigint_ignored)
    assert child.stamped.wait(30), "no change was printed"  # round 1 is applying
    signalled = child.signal(signum, group)
    code, lines, err = child.finish()
    late = [(op, after) for op, after in arrived_after(world, signalled) if after > SLACK_S]
    assert code == 130, err
    assert late == []  # no call started after the signal
    assert "Traceback" not in err
    assert "Interrupted: finishing the calls in flight and starting no new ones" in err
    assert err.splitlines()[-1] == WATCH_INTERRUPTED
    document = json.loads((workdir / "watch.json").read_text())
    made = [c for c in document["changes"] if c["outcome"] in ("ok", "already")]
    assert made  # round 1 made changes before the signal: they are in --out
    said = "\n".join(line for line in lines if line.startswith("["))
    for change in made:  # each printed as it was made
        assert f"{change['kind']} {change['target']}:" in said
        assert change["member"] in said
    assert document["complete"] is False
    assert document["watch"]["rounds"] == 1
    assert document["watch"]["stopped"] is None  # as the README says for Ctrl-C
    not_started = [c for c in document["changes"] if c["outcome"] == "skipped"]
    assert not_started, document["changes"]  # the signal came with changes left to make
    assert all(c["error"]["code"] == "Interrupted" for c in not_started)
    assert said.count(": not applied:") == len(not_started)  # and printed so


@pytest.mark.parametrize("second_signal", [signal.SIGINT, signal.SIGTERM])
def test_a_second_signal_quits_the_watch_at_once_saying_and_writing_the_round(
    world: EmulatorServer, workdir: Path, second_signal: int
) -> None:
    """QA-D Q-D-1: once the watch finishes its calls in flight at the first Ctrl-C, the
    second still quits at once (as plain apply's does). L-DC-3: a second signal (Ctrl-C
    again, or SIGTERM after SIGINT as CI's cancel sends) first says what the round
    applied, which calls were in flight and what it did not start, and writes the round
    to --out, as plain apply's does (it quit with neither)."""
    world.set_faults(latency_ms=LATENCY_MS)
    child = Watching(world, workdir, *BOTH)
    assert child.stamped.wait(30), "no change was printed"
    world.set_faults(latency_ms=4000)  # the next calls stay in flight for 4 s
    time.sleep(0.5)
    child.signal(signal.SIGINT, group=False)
    time.sleep(0.2)
    second = child.signal(second_signal, group=False)
    code, lines, err = child.finish()
    assert code == 130, err
    assert time.monotonic() - second < 2  # not after the calls in flight
    assert "Interrupted again: quitting at once, without waiting for the calls in flight." in err
    document = json.loads((workdir / "watch.json").read_text())
    changes = document["changes"]
    made = [c for c in changes if c["outcome"] in ("ok", "already")]
    flying = [c for c in changes if c["outcome"] == "failed"]
    not_started = [c for c in changes if c["outcome"] == "skipped"]
    assert made and flying, changes
    assert {c["error"]["code"] for c in flying} == {"InFlight"}
    assert (document["complete"], document["watch"]["rounds"]) == (False, 1)
    assert "In flight when it quit (may have been made; plan shows):" in lines
    assert err.splitlines()[-1] == (
        f"Error: Interrupted: {len(made)} of {len(changes)} changes applied, {len(flying)} in "
        f"flight (may have been made), {len(not_started)} not applied; run plan to see what "
        "is left."
    )
    # the calls left in flight need no waiting for: this test's emulator, stopped at its
    # end, answers none of them once stopping (and a client gone is no error of its own)


def test_a_watch_started_with_sigint_ignored_stops_on_kill_int_between_rounds(
    world: EmulatorServer, workdir: Path
) -> None:
    """QA-D Q-D-4: a script's background `apply --watch` ignored `kill -INT` and ran to
    --until, exit 0; plain apply launched the same way stops."""
    child = Watching(world, workdir, *BRIDGE, sigint_ignored=True)
    assert child.stamped.wait(30), "no change was printed"
    time.sleep(1.5)  # the watch waits between rounds, or plans the next
    signalled = child.signal(signal.SIGINT, group=False)
    code, lines, err = child.finish(timeout=10)
    assert code == 130, (lines, err)
    assert time.monotonic() - signalled < 5
    assert "Traceback" not in err
    assert err.splitlines()[-1] == WATCH_INTERRUPTED
    document = json.loads((workdir / "watch.json").read_text())
    assert document["watch"]["stopped"] is None
    assert any(c["member"] == "mallory@example.com" for c in document["changes"])


def test_a_watch_interrupted_while_its_first_round_reads_says_nothing_was_applied(
    world: EmulatorServer, workdir: Path
) -> None:
    """QA-DU Q-DU-1: Ctrl-C while round 1 still reads Chime: nothing applied, and the watch
    says so as plain apply does; before, 'the changes it made are listed above' (none)."""
    world.set_faults(latency_ms=LATENCY_MS)
    child = Watching(world, workdir, *BRIDGE)
    deadline = time.monotonic() + 15
    while not world.app.timeline.snapshot()["calls"] and time.monotonic() < deadline:
        time.sleep(0.01)  # the first read is in flight (each takes LATENCY_MS)
    child.signal(signal.SIGINT)
    code, lines, err = child.finish()
    assert code == 130, err
    assert not any(line.startswith("[") for line in lines)  # no change was made
    # and, as plain apply says it (QA-HC Q-HC-3), that the reads stop: the watch said
    # only the closing line
    assert err.rstrip().splitlines()[-2:] == [
        "Interrupted: stopping the reads; nothing will be applied (press Ctrl-C again to "
        "quit at once).",
        "Error: Interrupted before applying anything: nothing was applied.",
    ], err
    assert world.meetings.attendees_of(MEETING).keys() == {"bob@example.com", "mallory@example.com"}
