"""Q-BH-1: a drift check whose plan was made but exited 1 (refused as unsafe, or with
errors) still writes the drift issue from that plan, its caution and callouts at the top,
and fails the job; an issue titled "(no drift)" never stays open while the plan shows drift.
Only when no plan was made (a desired state that does not load) is the issue left alone.

drift.yml's steps as written (the plan job's run-step.sh, merge-shards.sh, and the drift
step's `run` with its `env:` filled in from the merge step's outputs), against the Chime
emulator (real boto3 over HTTP) and the fake GitHub API."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
import yaml
from unpaced_settings import unpaced

from reconciler.emulator import EmulatorServer, load_seed
from reconciler.gitops.bodies import DRIFT_MARKER, DRIFT_TITLE, EXPIRING_TITLE

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]
GITHUB_DIR = ROOT / ".github"
BIN = Path(sys.executable).parent
ACCOUNT = "11111111-2222-3333-4444-555555555555"
FAILED_PLAN = "Drift check failed: the plan has errors or was refused as unsafe"
JOBS = yaml.safe_load((GITHUB_DIR / "workflows" / "drift.yml").read_text())["jobs"]


def _fake_github_module() -> ModuleType:
    path = ROOT / "tests" / "unit" / "gitops" / "fake_github.py"
    spec = importlib.util.spec_from_file_location("drift_exit_1_fake_github", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


fake_github = _fake_github_module()


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(
        seed=load_seed(ROOT / "reconciler" / "demo" / "seed.yaml"), poll_interval=0.005
    ) as server:
        yield server


@pytest.fixture
def github() -> Iterator[Any]:
    server = fake_github.FakeGitHub().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The emulator's state once apply.yml's step has applied desired-state/ to the demo
    seed (run-step.sh, as ``DriftRun.apply``), made once a module: a test starts from it
    with ``DriftRun.applied`` (a reset, milliseconds) instead of an apply of its own (the
    same state, seconds). The tests change only their own emulator and files."""
    server = fake_github.FakeGitHub().start()
    try:
        with EmulatorServer(
            seed=load_seed(ROOT / "reconciler" / "demo" / "seed.yaml"), poll_interval=0.005
        ) as emulator:
            DriftRun(tmp_path_factory.mktemp("applied"), emulator, server).apply()
            return emulator.state()
    finally:
        server.stop()


def _step(job: str, name_part: str) -> dict[str, Any]:
    (step,) = [s for s in JOBS[job]["steps"] if name_part in s.get("name", "")]
    return dict(step)


class DriftRun:
    """One run of drift.yml: its plan jobs, the merge step and the drift step."""

    def __init__(self, tmp: Path, emulator: EmulatorServer, github: Any) -> None:
        self.tmp = tmp
        self.emulator = emulator
        self.out = tmp / "out"
        self.desired = tmp / "desired-state"
        shutil.copytree(ROOT / "desired-state", self.desired)
        unpaced(self.desired)
        self.github = github
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "INPUT_", "CHIME_RECONCILER", "AWS_"))
        }
        run_id = github.add_workflow_run("drift.yml", "in_progress", "2026-12-03T06:17:04Z")["id"]
        self.env.update(
            github.env,
            GITHUB_SERVER_URL="https://github.com",
            GITHUB_RUN_ID=str(run_id),
            GITHUB_STEP_SUMMARY=str(tmp / "summary.md"),
            CHIME_BIN=str(BIN / "chime-reconciler"),
            PYTHON=sys.executable,
            PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            OUT_DIR=str(self.out),
            INPUT_DESIRED=str(self.desired),
            INPUT_ENDPOINT_URL=emulator.url,
            AWS_REGION="us-east-1",
            AWS_ACCESS_KEY_ID="test",
            AWS_SECRET_ACCESS_KEY="test",
        )

    def _bash(self, script: str, env: dict[str, str]) -> tuple[int, dict[str, str], str]:
        outputs = self.tmp / "github_output"
        outputs.unlink(missing_ok=True)
        done = subprocess.run(
            ["bash", "-e", "-c", script], env={**env, "GITHUB_OUTPUT": str(outputs)},
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        written = outputs.read_text().splitlines() if outputs.exists() else []
        log = done.stdout + done.stderr
        return done.returncode, dict(line.split("=", 1) for line in written), log

    def apply(self) -> None:
        env = {**self.env, "INPUT_COMMAND": "apply", "INPUT_ARGS": "--auto-approve"}
        code, outputs, log = self._bash(".github/scripts/run-step.sh", env)
        assert (code, outputs.get("exit-code")) == (0, "0"), log

    def applied(self, state: dict[str, Any]) -> None:
        """Chime as ``apply`` leaves it: ``state``, the ``applied`` fixture's."""
        self.emulator.reset(state)

    def plans(self, count: int) -> list[dict[str, str]]:
        """The plan jobs' plan steps (their `env:` as drift.yml has it); each plan file is
        handed over as download-artifact lays it out."""
        step = _step("plan", "plan --shard")
        made = []
        shutil.rmtree(self.out / "shards", ignore_errors=True)
        for k in range(1, count + 1):
            env = {**self.env, **step["env"]}
            env["INPUT_VARIABLES"] = ""
            env["INPUT_ARGS"] = f"--shard {k}/{count}"
            code, outputs, log = self._bash(".github/scripts/run-step.sh", env)
            assert code == 0, log
            if outputs.get("plan-file"):
                shard = self.out / "shards" / f"chime-drift-shard-{k}"
                shard.mkdir(parents=True)
                shutil.copy(outputs["plan-file"], shard / "plan.json")
            made.append(outputs)
        return made

    def merge(self) -> dict[str, str]:
        code, outputs, log = self._bash(_step("drift", "Merge")["run"], self.env)
        assert code == 0, log
        return outputs

    def drift_step(self, merged: dict[str, str]) -> subprocess.CompletedProcess[str]:
        step = _step("drift", "drift issue")
        values = {
            "github.token": self.github.env["GITHUB_TOKEN"],
            **{f"steps.merge.outputs.{name}": value for name, value in merged.items()},
        }
        env = dict(self.env)
        for name, value in step["env"].items():
            env[name] = re.sub(r"\$\{\{ ([\w.-]+) \}\}", lambda m: values.get(m[1], ""), value)
        script = step["run"].replace("python ", f"{sys.executable} ", 1)
        return subprocess.run(
            ["bash", "-e", "-c", script],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    def check(self, shards: int = 1) -> subprocess.CompletedProcess[str]:
        self.plans(shards)
        return self.drift_step(self.merge())


def chime(emulator: EmulatorServer) -> Any:
    return boto3.client(
        "chime",
        endpoint_url=emulator.url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def bot_issue(github: Any, title: str) -> dict[str, Any]:
    return dict(github.add_issue(title, f"{DRIFT_MARKER}\nold report", ["drift"]))


def test_an_unsafe_drift_plan_updates_the_no_drift_issue_and_fails(
    tmp_path: Path, emulator: EmulatorServer, github: Any, applied: dict[str, Any]
) -> None:
    run = DriftRun(tmp_path, emulator, github)
    run.applied(applied)
    bot_issue(github, EXPIRING_TITLE)  # the check before: no drift, memberships end soon
    for user in ["carol", "erin", "frank", "grace", "heidi", "ivan", "mallory"]:
        chime(emulator).create_room_membership(
            AccountId=ACCOUNT, RoomId="room-incident-response", MemberId=f"user-{user}"
        )

    done = run.check(shards=2)

    assert done.returncode == 1
    issue = github.issues[1]
    assert (issue["title"], issue["state"]) == (DRIFT_TITLE, "open")
    assert len(github.issues) == 1
    body = issue["body"]
    assert body.startswith(f"{DRIFT_MARKER}\n> [!CAUTION]\n> The [scheduled plan](")
    assert "exited 1: it has errors or was refused as unsafe" in body
    assert "**Plan: 0 to add, 0 to change, 7 to remove.**" in body
    assert body.index("**This plan is refused by 1 safety rule**") < body.index(
        "mallory@example.com"
    )
    assert f"Drift issue updated: #1 {issue['html_url']}" in done.stdout
    assert done.stderr.startswith(
        "Error: the plan exited 1: it has errors or was refused as unsafe; the drift issue "
        "(#1) holds it"
    )


def test_a_plan_error_with_drift_opens_the_issue_listing_both(
    tmp_path: Path, emulator: EmulatorServer, github: Any, applied: dict[str, Any]
) -> None:
    run = DriftRun(tmp_path, emulator, github)
    run.applied(applied)
    chime(emulator).create_room_membership(
        AccountId=ACCOUNT,
        RoomId="room-incident-response",
        MemberId="user-mallory",
        Role="Administrator",
    )
    company = run.desired / "company.yaml"
    text = company.read_text()
    assert "members: [erin@example.com]" in text
    company.write_text(
        text.replace("members: [erin@example.com]", "members: [erin@example.com, left@example.com]")
    )

    done = run.check()

    assert done.returncode == 1
    (issue,) = github.issues.values()
    assert (issue["title"], issue["state"]) == (DRIFT_TITLE, "open")
    body = issue["body"]
    assert body.startswith(f"{DRIFT_MARKER}\n> [!CAUTION]\n")
    assert "left@example.com" in body
    assert "- mallory@example.com (Administrator)" in body
    assert body.index("left@example.com") < body.index("- mallory@example.com (Administrator)")


def test_a_plan_error_without_drift_never_leaves_a_no_drift_title(
    tmp_path: Path, emulator: EmulatorServer, github: Any, applied: dict[str, Any]
) -> None:
    run = DriftRun(tmp_path, emulator, github)
    run.applied(applied)
    bot_issue(github, EXPIRING_TITLE)
    # heidi and grace, added by hand to rooms without prune, leave: no drift is left
    left = [("web-releases", "heidi"), ("announcements", "grace"), ("watercooler", "grace")]
    for room, user in left:
        chime(emulator).delete_room_membership(
            AccountId=ACCOUNT, RoomId=f"room-{room}", MemberId=f"user-{user}"
        )
    company = run.desired / "company.yaml"
    company.write_text(
        company.read_text().replace(
            "members: [erin@example.com]", "members: [erin@example.com, left@example.com]"
        )
    )

    done = run.check()

    assert done.returncode == 1
    issue = github.issues[1]
    assert (issue["title"], issue["state"]) == (FAILED_PLAN, "open")
    assert "found no drift in what it could plan" in issue["body"]
    assert "left@example.com" in issue["body"]
    # this very check found no drift and left it open: it says what closes it (Q-HB-3)
    assert "closed by the first one that finds no drift and no error." in issue["body"]
    assert "closed by the first one that finds no drift." not in issue["body"]


def test_a_desired_state_that_does_not_load_leaves_the_issue_and_fails(
    tmp_path: Path, emulator: EmulatorServer, github: Any
) -> None:
    run = DriftRun(tmp_path, emulator, github)
    before = bot_issue(github, DRIFT_TITLE)
    (run.desired / "settings.yaml").write_text("account: [not, an, id]\nbogus: 1\n")

    done = run.check(shards=2)

    assert done.returncode == 1
    assert "drift is unknown and the drift issue is left as it is" in done.stderr
    assert github.issues[1] == before


@pytest.mark.parametrize("shards", [1, 2])
def test_with_drift_changes_only_a_plan_error_beside_undeclared_members_is_no_drift(
    tmp_path: Path, emulator: EmulatorServer, github: Any, applied: dict[str, Any], shards: int
) -> None:
    """Q-BR-1: with settings.yaml `drift: changes-only`, members no file declares are not
    drift, also when the plan exited 1 (the merged plan, or a single shard's, says so)."""
    run = DriftRun(tmp_path, emulator, github)
    run.applied(applied)
    settings = run.desired / "settings.yaml"
    settings.write_text(settings.read_text() + "drift: changes-only\n")
    chime(emulator).create_room_membership(
        AccountId=ACCOUNT, RoomId="room-announcements", MemberId="user-mallory", Role="Member"
    )
    company = run.desired / "company.yaml"
    company.write_text(
        company.read_text().replace(
            "members: [erin@example.com]", "members: [erin@example.com, left@example.com]"
        )
    )

    done = run.check(shards=shards)

    assert done.returncode == 1
    (issue,) = github.issues.values()
    assert (issue["title"], issue["state"]) == (FAILED_PLAN, "open")
    assert "found no drift in what it could plan" in issue["body"]
    assert "nothing else to change" not in issue["body"]


@pytest.mark.parametrize("shards", [1, 2])
def test_governance_errors_alone_are_no_unknown_drift(
    tmp_path: Path, emulator: EmulatorServer, github: Any, applied: dict[str, Any], shards: int
) -> None:
    """Q-FR-2: a plan whose only errors are governance errors (here settings.yaml
    `max_grant_days`) planned every target: the issue says it found no drift and that the
    desired state breaks its rules, never that drift is unknown; it stays open (apply
    refuses the desired state) until a check finds no drift and no error."""
    run = DriftRun(tmp_path, emulator, github)
    run.applied(applied)
    settings = run.desired / "settings.yaml"
    settings.write_text(
        settings.read_text() + "drift: changes-only\nmax_grant_days: {administrators: 30}\n"
    )
    bot_issue(github, DRIFT_TITLE)

    done = run.check(shards=shards)

    assert done.returncode == 1
    (issue,) = github.issues.values()
    title = "Drift check failed: desired-state breaks its governance rules"
    assert (issue["title"], issue["state"]) == (title, "open")
    body = issue["body"]
    assert "could not be planned" not in body and "unknown" not in body
    assert "exited 1: `desired-state/` breaks its governance rules" in body
    assert "planned every target and found no drift" in body
    assert "governance errors below: apply refuses this plan." in body
    assert "grants in administrators may last at most 30 days" in body


NEWROOM = "rooms:\n  newroom:\n    members: [nobody@example.com]\n"
UNKNOWN = "the targets its errors name could not be planned, so drift there is unknown"


def test_a_plan_error_beside_undeclared_members_says_drift_is_unknown_where_it_is(
    tmp_path: Path, emulator: EmulatorServer, github: Any, applied: dict[str, Any]
) -> None:
    """Q-GS-2: applied, so the only drift left is members no file declares (grace, heidi),
    and one target cannot be planned (a room Chime does not have): the issue never says
    "nothing else to change", but that drift is unknown in the targets the errors name."""
    run = DriftRun(tmp_path, emulator, github)
    run.applied(applied)
    (run.desired / "extra.yaml").write_text(NEWROOM)

    done = run.check(shards=2)

    assert done.returncode == 1
    (issue,) = github.issues.values()
    assert (issue["title"], issue["state"]) == (DRIFT_TITLE, "open")
    body = issue["body"]
    assert "nothing else to change." not in body
    assert (
        "found 2 members in Chime that no file in `desired-state/` declares, and nothing else "
        f"to change in what it could plan; {UNKNOWN}.\nFix the errors in a pull request. "
        "Running the apply workflow does not resolve the undeclared members:"
    ) in body
    assert f"no Chime room named 'newroom' in account {ACCOUNT}" in body


def test_governance_errors_beside_undeclared_members_say_fix_them_and_keep_the_issue_open(
    tmp_path: Path, emulator: EmulatorServer, github: Any, applied: dict[str, Any]
) -> None:
    """Q-GY-3: applied, so the only drift left is members no file declares (grace, heidi),
    and the desired state breaks a governance rule (settings.yaml `max_grant_days`): every
    target was planned, so there is nothing else to change in Chime, but apply refuses the
    plan. The issue said "and nothing else to change." unqualified, never said to fix the
    errors, and promised to close at the first check finding no drift, which with the
    error left still fails. It now says to fix them, and closes at no drift and no error."""
    run = DriftRun(tmp_path, emulator, github)
    run.applied(applied)
    settings = run.desired / "settings.yaml"
    settings.write_text(settings.read_text() + "max_grant_days: {administrators: 30}\n")

    done = run.check(shards=2)

    assert done.returncode == 1
    (issue,) = github.issues.values()
    assert (issue["title"], issue["state"]) == (DRIFT_TITLE, "open")
    body = issue["body"]
    assert "nothing else to change." not in body
    assert "unknown" not in body  # every target was planned
    assert (
        "found 2 members in Chime that no file in `desired-state/` declares, and nothing else "
        "to change in Chime, but `desired-state/` breaks its governance rules (the caution "
        "above).\nFix the errors in a pull request: apply refuses this plan until then. "
        "Running the apply workflow does not resolve the undeclared members:"
    ) in body
    assert "closed by the first one that finds no drift and no error." in body
    assert "closed by the first one that finds no drift." not in body
    assert "grants in administrators may last at most 30 days" in body


def test_a_plan_error_beside_changes_says_drift_is_unknown_and_apply_refuses(
    tmp_path: Path, emulator: EmulatorServer, github: Any
) -> None:
    """Q-GS-2: the demo seed as it is (changes to make) and a room Chime does not have:
    the issue says drift is unknown there, and that apply refuses the plan until the errors
    are fixed, not only "run the apply workflow to restore the desired state"."""
    run = DriftRun(tmp_path, emulator, github)
    (run.desired / "extra.yaml").write_text(NEWROOM)

    done = run.check()

    assert done.returncode == 1
    (issue,) = github.issues.values()
    assert (issue["title"], issue["state"]) == (DRIFT_TITLE, "open")
    assert (
        "found live Chime memberships that differ from `desired-state/` in what it could "
        f"plan; {UNKNOWN}.\nApply refuses this plan until the errors are fixed in a pull "
        "request; then either change the desired state in a pull request to accept the live "
        "state, or run the apply workflow to restore the desired state."
    ) in issue["body"]


def test_a_plan_error_beside_a_safety_refusal_says_apply_refuses_until_both_are_resolved(
    tmp_path: Path, emulator: EmulatorServer, github: Any
) -> None:
    """Q-GX-1: the demo seed as it is (4 removals), `max_removals: 1` and a room Chime does
    not have: fixing the error leaves the safety refusal, so the issue never says that
    apply can restore the desired state once the errors are fixed."""
    run = DriftRun(tmp_path, emulator, github)
    settings = run.desired / "settings.yaml"
    text = settings.read_text()
    assert "max_removals: 10 " in text
    settings.write_text(text.replace("max_removals: 10 ", "max_removals: 1 "))
    (run.desired / "extra.yaml").write_text(NEWROOM)

    done = run.check(shards=2)

    assert done.returncode == 1
    (issue,) = github.issues.values()
    assert (issue["title"], issue["state"]) == (DRIFT_TITLE, "open")
    body = issue["body"]
    assert (
        "found live Chime memberships that differ from `desired-state/` in what it could "
        f"plan; {UNKNOWN}.\nApply refuses this plan until the errors are fixed in a pull "
        "request and its safety refusal (the callouts below) is resolved; then either change "
        "the desired state in a pull request to accept the live state, or run the apply "
        "workflow to restore the desired state."
    ) in body
    assert "**This plan is refused by 1 safety rule**" in body
    assert f"no Chime room named 'newroom' in account {ACCOUNT}" in body


def test_undeclared_members_beside_errors_that_cut_the_plan_are_still_named(
    tmp_path: Path, emulator: EmulatorServer, github: Any, applied: dict[str, Any]
) -> None:
    """Q-GX-2: applied (the only drift: grace and heidi, whom no file declares) and 460
    rooms Chime does not have: the Markdown is cut at 60,000 characters (its errors), its
    drift note kept (QA-LF Q-LF-11: it was cut before it); the issue still says that 2
    members no file declares are the drift, which apply does not resolve, never "run the
    apply workflow to restore the desired state"."""
    run = DriftRun(tmp_path, emulator, github)
    run.applied(applied)
    rooms = "".join(
        f"  missing-room-with-a-fairly-long-name-{n:04}:\n    members: [nobody@example.com]\n"
        for n in range(1, 461)
    )
    (run.desired / "extra.yaml").write_text(f"rooms:\n{rooms}")

    done = run.check()

    assert done.returncode == 1
    (issue,) = github.issues.values()
    assert (issue["title"], issue["state"]) == (DRIFT_TITLE, "open")
    body = issue["body"]
    assert "> Truncated to stay under 60,000 characters:" in body
    assert (
        "found 2 members in Chime that no file in `desired-state/` declares, and nothing "
        f"else to change in what it could plan; {UNKNOWN}.\nFix the errors in a pull request. "
        "Running the apply workflow does not resolve the undeclared members:"
    ) in body
    assert "Resolve it as the warning below says: declare them" in body
    assert "> **Not in the desired state:** 2 members in 2 rooms.\n" in body
    assert "restore the desired state" not in body
