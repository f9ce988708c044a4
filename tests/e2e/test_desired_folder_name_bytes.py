"""QA HE Q-HE-2: a --desired folder whose path is not UTF-8 text went into every place a
saved plan records (``declared_at``, ``origin.desired``) as lone surrogates, which the
plan reader refuses: ``plan --out`` said "Apply exactly this plan with:" and a command
naming a folder that does not exist, then ``show`` and ``apply`` refused the file. Now:
a folder whose name is UTF-8 is recorded as the text it is (also in a C locale without
UTF-8 mode, where Python holds it as lone surrogates), and one whose name is not UTF-8
is refused up front, as the loader refuses such a file name."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ACCOUNT, SUBPROCESS_TIMEOUT, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

SETTINGS = f"account: {ACCOUNT}\n"
ROOMS = "rooms:\n  ops:\n    administrators: [alice@example.com]\n    members: [bob@example.com]\n"


def run(
    emulator: EmulatorServer, cwd: Path, *args: str | bytes, c_locale: bool = False
) -> subprocess.CompletedProcess[str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHON"))}
    env = kept | ({"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"} if c_locale else {})
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "reconciler", "--endpoint-url", emulator.url, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=SUBPROCESS_TIMEOUT,
        encoding="utf-8",
        errors="backslashreplace",
    )


def desired_in(folder: bytes) -> bytes:
    os.makedirs(folder)
    for name, text in (("settings.yaml", SETTINGS), ("rooms.yaml", ROOMS)):
        with open(os.path.join(folder, name.encode()), "w", encoding="utf-8") as f:
            f.write(text)
    return folder


@pytest.fixture
def ops(emulator: EmulatorServer, workdir: Path) -> EmulatorServer:
    emulator.reset(seed_doc(users=("alice", "bob"), rooms={"ops": [("alice", "Administrator")]}))
    return emulator


@pytest.mark.parametrize("c_locale", [False, True], ids=["utf-8-locale", "c-locale"])
def test_a_plan_saved_from_a_folder_named_in_utf8_is_applied(
    ops: EmulatorServer, workdir: Path, c_locale: bool
) -> None:
    desired = desired_in(os.fsencode(workdir) + "/dépôt".encode())
    saved = run(ops, workdir, "--desired", desired, "plan", "--out", "p.json", c_locale=c_locale)
    assert saved.returncode == 0, saved.stderr
    typed = shlex.quote(f"{workdir}/dépôt")
    assert f"--desired {typed} " in saved.stderr  # the command to copy, as typed
    plan = json.loads((workdir / "p.json").read_text(encoding="utf-8"))
    assert plan["origin"]["desired"] == f"{workdir}/dépôt"
    declared = [
        p["declared_at"]
        for t in plan["targets"]
        for c in t["changes"]
        for p in c.get("provenance", [])
    ]
    assert declared == [f"{workdir}/dépôt/rooms.yaml:4"]
    shown = run(ops, workdir, "show", "p.json", c_locale=c_locale)
    assert shown.returncode == 0, shown.stderr
    applied = run(ops, workdir, "apply", "p.json", "--auto-approve", c_locale=c_locale)
    assert applied.returncode == 0, applied.stderr
    assert "uid-bob" in {m["member"] for m in ops.state()["accounts"][0]["rooms"][0]["memberships"]}


def test_a_folder_whose_name_is_not_utf8_is_refused_up_front(
    ops: EmulatorServer, workdir: Path
) -> None:
    desired = desired_in(os.fsencode(workdir) + b"/caf\xe9")
    done = run(ops, workdir, "--desired", desired, "plan", "--out", "p.json")
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"--desired {workdir}/caf\\xe9: the path of this folder is not valid UTF-8 text, so a "
        "plan could not record where its files are: rename the folder whose name is not UTF-8"
    )
    assert "Apply exactly this plan" not in done.stderr


def test_a_plan_saved_through_dev_stdout_names_its_file_as_typed(
    ops: EmulatorServer, workdir: Path
) -> None:
    """QA REREAD item 3: `plan --out /dev/stdout > dé.json` in a C locale named the file
    behind stdout as the system gave it, lone surrogates and all: `apply
    'd\\udcc3\\udca9.json'`, a file that does not exist. Now the command to copy names
    dé.json, and runs as pasted."""
    (workdir / "ds").mkdir()
    (workdir / "ds" / "settings.yaml").write_text(SETTINGS, encoding="utf-8")
    (workdir / "ds" / "rooms.yaml").write_text(ROOMS, encoding="utf-8")
    words = ["--desired", "ds", "plan", "--out", "/dev/stdout"]
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHON"))}
    env = kept | {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "utf-8"}
    with open(workdir / "dé.json", "wb") as out:
        saved = subprocess.run(
            [sys.executable, "-m", "reconciler", "--endpoint-url", ops.url, *words],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.PIPE,
            timeout=SUBPROCESS_TIMEOUT,
            encoding="utf-8",
            errors="backslashreplace",
        )
    assert saved.returncode == 0, saved.stderr
    assert "/dev/stdout (dé.json)" in saved.stderr, saved.stderr
    command = shlex.split(saved.stderr.strip().splitlines()[-1])
    assert command[-2:] == ["apply", "dé.json"], saved.stderr
    applied = run(ops, workdir, *command[1:], "--auto-approve", c_locale=True)
    assert applied.returncode == 0, applied.stderr
    assert "uid-bob" in {m["member"] for m in ops.state()["accounts"][0]["rooms"][0]["memberships"]}
