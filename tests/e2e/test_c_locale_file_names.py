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
from typing import Any

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


def test_owners_in_a_file_named_in_utf8(team: EmulatorServer, workdir: Path) -> None:
    """QA REREAD item 1: since Q-HE-6 a location is text, and codeowners opened it as a
    path: validate, plan and codeowners were an Internal error for `owners:` in équipe.yaml.
    Now they say what a UTF-8 locale says, write the file's rule, and pass once staged."""
    (workdir / "ds" / "équipe.yaml").write_text(
        'rooms:\n  ops:\n    owners: ["@org/sre"]\n    administrators: [alice@example.com]\n',
        encoding="utf-8",
    )
    subprocess.run(["git", "init", "-q", str(workdir)], check=True)
    c_said = run(team, workdir, "validate")
    utf8_said = run(team, workdir, "validate", c_locale=False)
    assert "Internal error" not in c_said.stderr, c_said.stderr
    assert c_said.returncode == utf8_said.returncode == 1
    assert c_said.stdout + c_said.stderr == utf8_said.stdout + utf8_said.stderr
    assert "git add 'ds/équipe.yaml'" in c_said.stdout + c_said.stderr
    wrote = run(team, workdir, "codeowners")
    assert wrote.returncode == 0, wrote.stderr
    codeowners = (workdir / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert "/ds/équipe.yaml @org/sre" in codeowners
    subprocess.run(["git", "-C", str(workdir), "add", "-A"], check=True)
    assert run(team, workdir, "validate").returncode == 0
    assert run(team, workdir, "codeowners", "--check").returncode == 0


def test_import_force_refreshes_a_folder_named_in_utf8(
    team: EmulatorServer, workdir: Path, chime: Any
) -> None:
    """QA REREAD item 1: import compared the loader's text locations with its OS-form
    `--out` paths, so in a C locale `import --out dépôt --force` took its own file for
    another's, left the room as it was, and never wrote what Chime has now."""
    (workdir / "ds").rename(workdir / "dépôt")
    (workdir / "dépôt" / "équipe.yaml").unlink()
    first = run(team, workdir, "--desired", "dépôt", "import", "--out", "dépôt")
    assert first.returncode == 0, first.stderr
    ops = workdir / "dépôt" / "rooms" / "ops.yaml"
    assert "bob@example.com" not in ops.read_text(encoding="utf-8")
    room = team.state()["accounts"][0]["rooms"][0]["id"]
    chime.create_room_membership(AccountId=ACCOUNT, RoomId=room, MemberId="uid-bob")
    again = run(team, workdir, "--desired", "dépôt", "import", "--out", "dépôt", "--force")
    assert again.returncode == 0, again.stderr
    assert "bob@example.com" in ops.read_text(encoding="utf-8"), again.stdout + again.stderr
    assert sorted(p.name for p in ops.parent.iterdir()) == ["ops.yaml"]


def test_a_link_out_of_a_folder_named_in_utf8_is_named_as_typed(
    team: EmulatorServer, workdir: Path
) -> None:
    """QA REREAD item 12: the error named the folder in the system's form, which in a C
    locale is `d\\udcc3\\udca9p\\udcc3\\udcb4t`, not what ls shows."""
    (workdir / "ds").rename(workdir / "dépôt")
    (workdir / "outside.yaml").write_text("rooms: {}\n", encoding="utf-8")
    (workdir / "dépôt" / "link.yaml").symlink_to(workdir / "outside.yaml")
    done = run(team, workdir, "--desired", "dépôt", "validate")
    assert done.returncode == 1
    said = done.stdout + done.stderr
    assert "a symbolic link that leads out of dépôt (not followed)" in said, said
