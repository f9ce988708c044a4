"""`--api-process`: the rooms' API calls made by a second process (the same boto3 client,
over real HTTP to the emulator), and what a user sees of it: the same plan, the same
calls, an apply that converges, the same errors; -vv names the process that made each call;
a second process that dies is replaced by the run's own client."""

from __future__ import annotations

import json
import marshal
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ConnectionClosedError

from reconciler.api_worker import OK, _pickled, frame, read_frame
from reconciler.awsclient.aws import make_client
from reconciler.emulator import EmulatorServer
from reconciler.providers.api_process import OffloadedClient, spec_of

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
Calls = Callable[[], dict[str, int]]


def offloaded(emulator: EmulatorServer, start_at: int, wait: bool = True) -> OffloadedClient:
    spec = spec_of(
        "chime",
        profile=None,
        region="us-east-1",
        endpoint_url=emulator.url,
        parallelism=4,
        verbose=0,
    )
    own = make_client("chime", endpoint_url=emulator.url, parallelism=4)
    return OffloadedClient(own, spec, start_at, wait=wait)


def test_plan_in_a_second_process_is_the_same_plan_with_the_same_calls(
    ops: Any, cli: Any, calls: Calls
) -> None:
    alone = cli("--api-process", "off", "plan")
    made_alone = calls()
    offloaded_run = cli("--api-process", "on", "plan")
    made_offloaded = {op: n - made_alone.get(op, 0) for op, n in calls().items()}
    assert offloaded_run.lines == alone.lines == ops.plan
    assert (offloaded_run.exit_code, offloaded_run.stderr) == (0, "")
    assert made_offloaded == made_alone


def test_vv_names_the_second_process_as_the_one_making_the_calls(ops: Any, cli: Any) -> None:
    run = cli.subprocess("--api-process", "on", "-vv", "plan")
    assert run.exit_code == 0, run.stderr
    made_there = [line for line in run.err_lines if line.startswith("DEBUG (api process): ")]
    made_here = [line for line in run.err_lines if line.startswith("DEBUG: List")]
    assert any("ListRoomMemberships GET /accounts/" in line for line in made_there)
    assert made_here == []  # `on` waits for it: every call is made there


def test_apply_in_a_second_process_converges(ops: Any, cli: Any, members: Any) -> None:
    run = cli("--api-process", "on", "apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert members("incident")["uid-dave"] == "Member"
    again = cli("--api-process", "on", "plan", "--detailed-exitcode")
    assert (again.exit_code, again.lines) == (ops.converged_exit, ops.no_changes)


def test_an_api_error_reads_the_same_from_the_second_process(
    ops: Any, cli: Any, write_desired: Any
) -> None:
    # ListRooms answers NotFoundException (a modelled error class, which cannot be pickled
    # as it is: it comes back as the ClientError it is, with the same code and message)
    write_desired(
        {
            "elsewhere.yaml": """
                rooms:
                  ghost:
                    account: "999999999999"
                    members: [alice@example.com]
                """
        }
    )
    alone = cli("--api-process", "off", "plan")
    there = cli("--api-process", "on", "plan")
    assert alone.exit_code == there.exit_code == 1
    assert (
        "Error: desired-state/elsewhere.yaml:2: no Chime account 999999999999 "
        "(ListRooms answered NotFoundException)"
    ) in there.lines
    assert (there.stdout, there.stderr) == (alone.stdout, alone.stderr)


def test_auto_starts_it_at_the_call_it_names(emulator: EmulatorServer, seed: Any) -> None:
    seed(users=("alice",))
    client = offloaded(emulator, start_at=3)
    try:
        for _ in range(2):
            client.list_accounts(MaxResults=10)
            assert client.process is None  # the first calls: made here
        answer = client.list_accounts(MaxResults=10)
        assert client.process is not None and client.process.ready.is_set()
        assert [a["AccountId"] for a in answer["Accounts"]] == [ACCOUNT]
    finally:
        client.close()


@pytest.fixture
def started(emulator: EmulatorServer, seed: Any) -> Iterator[OffloadedClient]:
    """A client whose second process made a first call (one account, alice)."""
    seed(users=("alice",))
    client = offloaded(emulator, start_at=1)
    try:
        client.list_accounts(MaxResults=10)
        assert client.process is not None and client.process.ready.is_set()
        yield client
    finally:
        client.close()


def test_a_ctrl_c_does_not_end_the_second_process(started: OffloadedClient) -> None:
    """The run decides what a Ctrl-C means (it finishes the calls in flight): the second
    process, in the same process group, must still answer them."""
    process = started.process
    assert process is not None
    os.kill(process._proc.pid, signal.SIGINT)
    time.sleep(0.2)
    assert process._proc.poll() is None
    assert started.list_accounts(MaxResults=10)["Accounts"]


def test_a_second_process_that_dies_fails_its_calls_in_flight_and_the_run_goes_on(
    emulator: EmulatorServer, started: OffloadedClient
) -> None:
    client = started
    process = client.process
    assert process is not None
    emulator.set_faults(latency_ms=2000)  # the next call is in flight when it dies
    failed: list[BaseException] = []

    def in_flight() -> None:
        try:
            client.list_accounts(MaxResults=10)
        except BaseException as exc:  # what the call raised
            failed.append(exc)

    caller = threading.Thread(target=in_flight)
    caller.start()
    time.sleep(0.3)
    process._proc.kill()
    caller.join(timeout=10)
    # a closed connection: the run's retry policy makes it again
    assert [type(e) for e in failed] == [ConnectionClosedError]
    emulator.set_faults()
    assert process.gone
    answer = client.list_accounts(MaxResults=10)  # made by the run's own client
    assert [a["AccountId"] for a in answer["Accounts"]] == [ACCOUNT]


class Odd(Exception):
    """Pickles (its class has a name), fails to unpickle (two arguments, one kept)."""

    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a}/{b}")


def test_an_error_that_cannot_be_unpickled_comes_back_named() -> None:
    with pytest.raises(TypeError):
        pickle.loads(pickle.dumps(Odd("x", "y")))
    back = pickle.loads(_pickled(Odd("x", "y")))
    assert (type(back), str(back)) == (RuntimeError, "Odd: x/y")


def test_a_second_process_that_cannot_start_leaves_every_call_to_the_run(
    emulator: EmulatorServer, seed: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    seed(users=("alice",))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python-here"))
    client = offloaded(emulator, start_at=1)
    try:
        for _ in range(2):
            answer = client.list_accounts(MaxResults=10)
            assert [a["AccountId"] for a in answer["Accounts"]] == [ACCOUNT]
        assert client.process is None
    finally:
        client.close()


# the second process as ApiProcess starts it, writing the modules loaded when its input
# ends to a file (it then exits at once: os._exit, no atexit)
WORKER = """
import sys
out = sys.argv.pop(1)
from reconciler import api_worker
serve = api_worker.serve
def serving(*args):
    serve(*args)
    open(out, "w").write("\\n".join(sorted(sys.modules)))
api_worker.serve = serving
api_worker.main()
"""


def test_the_second_process_imports_botocore_and_the_client_alone(
    emulator: EmulatorServer, tmp_path: Any
) -> None:
    # its start is what a run waits for (`on`): the providers, kinds and desired-state
    # models (pydantic) cost it more than botocore did (README "A second process")
    modules = tmp_path / "modules.txt"
    spec = spec_of(
        "chime",
        profile=None,
        region="us-east-1",
        endpoint_url=emulator.url,
        parallelism=1,
        verbose=0,
    )
    request = frame(marshal.dumps((1, "list_accounts", {})))
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(modules)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(json.dumps(spec).encode() + b"\n" + request)
    worker.stdin.flush()
    # the run closes its input once it has the answers it waits for (then it exits at once)
    frames = [read_frame(worker.stdout), read_frame(worker.stdout)]
    out, err = worker.communicate(timeout=60)
    assert (worker.returncode, err, out) == (0, b"", b"")
    answers = [marshal.loads(f) for f in frames if f is not None]
    assert [(call_id, status) for call_id, status, _ in answers] == [(0, OK), (1, OK)]
    assert "Accounts" in answers[1][2]
    loaded = set(modules.read_text().split())
    assert {"botocore.client", "reconciler.awsclient.aws"} <= loaded
    heavy = ("pydantic", "yaml", "click", "rich", "reconciler.providers", "reconciler.kinds")
    assert sorted(m for m in loaded if m.startswith(heavy)) == []
