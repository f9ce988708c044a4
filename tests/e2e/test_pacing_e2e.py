"""The pacer end to end: the real CLI and boto3 against the emulator's requests-per-second
quota (``tps``). Told the quota (``--rate`` or settings.yaml), plan makes no call the
emulator throttles and takes the time the quota allows; not told, it finds the quota
from the first 429s instead of meeting it on every other call."""

from __future__ import annotations

import time
from collections.abc import Callable

from reconciler.emulator import EmulatorServer

ROOMS = 24  # a plan reads ListRooms once and each room once: 25 calls
QUOTA = 10.0  # requests per second, the emulator's (a burst of 10 allowed, as AWS's)


def seed_rooms(seed: Callable[..., EmulatorServer], write_desired: Callable[..., object]) -> None:
    names = [f"room-{i:02d}" for i in range(ROOMS)]
    seed(users=["alice"], rooms={n: [("alice", "Administrator")] for n in names})
    body = "\n".join(f"  {n}: {{administrators: [alice@example.com]}}" for n in names)
    write_desired(
        {
            "settings.yaml": "account: 11111111-2222-3333-4444-555555555555\n",
            "rooms.yaml": "rooms:\n" + body + "\n",
        }
    )


def test_told_the_quota_plan_is_never_throttled_and_takes_calls_over_rate(
    seed, write_desired, cli, emulator, calls
) -> None:
    seed_rooms(seed, write_desired)
    emulator.set_faults(tps=QUOTA)
    started = time.perf_counter()
    run = cli("--rate", f"chime={QUOTA:g}", "plan")
    elapsed = time.perf_counter() - started
    assert run.exit_code == 0, run.stderr
    served = calls()
    assert served.get("Throttled", 0) == 0
    made = served["ListRooms"] + served["ListRoomMemberships"]
    assert made == ROOMS + 1
    # paced: the calls are 1/QUOTA apart, the first at once
    assert elapsed >= (made - 1) / QUOTA - 0.05
    # and not much slower (the 1.1x target is measured by bench/harness.py; a test on a
    # shared machine only catches gross over-pacing)
    assert elapsed <= made / QUOTA * 2 + 3


def test_settings_rates_pace_the_same_way(seed, write_desired, cli, emulator, calls) -> None:
    seed_rooms(seed, write_desired)
    (write_desired({}) / "settings.yaml").write_text(
        "account: 11111111-2222-3333-4444-555555555555\nrates: {chime: 10}\n"
    )
    emulator.set_faults(tps=QUOTA)
    run = cli("plan")
    assert run.exit_code == 0, run.stderr
    assert calls().get("Throttled", 0) == 0


def test_not_told_the_quota_it_is_found_from_429s(
    seed, write_desired, cli, emulator, calls
) -> None:
    """Unpaced, 8 threads meet a 10/s quota on most calls; the pacer starts pacing at what
    the service serves once half the calls of a second are 429s."""
    seed_rooms(seed, write_desired)
    emulator.set_faults(tps=QUOTA)
    run = cli("-vv", "plan")
    assert run.exit_code == 0, run.stderr
    served = calls()
    made = served["ListRooms"] + served["ListRoomMemberships"] - served.get("Throttled", 0)
    assert made == ROOMS + 1
    assert served.get("Throttled", 0) <= made  # unpaced, it was about two 429s per call
    assert any("pacing chime: throttled;" in line for line in run.err_lines)


def test_a_bad_rate_is_a_usage_error_naming_the_option(write_desired, cli) -> None:
    write_desired({"settings.yaml": "account: 1111\n"})
    run = cli("--rate", "chme=5", "plan")
    assert run.exit_code == 1
    assert run.err_lines == [
        "Error: --rate chme=5: unknown quota 'chme' (did you mean 'chime'?); known: "
        "chime, messaging.bearer, messaging.channel-batch, messaging.channel-write, "
        "messaging.channel-list, messaging.user-list, messaging.list-channels, identity, "
        "identity.list-users, meetings"
    ]


def test_a_bad_rate_in_settings_names_file_and_line(write_desired, cli) -> None:
    write_desired({"settings.yaml": "account: '1111'\nrates:\n  chime: 5\n  meeting: 0\n"})
    run = cli("validate")
    assert run.exit_code == 1
    assert run.err_lines[0] == (
        "desired-state/settings.yaml:4: rates.meeting: unknown quota 'meeting' "
        "(did you mean 'meetings'?); known: chime, messaging.bearer, "
        "messaging.channel-batch, messaging.channel-write, messaging.channel-list, "
        "messaging.user-list, messaging.list-channels, identity, identity.list-users, "
        "meetings"
    )


def test_off_in_settings_rates_says_to_write_null(write_desired, cli) -> None:
    # YAML reads `off` as false: the command line's spelling, not settings.yaml's
    write_desired({"settings.yaml": "account: '1111'\nrates:\n  chime: off\n"})
    run = cli("validate")
    assert run.exit_code == 1
    assert run.err_lines[0] == (
        "desired-state/settings.yaml:3: rates.chime: expected a number of requests per "
        "second, or null for an unknown quota (`--rate QUOTA=off`), got false"
    )


def test_a_rate_below_the_minimum_is_refused_at_its_line(write_desired, cli) -> None:
    # QA4 R15: a tiny rate made plan wait silently for days before its second call
    write_desired({"settings.yaml": "account: '1111'\nrates:\n  chime: 1.0e-300\n"})
    run = cli("validate")
    assert run.exit_code == 1
    assert run.err_lines[0] == (
        "desired-state/settings.yaml:3: rates.chime: a rate is at least 0.001 requests per "
        "second (one call every ~17 minutes) or null, not 1.0e-300"
    )
    run = cli("--rate", "chime=0.0000001", "plan")
    assert run.exit_code == 1
    assert run.err_lines == [
        "Error: --rate chime=0.0000001: a rate is at least 0.001 requests per second "
        "(one call every ~17 minutes) or off, not 0.0000001"  # as typed (QA-GV Q-GV-4)
    ]
    # the file's, with every digit it needs: not "not 0.001", the bound it is below
    write_desired({"settings.yaml": "account: '1111'\nrates:\n  chime: 0.00099999999\n"})
    assert cli("validate").err_lines[0] == (
        "desired-state/settings.yaml:3: rates.chime: a rate is at least 0.001 requests per "
        "second (one call every ~17 minutes) or null, not 0.00099999999"
    )
