"""Numbers a user gives that are no good (QA D6, D7, D9): retry settings in the
environment, `apply --watch --interval` and `--until`, settings.yaml `max_grant_days`.
Each is one line naming what is wrong, exit 1, before any AWS call; never an internal
error, never a nonsense value used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from conftest import Cli, WriteDesired

from reconciler.cli.watch import UNTIL_FORMS
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
ATTEMPTS = "CHIME_RECONCILER_RETRY_ATTEMPTS"
BASE = "CHIME_RECONCILER_RETRY_BASE_MS"
CAP = "CHIME_RECONCILER_RETRY_CAP_MS"
WHOLE = "must be a whole number from 1 to 1000"
MILLISECONDS = "must be a number of milliseconds from 0 to 3600000"


@pytest.fixture
def bridge(
    emulator: EmulatorServer, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> EmulatorServer:
    """One live meeting, declared with one attendee too few (a watch would remove one)."""
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    write_desired(
        {
            "meetings.yaml": """
                meetings:
                  bridge:
                    meeting_id: ${INCIDENT_MEETING_ID}
                    prune: true
                    attendees: {alice@example.com: presenter}
                """
        }
    )
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "incident-42",
                    "attendees": [
                        {"external_user_id": "alice@example.com"},
                        {"external_user_id": "mallory@example.com"},
                    ],
                }
            ]
        }
    )
    return emulator


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (ATTEMPTS, "inf", WHOLE),
        (ATTEMPTS, "nan", WHOLE),
        (ATTEMPTS, "1e999", WHOLE),
        (ATTEMPTS, "2.5", WHOLE),
        (ATTEMPTS, "0", WHOLE),
        (ATTEMPTS, "1001", WHOLE),
        (ATTEMPTS, "\u0668", WHOLE),  # an Arabic-Indic 8, which int() reads (QA-LE Q-LE-4)
        (ATTEMPTS, "1_0", WHOLE),
        (BASE, "\u0668", MILLISECONDS),
        (BASE, "nan", MILLISECONDS),
        (BASE, "inf", MILLISECONDS),
        (CAP, "nan", MILLISECONDS),
        (CAP, "-inf", MILLISECONDS),
        (CAP, "1e300", MILLISECONDS),
    ],
)
def test_a_bad_retry_setting_is_one_line_before_any_call(
    bridge: EmulatorServer,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: str,
    message: str,
) -> None:
    monkeypatch.setenv(name, value)
    for command in (("plan",), ("apply", "--auto-approve")):
        run = cli(*command)
        assert (run.exit_code, run.stdout, run.err_lines) == (
            1,
            "",
            [f"Error: {name} {message}, got '{value}'"],
        )
    assert calls() == {}


def test_as_a_user_runs_it_an_infinite_attempt_count_is_no_internal_error(
    bridge: EmulatorServer, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ATTEMPTS, "inf")
    run = cli.subprocess("plan")
    assert (run.exit_code, run.err_lines) == (1, [f"Error: {ATTEMPTS} {WHOLE}, got 'inf'"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--interval", "nan", "--until", "4s"),
            "Error: Invalid value for '--interval': 'nan' is not a finite number.",
        ),
        (
            ("--interval", "inf"),
            "Error: Invalid value for '--interval': 'inf' is not a finite number.",
        ),
        (
            ("--interval", "abc"),
            "Error: Invalid value for '--interval': 'abc' is not a number.",
        ),
        (
            ("--interval", "0"),
            "Error: Invalid value for '--interval': '0' is less than 0.1.",
        ),
        (  # the value as typed, not click's "-1.0 is not in the range x>=0.1." (Q-GM-5)
            ("--interval", "-1"),
            "Error: Invalid value for '--interval': '-1' is less than 0.1.",
        ),
        (("--until", "99999999h"), "Error: --until 99999999h: too far in the future"),
        (
            ("--until", "9999999999999999999999s"),
            "Error: --until 9999999999999999999999s: too far in the future",
        ),
        (  # an Arabic-Indic 8 was 8 seconds (QA-GV Q-GV-2): ASCII digits only
            ("--until", "\u0668s"),
            f"Error: --until \u0668s: expected {UNTIL_FORMS}",
        ),
    ],
)
def test_a_bad_watch_interval_or_until_is_refused_before_any_call(
    bridge: EmulatorServer,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    args: tuple[str, ...],
    message: str,
) -> None:
    run = cli("apply", "--auto-approve", "--watch", "--target", "bridge", *args)
    assert (run.exit_code, run.stdout, run.err_lines[-1:]) == (1, "", [message])
    assert calls() == {}
    assert len(bridge.meetings.attendees_of(MEETING)) == 2  # mallory is still there


def test_a_far_until_time_is_accepted(bridge: EmulatorServer, cli: Cli) -> None:
    # the last second datetime has: refused neither as bad nor as too far; the watch then
    # stops as soon as the meeting has ended (here: before its first round)
    bridge.meetings.end_meeting(MEETING)
    run = cli("apply", "--auto-approve", "--watch", "--until", "9999-12-31T23:59:59Z")
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1].endswith("] Every meeting in scope has ended: nothing left to watch.")


def test_an_unknown_max_grant_days_key_stops_plan_before_any_call(
    bridge: EmulatorServer,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    write_desired: WriteDesired,
) -> None:
    write_desired({"settings.yaml": "max_grant_days:\n  presenters: 1\n  admins: 3\n"})
    run = cli("plan")
    assert (run.exit_code, run.err_lines) == (
        1,
        [
            "desired-state/settings.yaml:3: max_grant_days.admins: unknown list key 'admins' "
            "(did you mean 'administrators'?)",
            "Desired state is invalid: 1 error.",
        ],
    )
    assert calls() == {}


def test_an_until_time_without_a_zone_is_refused_as_now_refuses_it(
    bridge: EmulatorServer,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # QA-AB Q-AB-2: it was read as UTC whatever TZ says (in Los Angeles, "two hours from
    # now" had passed; in Kolkata the watch ran 5.5 hours late)
    bridge.meetings.end_meeting(MEETING)  # a watch that started would stop at once
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    local = "2099-01-01T08:00:00"
    zoneless = f"'{local}' has no time zone: add one (Z or +02:00)"
    now = cli.subprocess("--now", local, "plan")
    assert (now.exit_code, now.err_lines[-1]) == (
        1,
        f"Error: Invalid value for '--now': {zoneless}",
    )
    bridge.reset_calls()
    run = cli.subprocess("apply", "--auto-approve", "--watch", "--until", local)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [f"Error: Invalid value for '--until': {zoneless}"]
    assert calls() == {}


def test_an_until_date_means_through_that_day_in_utc_as_until_does(
    bridge: EmulatorServer, cli: Cli, calls: Callable[[], dict[str, int]]
) -> None:
    # QA-AB Q-AB-2: a date was its first moment, so today's "had passed"; `until: DATE`
    # is declared through that day
    bridge.meetings.end_meeting(MEETING)  # the watch stops after its first round
    today = dt.datetime.now(dt.UTC).date()
    run = cli("apply", "--auto-approve", "--watch", "--until", today.isoformat())
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1].endswith("] Every meeting in scope has ended: nothing left to watch.")
    bridge.reset_calls()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    run = cli("apply", "--auto-approve", "--watch", "--until", yesterday)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines[0].startswith(f"Error: --until {yesterday}: that time has passed (it")
    assert calls() == {}


@pytest.mark.parametrize("text", ["20991203", "2099-W48", "2099-02-30"])
def test_an_until_that_is_no_date_the_tool_reads_is_refused(
    bridge: EmulatorServer, cli: Cli, calls: Callable[[], dict[str, int]], text: str
) -> None:
    bridge.meetings.end_meeting(MEETING)
    bridge.reset_calls()
    run = cli("apply", "--auto-approve", "--watch", "--until", text)
    assert (run.exit_code, run.stdout) == (1, "")
    if text == "2099-02-30":
        assert run.err_lines == [
            "Error: Invalid value for '--until': expected a date (2027-03-31) or a date and "
            "time with a zone (2027-03-31T18:00:00Z), got '2099-02-30' (day is out of range "
            "for month)"
        ]
    else:
        assert run.err_lines == [
            f"Error: --until {text}: expected a duration (90s, 30m, 2h), a date (2026-12-01: "
            "through that day, in UTC) or a time with a zone (2026-12-01T18:00:00Z)"
        ]
    assert calls() == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [  # as the float options say it (Q-GM-5), not click's "-1 is not in the range 0<=x<=..."
        (
            ("emulator", "--port", "7650", "--latency-ms", "-1"),
            "Error: Invalid value for '--latency-ms': '-1' is less than 0.",
        ),
        (
            ("emulator", "--port", "70000"),
            "Error: Invalid value for '--port': '70000' is more than 65535.",
        ),
        (
            ("emulator", "--port", "7650", "--retry-after", "3601"),
            "Error: Invalid value for '--retry-after': '3601' is more than 3600.",
        ),
        (
            ("--parallelism", "0", "plan"),
            "Error: Invalid value for '--parallelism': '0' is less than 1.",
        ),
        (  # not click's "is not a valid integer range"
            ("emulator", "--port", "7650", "--latency-ms", "1.5"),
            "Error: Invalid value for '--latency-ms': '1.5' is not a whole number.",
        ),
        (  # Python's int() and float() read 1_0 as 10 (QA-GO Q-GO-1)
            ("emulator", "--port", "7650", "--latency-ms", "1_0"),
            "Error: Invalid value for '--latency-ms': '1_0' is not a whole number.",
        ),
        (
            ("apply", "--auto-approve", "--watch", "--interval", "1_0"),
            "Error: Invalid value for '--interval': '1_0' is not a number.",
        ),
        # every integer option by the one check, not click's "'x' is not a valid integer."
        # (QA-LE Q-LE-4); only ASCII digits: int() and float() read an Arabic-Indic ٨ as 8
        (
            ("emulator", "--port", "7650", "--fault-seed", "x"),
            "Error: Invalid value for '--fault-seed': 'x' is not a whole number.",
        ),
        (
            ("gitops", "pr-comment", "--pr", "x", "--body-file", "plan.md"),
            "Error: Invalid value for '--pr': 'x' is not a whole number.",
        ),
        (
            ("gitops", "pr-comment", "--pr", "0", "--body-file", "plan.md"),
            "Error: Invalid value for '--pr': '0' is less than 1.",
        ),
        (
            ("gitops", "drift", "--exit-code", "two", "--body-file", "plan.md"),
            "Error: Invalid value for '--exit-code': 'two' is not a whole number.",
        ),
        # no whole-number option takes a negative number (QA-GY Q-GY-2): a seed of -1
        # started the emulator, and -1 was read as a plan's exit code
        (
            ("emulator", "--port", "21601", "--fault-seed", "-1"),
            "Error: Invalid value for '--fault-seed': '-1' is less than 0.",
        ),
        (
            ("gitops", "drift", "--exit-code", "-1", "--body-file", "plan.md"),
            "Error: Invalid value for '--exit-code': '-1' is less than 0.",
        ),
        (
            ("gitops", "pr-comment", "--pr", "1", "--exit-code", "-1", "--body-file", "plan.md"),
            "Error: Invalid value for '--exit-code': '-1' is less than 0.",
        ),
        (
            ("gitops", "drift", "--exit-code", "256", "--body-file", "plan.md"),
            "Error: Invalid value for '--exit-code': '256' is more than 255.",
        ),
        (
            ("--parallelism", "\u0668", "plan"),
            "Error: Invalid value for '--parallelism': '\u0668' is not a whole number.",
        ),
        (
            ("emulator", "--port", "7650", "--latency-ms", "\uff11"),
            "Error: Invalid value for '--latency-ms': '\uff11' is not a whole number.",
        ),
        (
            ("apply", "--auto-approve", "--watch", "--interval", "\u0668"),
            "Error: Invalid value for '--interval': '\u0668' is not a number.",
        ),
        (
            ("emulator", "--port", "7650", "--tps", "\u0668"),
            "Error: Invalid value for '--tps': '\u0668' is not a number.",
        ),
    ],
)
def test_a_bad_whole_number_option_says_it_as_the_float_options_do(
    bridge: EmulatorServer,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    args: tuple[str, ...],
    message: str,
) -> None:
    run = cli(*args)
    assert (run.exit_code, run.stdout, run.err_lines[-1:]) == (1, "", [message])
    assert calls() == {}
