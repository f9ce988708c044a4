"""`chime-reconciler demo`: plan, apply and plan again against the embedded emulator and the
repository's example desired-state/, with no AWS account and no endpoint given."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
PLAN_LINE = re.compile(r"^Plan: (\d+) to add, (\d+) to change, (\d+) to remove\.$")


def test_demo_plans_applies_and_then_has_no_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    for name in ("CHIME_RECONCILER_ENDPOINT_URL", "CHIME_RECONCILER_DESIRED", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_BASE_MS", "1")
    result = CliRunner().invoke(cli, ["demo"], catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert re.fullmatch(
        r"Chime API emulator listening on http://127\.0\.0\.1:\d+ \(seeded with sample rooms\)",
        lines[0],
    )
    steps = [i for i, line in enumerate(lines) if line.startswith("$ chime-reconciler")]
    assert [lines[i] for i in steps] == [
        "$ chime-reconciler plan",
        "$ chime-reconciler apply --auto-approve --quiet",
        "$ chime-reconciler plan",
    ]
    first, applying, again = (
        lines[a:b] for a, b in zip(steps, [*steps[1:], len(lines)], strict=True)
    )
    # the first plan shows changes of every kind, and apply makes exactly those
    planned = [m for line in first if (m := PLAN_LINE.match(line))]
    assert len(planned) == 1
    add, change, remove = planned[0].groups()
    assert all(int(n) > 0 for n in (add, change, remove))
    assert any(line.startswith("  + ") for line in first)
    assert any(line.startswith("  ~ ") for line in first)
    assert any(line.startswith("  - ") for line in first)
    # a Chime SDK channel is reconciled too: a type change, and a moderator granted
    assert any(line.startswith("# channel incident-chat (app instance ") for line in first)
    assert (
        "  ~ dave@example.com: HIDDEN -> DEFAULT (replace: a membership type changes by "
        "delete and create)" in first
    )
    assert "  + dave@example.com (Moderator)" in first
    assert (
        f"Apply complete! Memberships: {add} added, {change} changed, {remove} removed." in applying
    )
    # then nothing is left to do; heidi and grace, added by hand, are drift (issue 15)
    assert "No changes, but Chime has 2 members the desired state does not declare." in again
    assert "Not in the desired state: 2 members in 2 rooms." in again
    assert not any(line.startswith(("  + ", "  ~ ", "  - ")) for line in again)
    assert "API calls served by the emulator" in again


def test_demo_outside_the_repository_says_where_to_run_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CHIME_RECONCILER_DESIRED", raising=False)
    result = CliRunner().invoke(cli, ["demo"], catch_exceptions=False)
    assert result.stdout == ""  # no emulator started
    assert result.stderr.splitlines() == [
        "Error: demo plans the example desired state, and desired-state/ is not a directory "
        "here: run it from the repository root, or give --desired DIR"
    ]
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("args", "env", "given", "harm", "undo"),
    [
        (
            ["--now", "2099-01-01"],
            {},
            "--now 2099-01-01",
            "in the future: applied now, it would end access before its `until:`",
            "leave --now out",
        ),
        (
            [],
            {"CHIME_RECONCILER_NOW": "2020-01-01"},
            "CHIME_RECONCILER_NOW=2020-01-01",
            "in the past: it would give back access whose `until:` has passed",
            "unset CHIME_RECONCILER_NOW",
        ),
    ],
)
def test_demo_refuses_a_now_as_apply_does_before_its_emulator_starts(
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    given: str,
    harm: str,
    undo: str,
) -> None:
    # its apply step is `apply --auto-approve`, which refuses --now: the demo showed an
    # apply made as of --now instead, that the command it names never makes (Q-EH-1)
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("CHIME_RECONCILER_NOW", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, [*args, "demo"], catch_exceptions=False)
    assert (result.exit_code, result.stdout) == (1, "")  # no emulator started
    clock = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
    assert re.fullmatch(
        re.escape("Error: demo applies as `apply --auto-approve` does, which evaluates ")
        + re.escape("`until:` at the current time (")
        + clock
        + re.escape(
            f"), not at {given}: that moment is {harm}; the demo did not start. To run it, {undo}"
        )
        + "\n",
        result.stderr,
    )


def test_demo_with_a_bad_now_variable_says_so_before_its_emulator_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # it was said after "Chime API emulator listening on ..." (Q-EH-2)
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("CHIME_RECONCILER_NOW", "garbage")
    result = CliRunner().invoke(cli, ["demo"], catch_exceptions=False)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "Error: CHIME_RECONCILER_NOW=garbage: expected a date (2027-03-31) or a date and "
        "time with a zone (2027-03-31T18:00:00Z), got 'garbage'"
    ]
