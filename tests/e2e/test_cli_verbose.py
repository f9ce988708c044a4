"""-vv: every AWS call and retry on stderr; nothing of it without -vv (also in-process,
where one run's logging must not leak into the next)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
ROOMS = f"rooms: {{ops: {{account: '{ACCOUNT}', members: [alice@example.com]}}}}\n"


def test_double_verbose_logs_each_api_call_on_stderr(
    seed: Any, write_desired: Any, cli: Any
) -> None:
    seed(users=("alice",), rooms={"ops": [("alice", "Member")]})
    write_desired({"rooms.yaml": ROOMS})
    run = cli("-vv", "plan")
    assert run.err_lines == [
        f"DEBUG: ListRooms GET /accounts/{ACCOUNT}/rooms?max-results=99",
        f"DEBUG: ListRoomMemberships GET /accounts/{ACCOUNT}/rooms/room-ops/memberships"
        "?max-results=99",
    ]
    assert run.exit_code == 0


def test_retries_are_logged_with_their_code(
    seed: Any, write_desired: Any, cli: Any, emulator: Any
) -> None:
    seed(users=("alice",), rooms={"ops": [("alice", "Member")]})
    write_desired({"rooms.yaml": ROOMS})
    emulator.set_faults(throttle_rate=0.5, seed=3)
    run = cli("plan", "-vv")
    retries = [line for line in run.err_lines if "ThrottledClientException" in line]
    assert retries, run.stderr
    assert all(" retry " in line for line in retries)
    assert run.exit_code == 0


def test_without_double_verbose_no_log_line_leaks_from_an_earlier_run(
    seed: Any, write_desired: Any, cli: Any
) -> None:
    seed(users=("alice",), rooms={"ops": [("alice", "Member")]})
    write_desired({"rooms.yaml": ROOMS})
    assert cli("-vv", "plan").stderr
    quiet = cli("-v", "plan")
    assert (quiet.exit_code, quiet.stderr) == (0, "")
