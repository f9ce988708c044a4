"""QA HE Q-HE-6: in a C locale without UTF-8 mode (``LC_ALL=C PYTHONUTF8=0``) Python holds
every non-ASCII file name as surrogate escapes, and the loader, judging the name by that
string, refused a desired-state file ``équipe.yaml`` (valid UTF-8) as "not valid UTF-8:
rename it", failing validate, plan and apply for the whole state. Now a name is judged by
its bytes, and is the text ``ls`` shows from then on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ACCOUNT, SUBPROCESS_TIMEOUT, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def run(
    emulator: EmulatorServer, cwd: Path, *args: str, c_locale: bool = True
) -> subprocess.CompletedProcess[str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHON"))}
    env = kept | ({"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"} if c_locale else {})
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "reconciler",
            "--endpoint-url",
            emulator.url,
            "--desired",
            "ds",
            *args,
        ],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=SUBPROCESS_TIMEOUT,
        encoding="utf-8",
        errors="backslashreplace",
    )


@pytest.fixture
def team(emulator: EmulatorServer, workdir: Path) -> EmulatorServer:
    emulator.reset(seed_doc(users=("alice", "bob"), rooms={"ops": [("alice", "Administrator")]}))
    (workdir / "ds").mkdir()
    (workdir / "ds" / "settings.yaml").write_text(f"account: {ACCOUNT}\n", encoding="utf-8")
    (workdir / "ds" / "équipe.yaml").write_text(
        "rooms:\n  ops:\n    administrators: [alice@example.com]\n    members: [bob@example.com]\n",
        encoding="utf-8",
    )
    return emulator


def test_validate_reads_a_file_named_in_utf8(team: EmulatorServer, workdir: Path) -> None:
    done = run(team, workdir, "-v", "validate")
    assert done.returncode == 0, done.stderr
    assert "not valid UTF-8" not in done.stdout + done.stderr


def test_a_plan_saved_in_a_c_locale_names_the_file_and_applies_in_any(
    team: EmulatorServer, workdir: Path
) -> None:
    saved = run(team, workdir, "plan", "--out", "p.json")
    assert saved.returncode == 0, saved.stderr
    plan = json.loads((workdir / "p.json").read_text(encoding="utf-8"))
    changes = [c for t in plan["targets"] for c in t["changes"]]
    assert [p["declared_at"] for c in changes for p in c["provenance"]] == ["ds/équipe.yaml:4"]
    # the files' digest is the same whatever the locale: a UTF-8 one takes the plan
    applied = run(team, workdir, "apply", "p.json", "--auto-approve", c_locale=False)
    assert applied.returncode == 0, applied.stderr
    room = team.state()["accounts"][0]["rooms"][0]
    assert "uid-bob" in {m["member"] for m in room["memberships"]}
