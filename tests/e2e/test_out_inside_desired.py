"""QA-HD Q-HD-5: an ``--out`` file the desired state would read (a ``*.yaml`` under
``--desired``) is refused before any work: ``plan --out desired-state/plan.yaml`` saved
the plan among the desired-state files, and every later command (the ``apply FILE`` it
printed too) failed with ``unknown key 'format_version'``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, SUBPROCESS_TIMEOUT, Cli, seed_doc

from reconciler.desired.files import would_read
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def refusal(out: Path, what: str = "the plan") -> str:
    return (
        f"Error: --out {out} is inside the desired state (desired-state), which reads every "
        f"*.yaml and *.yml file under it: save {what} elsewhere (or name it .json)"
    )


def test_plan_out_into_the_desired_state_is_refused_before_reading_chime(
    ops: Any, cli: Cli, workdir: Path, calls: Callable[[], dict[str, int]]
) -> None:
    (workdir / "desired-state" / "teams").mkdir()
    before = calls()
    for name in ("plan.yaml", "teams/plan.YML"):
        out = Path("desired-state") / name
        run = cli("plan", "--out", str(out))
        assert (run.exit_code, run.stderr.splitlines()) == (1, [refusal(out)])
        assert not (workdir / out).exists()
    assert calls() == before  # refused before any call
    assert cli("validate").exit_code == 0


def test_a_json_or_hidden_plan_in_the_desired_state_is_saved_and_applies(
    ops: Any, cli: Cli, workdir: Path
) -> None:
    for out in ("desired-state/plan.json", "desired-state/.plans/plan.yaml"):
        (workdir / out).parent.mkdir(exist_ok=True)
        assert cli("plan", "--out", out).exit_code == 0
    assert cli("apply", "--auto-approve", "desired-state/plan.json").exit_code == 0


def test_merge_plans_and_apply_results_into_the_desired_state_are_refused(
    ops: Any, cli: Cli, workdir: Path
) -> None:
    assert cli("plan", "--shard", "1/1", "--out", "shard-1.json").exit_code == 0
    out = Path("desired-state/merged.yaml")
    merged = cli("merge-plans", "shard-1.json", "--out", str(out))
    assert (merged.exit_code, merged.stderr.splitlines()) == (1, [refusal(out, "the merged plan")])
    out = Path("desired-state/result.yml")
    applied = cli("apply", "--auto-approve", "--out", str(out))
    assert (applied.exit_code, applied.stderr.splitlines()) == (1, [refusal(out, "the result")])
    assert not (workdir / out).exists()
    assert "Apply" not in applied.stdout  # nothing applied


def test_which_paths_the_desired_state_would_read(tmp_path: Path) -> None:
    desired = tmp_path / "d"
    (desired / "teams").mkdir(parents=True)
    (tmp_path / "link").symlink_to(desired / "teams")
    assert would_read(desired, desired / "plan.yaml")
    assert would_read(desired, desired / "teams" / "x.Yml")
    assert would_read(desired, tmp_path / "link" / "x.yaml")  # where it would land
    assert would_read(desired, desired / ".." / "d" / "x.yaml")
    assert not would_read(desired, desired / "plan.json")
    assert not would_read(desired, desired / ".hidden" / "x.yaml")
    assert not would_read(desired, tmp_path / "x.yaml")


def test_apply_of_a_saved_plan_refuses_a_result_inside_the_plans_desired_state(
    ops: Any, cli: Cli, workdir: Path, calls: Callable[[], dict[str, int]]
) -> None:
    # QA-HI Q-HI-1: the check ran against the default --desired, before apply took the
    # saved plan's; the result was saved among the files every later command reads
    (workdir / "desired-state").rename(workdir / "other")
    planned = cli.raw(
        "--endpoint-url", cli.endpoint_url, "--desired", "other", "plan", "--out", "p.json"
    )
    assert planned.exit_code == 0
    before = calls()
    out = Path("other/result.yaml")
    run = cli.raw(
        "--endpoint-url", cli.endpoint_url, "apply", "p.json", "--out", str(out), "--auto-approve"
    )
    assert run.exit_code == 1
    assert run.stderr.splitlines()[-1] == (
        f"Error: --out {out} is inside the desired state (other), which reads every "
        "*.yaml and *.yml file under it: save the result elsewhere (or name it .json)"
    )
    assert not (workdir / out).exists()
    assert "Apply" not in run.stdout
    assert calls() == before  # refused before any call


def test_merge_plans_refuses_the_recorded_desired_state_in_a_c_locale(
    emulator: EmulatorServer, workdir: Path
) -> None:
    """QA REREAD item 6: a shard's recorded `--desired` is text (`dépôt`), and in
    `LC_ALL=C PYTHONUTF8=0` it went to realpath as text: the UnicodeEncodeError was read
    as "not under it", and `merge-plans --out dépôt/merged.yaml` saved the merged plan
    among the desired-state files."""
    emulator.reset(seed_doc(users=("alice",), rooms={"ops": [("alice", "Administrator")]}))
    (workdir / "dépôt").mkdir()
    (workdir / "dépôt" / "settings.yaml").write_text(f"account: {ACCOUNT}\n", encoding="utf-8")
    (workdir / "dépôt" / "rooms.yaml").write_text(
        "rooms:\n  ops:\n    administrators: [alice@example.com]\n", encoding="utf-8"
    )
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHON"))}
    env = kept | {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "utf-8"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reconciler", "--endpoint-url", emulator.url, *args],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=SUBPROCESS_TIMEOUT,
            encoding="utf-8",
            errors="backslashreplace",
        )

    shard = run("--desired", "dépôt", "plan", "--shard", "1/1", "--out", "shard-1.json")
    assert shard.returncode == 0, shard.stderr
    merged = run("merge-plans", "shard-1.json", "--out", "dépôt/merged.yaml")
    assert merged.returncode == 1, merged.stderr
    assert "is inside the desired state" in merged.stderr, merged.stderr
    assert not (workdir / "dépôt" / "merged.yaml").exists()
    # QA REREAD item 12: the paths named as typed, not `d\udcc3\udca9p\udcc3\udcb4t`
    assert merged.stderr.startswith(
        f"Error: --out dépôt/merged.yaml is inside the desired state ({workdir}/dépôt), "
    ), merged.stderr
    planned = run("--desired", "dépôt", "plan", "--out", "dépôt/plan.yaml")
    assert planned.returncode == 1
    assert planned.stderr.startswith(
        "Error: --out dépôt/plan.yaml is inside the desired state (dépôt), "
    ), planned.stderr
