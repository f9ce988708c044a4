"""`chime-reconciler emulator` as a user runs it: a subprocess driven with boto3."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from emulator_http import request

from reconciler.cli.emulator import emulator as emulator_command
from reconciler.cli.main import cli

EXAMPLE = Path(__file__).parent / "seed-example.yaml"
ACCOUNT = "11111111-2222-3333-4444-555555555555"
FIRST_LINE = re.compile(r"^Chime API emulator listening on (http://127\.0\.0\.1:(\d+))$")


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reconciler", "emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def first_line(process: subprocess.Popen[str], timeout: float = 20) -> str:
    """The first stdout line, without waiting forever for a process that hangs."""
    assert process.stdout is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()))  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    assert lines, "the emulator printed nothing in time"
    return lines[0].rstrip("\n")


@pytest.fixture
def running() -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = start("--port", "0", "--seed", str(EXAMPLE), "--fault-seed", "4")
    try:
        found = FIRST_LINE.match(first_line(process))
        assert found, "unexpected first line"
        yield process, found.group(1)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)


def test_serves_the_seed_and_stops_cleanly_on_sigterm(
    running: tuple[subprocess.Popen[str], str], chime_client: Any
) -> None:
    process, url = running
    chime = chime_client(url)
    listed = chime.list_room_memberships(AccountId=ACCOUNT, RoomId="room-1")["RoomMemberships"]
    assert [(m["Member"]["MemberId"], m["Role"]) for m in listed] == [
        ("alice-id", "Administrator"),
        ("pager-id", "Member"),
        ("hook-id", "Member"),
    ]
    bob = chime.list_users(AccountId=ACCOUNT, UserEmail="bob@example.com")["Users"][0]["UserId"]
    chime.create_room_membership(AccountId=ACCOUNT, RoomId="room-1", MemberId=bob)
    with pytest.raises(chime.exceptions.ConflictException):
        chime.create_room_membership(AccountId=ACCOUNT, RoomId="room-1", MemberId=bob)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=10)
    assert (process.returncode, out, err) == (0, "", "Chime API emulator stopped.\n")


def test_ctrl_c_stops_it_with_exit_code_0(running: tuple[subprocess.Popen[str], str]) -> None:
    process, _ = running
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=10)
    assert process.returncode == 0


def test_sigint_stops_it_even_when_started_with_sigint_ignored() -> None:
    """A background job of a script starts with SIGINT ignored (so did this suite, run as
    one): `kill -INT` still stops the emulator."""
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert FIRST_LINE.match(first_line(process))
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
        assert (process.returncode, err) == (0, "Chime API emulator stopped.\n")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)


def test_fault_flags_reach_the_api(chime_client: Any) -> None:
    process = start("--port", "0", "--throttle-rate", "1", "--latency-ms", "1")
    try:
        found = FIRST_LINE.match(first_line(process))
        assert found
        chime = chime_client(found.group(1))
        with pytest.raises(chime.exceptions.ThrottledClientException):
            chime.list_accounts()
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert process.returncode == 0


def test_a_bad_seed_file_is_an_error_naming_the_file(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("accounts:\n  - name: X\n    users: [{email: nope}]\n")
    process = start("--port", "0", "--seed", str(seed))
    out, err = process.communicate(timeout=20)
    assert (process.returncode, out) == (1, "")
    assert err == f"Error: {seed}:3: accounts[0].users[0].email: malformed email address 'nope'\n"


def test_a_bad_seed_file_quotes_a_long_value_cut_short(tmp_path: Path) -> None:
    """QA-LF Q-LF-6: a 5,000-character role was quoted whole in the error line; now as the
    CLI quotes a value: its first 80 characters and its length."""
    seed, role = tmp_path / "seed.yaml", "r" * 5000
    seed.write_text(
        "accounts:\n  - name: X\n    users: [{email: a@example.com}]\n    rooms:\n"
        f"      - {{name: ops, memberships: [{{member: a@example.com, role: {role}}}]}}\n"
    )
    process = start("--port", "0", "--seed", str(seed))
    out, err = process.communicate(timeout=20)
    assert (process.returncode, out) == (1, "")
    assert err == (
        f"Error: {seed}:5: accounts[0].rooms[0].memberships[0].role: unknown role "
        f"{role[:80]!r}…(5,000 characters) (expected Administrator or Member)\n"
    )


def test_binding_elsewhere_than_loopback_warns(tmp_path: Path) -> None:
    # 192.0.2.1 (TEST-NET-1) is never a local address: the bind fails after the warning.
    process = start("--host", "192.0.2.1", "--port", "0")
    out, err = process.communicate(timeout=20)
    assert (process.returncode, out) == (1, "")
    assert err.splitlines() == [
        "Warning: binding to 192.0.2.1, which is not a loopback address: anyone who can "
        "reach this machine can read and change the emulator's state.",
        "Error: cannot listen on 192.0.2.1:0: Cannot assign requested address",
    ]


def test_an_empty_host_is_a_usage_error() -> None:
    process = start("--host", "", "--port", "0")
    out, err = process.communicate(timeout=20)
    assert (process.returncode, out) == (1, "")  # a bad command line exits 1 (2 means "changes")
    assert err.splitlines()[-1] == (
        "Error: Invalid value for '--host': give an address to bind, such as 127.0.0.1."
    )


RATES = ("--throttle-rate", "--error-rate", "--conflict-rate", "--item-error-rate")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        *(((o, "nan"), f"{o}': 'nan' is not a finite number.") for o in RATES),
        *(((o, "inf"), f"{o}': 'inf' is not a finite number.") for o in RATES),
        *(((o, "2"), f"{o}': '2' is more than 1.") for o in RATES),  # as typed (Q-GM-5)
        (("--error-rate", "-0.5"), "--error-rate': '-0.5' is less than 0."),
        (("--tps", "0"), "--tps': '0' is not more than 0."),
        (("--error-rate", "NaN"), "--error-rate': 'NaN' is not a finite number."),
        (("--tps", "nan"), "--tps': 'nan' is not a finite number."),
        (("--tps", "inf"), "--tps': 'inf' is not a finite number."),
        (("--tps", "-inf"), "--tps': '-inf' is not a finite number."),
        (("--error-rate", "half"), "--error-rate': 'half' is not a number."),
    ],
)
def test_a_fault_option_that_is_not_a_finite_number_is_a_usage_error(
    args: tuple[str, str], message: str
) -> None:
    # refused before anything listens (a runner that got that far would block)
    result = CliRunner().invoke(cli, ["emulator", "--port", "0", *args])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '{message}"


def test_fault_settings_from_flags_read_back_as_from_the_admin_api() -> None:
    process = start(
        "--port", "0", "--latency-ms", "5", "--tps", "20", "--fault-seed", "3", "--quotas",
        "--fault-operation", "ListRooms", "--fault-operation", "GetRoom",
        "--conflict-rate", "0.5",
    )  # fmt: skip
    try:
        found = FIRST_LINE.match(first_line(process))
        assert found
        status, _, body = request(found.group(1), "GET", "/_emulator/faults")
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert (status, body) == (
        200,
        {
            "latency_ms": 5.0,
            "throttle_rate": 0.0,
            "error_rate": 0.0,
            "item_error_rate": 0.0,
            "tps": 20.0,
            "seed": 3,
            "quotas": True,
            "operations": ["ListRooms", "GetRoom"],
            "conflict_rate": 0.5,
            "error_type_header": True,
            "whole_call_limit": False,
            "retry_after": None,
        },
    )
    assert isinstance(body["latency_ms"], float)


@pytest.mark.parametrize("verbose", [("emulator", "-v"), ("-v", "emulator")])
def test_verbose_logs_one_line_per_request_with_operation_status_and_latency(
    verbose: tuple[str, ...], chime_client: Any
) -> None:
    args = [*verbose, "--port", "0", "--seed", str(EXAMPLE), "--latency-ms", "30"]
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        found = FIRST_LINE.match(first_line(process))
        assert found
        chime = chime_client(found.group(1))
        chime.list_room_memberships(AccountId=ACCOUNT, RoomId="room-1")
        with pytest.raises(chime.exceptions.NotFoundException):
            chime.get_room(AccountId=ACCOUNT, RoomId="no-such-room")
        request(found.group(1), "GET", "/_emulator/calls")
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=10)
    lines = err.splitlines()
    assert lines[-1] == "Chime API emulator stopped."
    pattern = re.compile(r"^(\S+) (\d{3}) (\d+\.\d) ms (GET|POST) (\S+)$")
    parsed = [pattern.match(line) for line in lines[:-1]]
    assert all(parsed), lines
    # Each line is written once its answer has left, by the request's own thread: the
    # client's next request may be logged first (seen under load), so the order is not
    # compared, only that each request has its one line.
    seen = sorted((m.group(1), m.group(2), m.group(4), m.group(5)) for m in parsed if m)
    assert seen == [
        ("GetRoom", "404", "GET", f"/accounts/{ACCOUNT}/rooms/no-such-room"),
        ("ListRoomMemberships", "200", "GET", f"/accounts/{ACCOUNT}/rooms/room-1/memberships"),
        ("admin", "200", "GET", "/_emulator/calls"),
    ]
    latency = {m.group(1): float(m.group(3)) for m in parsed if m}
    assert latency["ListRoomMemberships"] >= 30 and latency["GetRoom"] >= 30  # injected


def test_no_error_type_header_flag_answers_errors_with_the_body_code_only(
    chime_client: Any,
) -> None:
    """QA-DO Q-DO-5: the switch had no flag and the help's faults keys left it out."""
    process = start("--port", "0", "--no-error-type-header")
    try:
        found = FIRST_LINE.match(first_line(process))
        assert found
        chime = chime_client(found.group(1))
        with pytest.raises(chime.exceptions.ClientError) as raised:
            chime.list_rooms(AccountId=ACCOUNT)
        status, _, body = request(found.group(1), "GET", "/_emulator/faults")
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert raised.value.response["Error"]["Code"] == "NotFound"  # not NotFoundException
    assert (status, body["error_type_header"]) == (200, False)


def test_help_names_every_faults_key_of_the_admin_api() -> None:
    from reconciler.emulator.faults import FaultConfig

    done = CliRunner().invoke(cli, ["emulator", "--help"], prog_name="chime-reconciler")
    text = " ".join(done.output.split())
    listed = re.search(r"/_emulator/faults \{([^}]*)\}", text)
    assert done.exit_code == 0 and listed
    keys = {k.strip() for k in listed.group(1).split(",")}
    assert keys == set(FaultConfig().to_dict()), keys
    assert "--no-error-type-header" in text


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("listrooms", "the emulator has no operation 'listrooms' (did you mean 'ListRooms'?)"),
        ("LISTROOMS", "the emulator has no operation 'LISTROOMS' (did you mean 'ListRooms'?)"),
        ("", "give an operation name, such as ListRooms."),
        ("x" * 300, "the emulator has no operation '" + "x" * 80 + "'…(300 characters)"),
    ],
)
def test_a_fault_operation_the_emulator_does_not_serve_is_an_error_naming_the_option(
    name: str, message: str
) -> None:
    # QA-HC Q-HC-4: it named `operations:`, the admin API's key, not the option typed;
    # refused before anything listens (a runner that got that far would block)
    result = CliRunner().invoke(
        cli, ["emulator", "--port", "0", "--fault-operation", name, "--error-rate", "0.5"]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--fault-operation': {message}"
    )


def test_the_readme_synopsis_names_every_emulator_option() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    synopsis = readme.split("### emulator — a local Chime API", 1)[1].split("```sh\n", 1)[1]
    synopsis = synopsis.split("\n# ", 1)[0]
    options = {o for p in emulator_command.params for o in p.opts if o.startswith("--")}
    written = set(re.findall(r"--[a-z-]+", synopsis))
    assert options - {"--help", "--verbose", "--error-type-header"} <= written
