"""A bad CHIME_RECONCILER_NOW (QA3 Q13): the commands that evaluate `until:` refuse it,
naming the variable (nobody gave --now); those that never do run as without it."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

BAD = (
    "Error: CHIME_RECONCILER_NOW=garbage: expected a date (2027-03-31) or a date and time "
    "with a zone (2027-03-31T18:00:00Z), got 'garbage'"
)


def test_commands_that_never_evaluate_until_ignore_it(
    ops: Any, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("plan", "--shard", "1/2", "--out", "p.json").exit_code == 0
    assert cli("plan", "--shard", "2/2", "--out", "q.json").exit_code == 0
    expected = {
        ("show", "p.json"): cli("show", "p.json"),
        ("schema",): cli("schema"),
        ("completion", "bash"): cli("completion", "bash"),
        ("merge-plans", "p.json", "q.json"): cli("merge-plans", "p.json", "q.json"),
    }
    monkeypatch.setenv("CHIME_RECONCILER_NOW", "garbage")
    for args, without in expected.items():
        run = cli(*args)
        assert (run.exit_code, run.stdout, run.stderr) == (
            without.exit_code,
            without.stdout,
            without.stderr,
        ), args
        assert without.exit_code == 0, args


@pytest.mark.parametrize(
    "args",
    [
        ("validate",),
        ("plan",),
        ("plan", "--out", "p.json"),
        ("audit", "alice@example.com"),
        ("apply",),
    ],
)
def test_commands_that_evaluate_until_name_the_variable_before_any_call(
    ops: Any,
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
    calls: Any,
    args: tuple[str, ...],
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_NOW", "garbage")
    ops.emulator.reset_calls()
    run = cli(*args)
    assert (run.exit_code, run.stdout, run.err_lines) == (1, "", [BAD])
    assert calls() == {}


def test_a_bad_now_on_the_command_line_is_still_refused_at_once(ops: Any, cli: Any) -> None:
    run = cli("--now", "garbage", "schema")
    assert run.exit_code == 1
    assert run.err_lines[-1] == (
        "Error: Invalid value for '--now': expected a date (2027-03-31) or a date and time "
        "with a zone (2027-03-31T18:00:00Z), got 'garbage'"
    )
