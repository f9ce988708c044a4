"""Another of chime-reconciler's JSON documents given where a saved plan is read (QA-AY
Q-AY-5): `show`, `apply` and `merge-plans` say what the file is, not that it is corrupt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_an_apply_result_given_as_a_plan_is_named_as_one(ops: Any, cli: Any, workdir: Path) -> None:
    assert cli("plan", "--out", "p.json").exit_code in (0, 2)
    applied = cli("apply", "p.json", "--auto-approve", "--out", "result.json")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert json.loads((workdir / "result.json").read_text(encoding="utf-8"))["complete"]
    for argv in (
        ("show", "result.json"),
        ("apply", "result.json", "--auto-approve"),
        ("merge-plans", "result.json", "p.json"),
    ):
        run = cli(*argv)
        assert run.exit_code == 1, argv
        assert "result.json is an apply result (apply --out), not a plan" in run.stderr, argv
        assert "corrupt" not in run.stderr, argv


def test_an_audit_given_as_a_plan_is_named_as_one(ops: Any, cli: Any, workdir: Path) -> None:
    audited = cli("audit", "alice@example.com", "--format", "json")
    assert audited.exit_code == 0, audited.stderr
    (workdir / "audit.json").write_text(audited.stdout, encoding="utf-8")
    run = cli("show", "audit.json")
    assert run.exit_code == 1
    assert "audit.json is an audit (audit --format json), not a plan" in run.stderr


def test_a_watchs_json_lines_given_as_a_plan_are_named_as_them(
    ops: Any, cli: Any, workdir: Path
) -> None:
    """`apply --watch --format json > rounds.json` writes one record a line: a file that is
    no JSON document, but each line is a watch record; named so, with the command that
    writes it (there is no `watch` command)."""
    assert cli("plan", "--out", "p.json").exit_code in (0, 2)
    applied = cli("apply", "p.json", "--auto-approve", "--out", "result.json")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    record = json.loads((workdir / "result.json").read_text(encoding="utf-8"))
    record["watch"] = {"rounds": 1}
    line = json.dumps(record)
    (workdir / "rounds.json").write_text(f"{line}\n{line}\n", encoding="utf-8")
    (workdir / "one.json").write_text(f"{line}\n", encoding="utf-8")
    lines = cli("show", "rounds.json")
    assert lines.exit_code == 1
    assert (
        "rounds.json is JSON Lines, each line a watch record (apply --watch --format json, "
        "apply --watch --out), not a plan" in lines.stderr
    )
    one = cli("show", "one.json")
    assert one.exit_code == 1
    assert "one.json is a watch record (apply --watch --format json" in one.stderr
