"""A saved plan written by chime-reconciler before format version 2 (the ``ops`` scenario,
``plan --out`` with the code of commit 3a6f3b3) still loads, shows and applies."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

V1_PLAN = Path(__file__).parent.parent / "fixtures" / "plans" / "ops-v1.json"
OPS_APPLIED = "Apply complete! Memberships: 3 added, 1 changed, 1 removed."


def test_version_1_plan_file_applies_exactly_as_planned(
    ops: Any, cli: Any, members: Any, workdir: Path
) -> None:
    shutil.copy(V1_PLAN, workdir / "v1.json")
    run = cli("apply", "v1.json")
    assert (run.exit_code, run.lines) == (0, [*ops.plan, "", OPS_APPLIED])
    assert members("releases") == {
        "uid-dave": "Administrator",
        "uid-erin": "Member",
        "uid-frank": "Member",
    }
    assert cli("plan", "--detailed-exitcode").exit_code == ops.converged_exit


def test_version_1_plan_file_shows_as_it_did(ops: Any, cli: Any, workdir: Path) -> None:
    shutil.copy(V1_PLAN, workdir / "v1.json")
    run = cli("show", "v1.json")
    assert (run.exit_code, run.lines) == (0, ops.plan)
