"""`chime-reconciler show FILE` through the real entry point (exit codes and messages)."""

from __future__ import annotations

from pathlib import Path

import pytest
from render_samples import PLAN, UNSAFE

from reconciler.cli.main import main
from reconciler.planfile import save_plan
from reconciler.render import format_plan


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.argv", ["chime-reconciler", *args])
    monkeypatch.delenv("NO_COLOR", raising=False)
    with pytest.raises(SystemExit) as exc:
        main()
    out, err = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 1), out, err


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return save_plan(UNSAFE, tmp_path / "plan.json")


def test_show_renders_a_saved_plan_as_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], saved: Path
) -> None:
    code, out, err = run(monkeypatch, capsys, "show", str(saved))
    assert (code, err) == (0, "")
    assert out.splitlines() == format_plan(UNSAFE, "text").splitlines()
    assert out.splitlines()[1] == "  + alice@example.com (Administrator)"


@pytest.mark.parametrize("where", ["before", "after"])
def test_show_verbose_adds_provenance(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], saved: Path, where: str
) -> None:
    args = ["-v", "show", str(saved)] if where == "before" else ["show", str(saved), "-v"]
    code, out, _ = run(monkeypatch, capsys, *args)
    assert code == 0
    assert out.splitlines()[1:4] == [
        "  + alice@example.com (Administrator)",
        "      declared at desired-state/teams/sre.yaml:9 as Administrator",
        "      via @sre > @oncall at desired-state/teams/sre.yaml:4 as Member",
    ]


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_show_renders_markdown_and_json(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    saved: Path,
    fmt: str,
) -> None:
    code, out, _ = run(monkeypatch, capsys, "show", str(saved), "--format", fmt)
    assert code == 0
    assert out == format_plan(UNSAFE, fmt)


def test_show_json_is_the_saved_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = save_plan(PLAN, tmp_path / "plan.json")
    _, out, _ = run(monkeypatch, capsys, "show", str(path), "--format", "json")
    assert out == path.read_text(encoding="utf-8")


def test_show_missing_file_exits_1_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nope.json"
    code, out, err = run(monkeypatch, capsys, "show", str(missing))
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"Error: Cannot use the saved plan {missing}: no such file"]


def test_show_corrupt_file_exits_1_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{"format_version": "1", "rooms": 3}')
    code, out, err = run(monkeypatch, capsys, "show", str(bad))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"Error: Cannot use the saved plan {bad}: the file is corrupt: rooms: expected a list, "
        "got 3"
    ]
