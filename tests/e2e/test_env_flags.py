"""CHIME_RECONCILER_PROGRESS and CHIME_RECONCILER_TIMINGS (QA-GB Q-GB-4): `=true` was
silently off (only `1` counted) where every other variable with a bad value is an error
naming it. Now 1/true/yes/on are on, 0/false/no/off and empty off, anything else refused
before any call. The real CLI in a child process (stderr a pipe: a CI log), boto3 and the
emulator."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

PROGRESS = "CHIME_RECONCILER_PROGRESS"
TIMINGS = "CHIME_RECONCILER_TIMINGS"


@pytest.mark.parametrize("value", ["1", "true", "Yes", "on"])
def test_progress_set_on_in_any_usual_spelling_prints_its_lines(
    ops: Any, cli: Any, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(PROGRESS, value)
    run = cli.subprocess("plan")
    assert run.exit_code == 0, run.stderr
    assert [line.split(" in ")[0] for line in run.err_lines] == ["Reading memberships: 3/3"]


@pytest.mark.parametrize("value", ["0", "false", "off", ""])
def test_progress_set_off_prints_nothing(
    ops: Any, cli: Any, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(PROGRESS, value)
    run = cli.subprocess("plan")
    assert (run.exit_code, run.stderr) == (0, "")


@pytest.mark.parametrize("name", [PROGRESS, TIMINGS])
def test_any_other_value_is_refused_naming_the_variable(
    ops: Any, cli: Any, calls: Any, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(name, "maybe")
    run = cli.subprocess("plan")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines[0] == (
        f"Error: {name} must be 1 (on) or 0 (off), got 'maybe' (also: true/false, yes/no, on/off)"
    )
    assert calls() == {}


def test_timings_set_true_writes_the_phase_times(
    ops: Any, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TIMINGS, "true")
    run = cli.subprocess("plan")
    assert run.exit_code == 0, run.stderr
    assert any(line.startswith("timing: load ") for line in run.err_lines)
