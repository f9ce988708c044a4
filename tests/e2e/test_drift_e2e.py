"""The steps of drift.yml (and of plan.yml), run as the workflows run them, against the
Chime emulator (real boto3 over HTTP) and a fake GitHub API: `.github/scripts/run-step.sh`
with INPUT_COMMAND=plan (the real chime-reconciler), then `python -m reconciler.gitops
drift` (or `pr-comment`).

Drift found (exit 2) opens the issue with the Markdown plan; once applied (exit 0) the
issue is closed; drift made behind the tool's back (a membership deleted through the API)
opens a new one naming the change. A pull request whose desired state does not validate
gets the errors in its plan comment."""

from __future__ import annotations

import importlib.util
import json
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
from reconciler.render.markdown import md_escape

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]
STEP = ROOT / ".github" / "scripts" / "run-step.sh"
BIN = Path(sys.executable).parent
ACCOUNT = "11111111-2222-3333-4444-555555555555"
PLAN_JOB = yaml.safe_load((ROOT / ".github" / "workflows" / "plan.yml").read_text())["jobs"]["plan"]
COMMENT_STEP = "Post or update the plan comment"
HEAD_SHA = "0123456789abcdef0123456789abcdef01234567"


def _fake_github_module() -> ModuleType:
    path = ROOT / "tests" / "unit" / "gitops" / "fake_github.py"
    spec = importlib.util.spec_from_file_location("drift_e2e_fake_github", path)
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


class Workflow:
    """The steps of drift.yml (and apply.yml's apply step), with the runner's variables."""

    def __init__(self, tmp: Path, emulator: EmulatorServer, github: Any) -> None:
        self.tmp = tmp
        self.desired = tmp / "desired-state"
        shutil.copytree(ROOT / "desired-state", self.desired)
        unpaced(self.desired)
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "INPUT_", "CHIME_RECONCILER", "AWS_"))
        }
        self.env.update(
            github.env,
            GITHUB_SERVER_URL="https://github.com",
            GITHUB_RUN_ID="1001",
            CHIME_BIN=str(BIN / "chime-reconciler"),
            PYTHON=sys.executable,
            OUT_DIR=str(tmp / "out"),
            INPUT_DESIRED=str(self.desired),
            INPUT_ENDPOINT_URL=emulator.url,
            AWS_REGION="us-east-1",
        )

    def step(self, command: str, **inputs: str) -> dict[str, str]:
        """run-step.sh; returns what it wrote to $GITHUB_OUTPUT."""
        outputs = self.tmp / "github_output"
        outputs.unlink(missing_ok=True)
        env = {
            **self.env,
            "INPUT_COMMAND": command,
            "GITHUB_OUTPUT": str(outputs),
            "GITHUB_STEP_SUMMARY": str(self.tmp / "summary.md"),
            **inputs,
        }
        done = subprocess.run(
            ["bash", str(STEP)], env=env, cwd=self.tmp, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        self.last = done
        return dict(line.split("=", 1) for line in outputs.read_text().splitlines())

    def pr_comment_step(self, plan: dict[str, str], pr: int) -> subprocess.CompletedProcess[str]:
        """plan.yml's comment step: its `run` with its `env:` filled in from ``plan`` (the
        plan step's outputs) and the pull request."""
        (step,) = [s for s in PLAN_JOB["steps"] if s.get("name") == COMMENT_STEP]
        values = {
            "github.token": self.env["GITHUB_TOKEN"],
            "github.event.pull_request.number": str(pr),
            "github.event.pull_request.head.sha": HEAD_SHA,
            **{f"steps.plan.outputs.{name}": value for name, value in plan.items()},
        }
        env = {**self.env, "PATH": f"{BIN}{os.pathsep}{self.env.get('PATH', '')}"}
        for name, value in step["env"].items():
            env[name] = re.sub(r"\$\{\{ ([\w.-]+) \}\}", lambda m: values.get(m[1], ""), value)
        return subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            env=env, cwd=self.tmp, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    def drift_step(self, plan: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reconciler.gitops", "drift", "--exit-code",
             plan["exit-code"], "--body-file", plan["plan-markdown"]],
            env=self.env, cwd=self.tmp, capture_output=True, text=True, timeout=60,
        )  # fmt: skip


def test_drift_opens_the_issue_apply_closes_it_new_drift_reopens(
    tmp_path: Path, emulator: EmulatorServer, github: Any
) -> None:
    workflow = Workflow(tmp_path, emulator, github)

    # 1. The live rooms differ from desired-state/: plan exits 2, the issue is opened.
    plan = workflow.step("plan", INPUT_FAIL="false")
    assert plan["exit-code"] == "2"
    drift = workflow.drift_step(plan)
    assert (drift.returncode, drift.stderr) == (0, "")
    issue = github.issues[1]
    assert drift.stdout == f"Drift issue opened: #1 {issue['html_url']}\n"
    assert [label["name"] for label in issue["labels"]] == ["drift"]
    assert "**Plan: 7 to add, 3 to change, 3 to remove.**" in issue["body"]
    assert "- mallory@example.com (Member)" in issue["body"]

    # 2. apply.yml's step makes Chime match the files; heidi and grace, added by hand to
    # rooms without prune, are still drift: the issue stays open and names them.
    assert workflow.step("apply", INPUT_ARGS="--auto-approve")["exit-code"] == "0"
    plan = workflow.step("plan", INPUT_FAIL="false")
    assert plan["exit-code"] == "2"
    drift = workflow.drift_step(plan)
    assert (drift.returncode, drift.stdout) == (0, f"Drift issue updated: #1 {issue['html_url']}\n")
    body = github.issues[1]["body"]
    assert "**No changes, but Chime has 2 members the desired state does not declare.**" in body
    assert "> **Not in the desired state:** 2 members in 2 rooms." in body
    assert "  not in the desired state: heidi@example.com (Member)" in body
    # Q-R-8: apply changed nothing for them; the issue says so, and what does resolve it
    assert "restore the desired state" not in body
    assert "Running the apply workflow does not resolve this" in body
    assert workflow.step("apply", INPUT_ARGS="--auto-approve")["exit-code"] == "0"
    assert workflow.step("plan", INPUT_FAIL="false")["exit-code"] == "2"  # still drift

    # `import --adopt` writes them into the files (for a pull request that accepts them);
    # the next drift check closes the issue.
    web = workflow.desired / "teams" / "web" / "web.yaml"
    company = workflow.desired / "company.yaml"
    assert workflow.step("import", INPUT_ARGS="--adopt")["exit-code"] == "0"
    assert 'members: ["@web", "bot:PagerBot", heidi@example.com]' in web.read_text()
    assert 'members: ["@everyone", grace@example.com]' in company.read_text()
    plan = workflow.step("plan", INPUT_FAIL="false")
    assert plan["exit-code"] == "0"
    drift = workflow.drift_step(plan)
    assert (drift.returncode, drift.stdout) == (0, f"Drift issue closed: #1 {issue['html_url']}\n")
    assert github.issues[1]["state"] == "closed"
    assert github.comments[1][0]["body"] == (
        "No drift: the latest [drift check]"
        "(https://github.com/octo-org/chime-config/actions/runs/1001) found no changes "
        "(`No changes.`). Closing."
    )

    # 3. Someone removes alice from incident-response in Chime: drift again, a new issue.
    chime = boto3.client(
        "chime",
        endpoint_url=emulator.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    rooms = chime.list_rooms(AccountId=ACCOUNT)["Rooms"]
    room_id = next(r["RoomId"] for r in rooms if r["Name"] == "incident-response")
    chime.delete_room_membership(AccountId=ACCOUNT, RoomId=room_id, MemberId="user-alice")

    plan = workflow.step("plan", INPUT_FAIL="false")
    assert plan["exit-code"] == "2"
    drift = workflow.drift_step(plan)
    assert drift.returncode == 0
    assert [(i["number"], i["state"]) for i in github.issues.values()] == [
        (1, "closed"),
        (2, "open"),
    ]
    body = github.issues[2]["body"]
    assert "**Plan: 1 to add, 0 to change, 0 to remove.**" in body
    assert "+ alice@example.com (Administrator)" in body
    assert "run the apply workflow to restore the desired state" in body  # apply does

    # 4. Apply again (issue 2 closes), then someone makes ivan an administrator of
    # web-releases by hand, out of band: no change to make, but drift all the same.
    assert workflow.step("apply", INPUT_ARGS="--auto-approve")["exit-code"] == "0"
    assert workflow.drift_step(workflow.step("plan", INPUT_FAIL="false")).returncode == 0
    assert github.issues[2]["state"] == "closed"
    web_id = next(r["RoomId"] for r in rooms if r["Name"] == "web-releases")
    chime.create_room_membership(
        AccountId=ACCOUNT, RoomId=web_id, MemberId="user-ivan", Role="Administrator"
    )
    plan = workflow.step("plan", INPUT_FAIL="false")
    assert plan["exit-code"] == "2"
    assert workflow.drift_step(plan).returncode == 0
    assert [i["state"] for i in github.issues.values()] == ["closed", "closed", "open"]
    body = github.issues[3]["body"]
    assert "> **Not in the desired state:** 1 administrator in 1 room." in body
    assert "  not in the desired state: ivan@example.com (Administrator)" in body
    assert "**No changes, but Chime has 1 member the desired state does not declare.**" in body
    assert "Running the apply workflow does not resolve this" in body

    # 5. settings.yaml `drift: changes-only`: members no file declares are not drift.
    settings = workflow.desired / "settings.yaml"
    settings.write_text(settings.read_text() + "drift: changes-only\n")
    plan = workflow.step("plan", INPUT_FAIL="false")
    assert plan["exit-code"] == "0"
    assert workflow.drift_step(plan).returncode == 0
    assert github.issues[3]["state"] == "closed"


def test_a_failed_plan_fails_the_drift_job_and_leaves_the_issue(
    tmp_path: Path, emulator: EmulatorServer, github: Any
) -> None:
    workflow = Workflow(tmp_path, emulator, github)
    (workflow.desired / "settings.yaml").write_text("account: [not, an, id]\nbogus: 1\n")

    plan = workflow.step("plan", INPUT_FAIL="false")
    drift = workflow.drift_step(plan)

    assert plan["exit-code"] == "1"
    assert drift.returncode == 1
    assert drift.stderr.startswith("Error: the plan exited 1 (error, or an unsafe plan)")
    assert github.requests == []


def test_pr_plan_of_an_invalid_desired_state_comments_the_errors_and_fails(
    tmp_path: Path, emulator: EmulatorServer, github: Any
) -> None:
    """plan.yml's plan and comment steps on a pull request whose desired state does not
    validate: the PR comment (updated in place) says why, instead of keeping the last plan."""
    workflow = Workflow(tmp_path, emulator, github)
    github.add_issue("Add bob", "", pull_request=True)
    plan = workflow.step("plan", INPUT_FAIL="false")
    assert plan["exit-code"] == "2"
    comment = workflow.pr_comment_step(plan, 1)
    assert comment.returncode == 0
    assert "**Plan: 7 to add, 3 to change, 3 to remove.**" in github.comments[1][0]["body"]
    run = "https://github.com/octo-org/chime-config/actions/runs/1001"
    assert github.comments[1][0]["body"].endswith(
        f"<sub>saved plan: artifact `chime-plan-pr1` of [this run]({run}) · commit "
        f"`{HEAD_SHA[:12]}`</sub>\n"
    )  # the name plan.yml uploads it under
    (upload,) = [s for s in PLAN_JOB["steps"] if s.get("name") == "Upload the saved plan"]
    assert upload["with"]["name"] == "chime-plan-pr${{ github.event.pull_request.number }}"

    sre = workflow.desired / "teams" / "sre" / "sre.yaml"
    sre.write_text(sre.read_text().replace("administrators:", "administrator:"))
    plan = workflow.step("plan", INPUT_FAIL="false")
    comment = workflow.pr_comment_step(plan, 1)

    assert (plan["exit-code"], comment.returncode) == ("1", 0)
    assert "plan-file" not in plan
    (only,) = github.comments[1]
    error = (
        f"{sre}:10: rooms.incident-response: unknown key 'administrator' "
        "(did you mean 'administrators'?)"
    )
    assert only["body"].startswith(
        "<!-- chime-reconciler-plan -->\n> [!CAUTION]\n"
        "> `chime-reconciler plan` exited 1: the plan failed or was refused as unsafe."
    )
    assert (
        "**Error:** `chime-reconciler plan` exited 1 before it could make a plan:\n\n"
        f"```text\n{error}\nDesired state is invalid: 1 error.\n```\n"
    ) in only["body"]
    assert "Plan: 4 to add" not in only["body"]
    # Q-R-4: nothing was saved, so nothing was uploaded: the footer names no artifact
    assert "artifact" not in only["body"]
    assert only["body"].endswith(
        f"<sub>no saved plan; [this run]({run}) · commit `{HEAD_SHA[:12]}`</sub>\n"
    )


def test_a_plan_error_is_an_annotation_on_its_line_and_the_comment_says_apply_refuses(
    tmp_path: Path, emulator: EmulatorServer, github: Any
) -> None:
    """An error found while planning (an e-mail Chime does not know), not only one of
    loading, becomes an annotation on the line that declared it; the PR comment shows it as
    an error that stops apply, not as a part left out of a plan that goes ahead."""
    workflow = Workflow(tmp_path, emulator, github)
    github.add_issue("Add nobody", "", pull_request=True)
    company = workflow.desired / "company.yaml"
    text = company.read_text()
    members = "    members: [erin@example.com]"
    company.write_text(text.replace(members, "    members: [erin@example.com, nobody@example.com]"))
    line = text[: text.index(members)].count("\n") + 1
    plan = workflow.step("plan", INPUT_FAIL="false")
    assert plan["exit-code"] == "1"
    error = f"no Chime user with e-mail nobody@example.com in account {ACCOUNT}"
    assert f"::error file={company},line={line}::{error}" in workflow.last.stdout.splitlines()

    assert workflow.pr_comment_step(plan, 1).returncode == 0
    (only,) = github.comments[1]
    assert only["body"].startswith(
        "<!-- chime-reconciler-plan -->\n> [!CAUTION]\n"
        "> `chime-reconciler plan` exited 1: the plan failed or was refused as unsafe. "
        "Details are below.\n"
    )
    assert (
        "**Plan: 7 to add, 3 to change, 3 to remove, but 1 error below: apply refuses this "
        "plan.**\n\n> [!CAUTION]\n> **1 error: apply changes nothing until it is fixed:**\n>\n"
        f"> - {md_escape(str(company))}:{line}: {error}\n"
    ) in only["body"]


@pytest.mark.parametrize("args", ["--auto-approve", "--auto-approve --quiet"])
def test_a_plan_error_stopping_apply_yml_is_an_annotation_on_its_line(
    tmp_path: Path, emulator: EmulatorServer, github: Any, args: str
) -> None:
    """Q-GS-1: apply.yml's apply step says a plan error (one only Chime reveals: a room
    name it does not have) as `Error: FILE:LINE: message` (in the text plan on stdout, or
    on stderr with --quiet); it is an annotation on that line, once, as in plan.yml."""
    workflow = Workflow(tmp_path, emulator, github)
    extra = workflow.desired / "extra.yaml"
    extra.write_text("rooms:\n  newroom:\n    members: [nobody@example.com]\n")
    apply = workflow.step(
        "apply", INPUT_ARGS=args, INPUT_FAIL="false", GITHUB_WORKSPACE=str(tmp_path)
    )
    assert apply["exit-code"] == "1"
    annotations = [line for line in workflow.last.stdout.splitlines() if line.startswith("::error")]
    assert annotations == [
        "::error file=desired-state/extra.yaml,line=2::"
        f"no Chime room named 'newroom' in account {ACCOUNT}"
        ": ListRooms lists none of that name (names are matched exactly, case included)",
        "::error::chime-reconciler apply exited 1",
    ]


MERGE = ROOT / ".github" / "scripts" / "merge-shards.sh"


def run_shards(workflow: Workflow, count: int, skip: int | None = None) -> None:
    """drift.yml's matrix: one plan job per shard, each plan.json downloaded into its own
    directory under OUT_DIR/shards (as download-artifact does); shard ``skip`` failed."""
    shards = workflow.tmp / "out" / "shards"
    for k in range(1, count + 1):
        plan = workflow.step("plan", INPUT_FAIL="false", INPUT_ARGS=f"--shard {k}/{count}")
        assert plan["exit-code"] in ("0", "2"), plan
        if k != skip:
            (shards / f"chime-drift-shard-{k}").mkdir(parents=True, exist_ok=True)
            shutil.copy(plan["plan-file"], shards / f"chime-drift-shard-{k}" / "plan.json")


def merge_step(workflow: Workflow) -> dict[str, str]:
    outputs = workflow.tmp / "github_output"
    outputs.unlink(missing_ok=True)
    env = {**workflow.env, "GITHUB_OUTPUT": str(outputs)}
    done = subprocess.run(
        ["bash", str(MERGE)], env=env, cwd=workflow.tmp, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    workflow.last = done
    return dict(line.split("=", 1) for line in outputs.read_text().splitlines())


def test_a_sharded_drift_check_reports_one_issue_with_the_whole_plan_and_none_with_a_missing_shard(
    tmp_path: Path, emulator: EmulatorServer, github: Any
) -> None:
    """One run of the 3 shards' plan steps, merged twice: first with shard 2's plan not
    downloaded (its job failed), then with all three."""
    workflow = Workflow(tmp_path, emulator, github)
    whole = workflow.step("plan", INPUT_FAIL="false")
    expected = Path(whole["plan-markdown"]).read_text()
    run_shards(workflow, 3)
    shard_2 = workflow.tmp / "out" / "shards" / "chime-drift-shard-2"
    shard_2.rename(workflow.tmp / "shard-2-aside")

    # shard 2 missing: the merge fails and the issue is left alone
    merged = merge_step(workflow)
    assert merged["exit-code"] == "1"
    assert "shard 2/3 is missing" in Path(merged["plan-markdown"]).read_text()
    drift = workflow.drift_step(merged)
    assert drift.returncode == 1
    assert github.issues == {}

    # all three: one issue with the whole plan
    (workflow.tmp / "shard-2-aside").rename(shard_2)
    merged = merge_step(workflow)
    assert merged["exit-code"] == "2"
    assert Path(merged["plan-markdown"]).read_text() == expected
    drift = workflow.drift_step(merged)
    assert drift.returncode == 0, drift.stderr
    (issue,) = github.issues.values()
    assert "**Plan: 7 to add, 3 to change, 3 to remove.**" in issue["body"]


def test_a_meeting_id_from_the_repository_variable_plans_and_applies_in_the_workflow(
    tmp_path: Path, emulator: EmulatorServer, github: Any
) -> None:
    # QA D12: meeting_id: ${INCIDENT_MEETING_ID}, the README's form, made every workflow
    # plan and apply fail (the workflows set no such variable). CHIME_RECONCILER_VARIABLES,
    # as the workflows pass it to run-step.sh, gives the id.
    meeting_id = "6f1c2a9e-0000-4000-8000-000000000001"
    seed = load_seed(ROOT / "reconciler" / "demo" / "seed.yaml")
    emulator.reset({**seed, "meetings": [{"id": meeting_id, "external_meeting_id": "inc"}]})
    workflow = Workflow(tmp_path, emulator, github)
    (workflow.desired / "bridge.yaml").write_text(
        "meetings:\n  bridge:\n    meeting_id: ${INCIDENT_MEETING_ID}\n"
        "    attendees: {alice@example.com: presenter}\n"
    )
    variables = f"# meeting ids\nINCIDENT_MEETING_ID={meeting_id}\n"

    unset = workflow.step("plan", INPUT_FAIL="false")
    unset_markdown = Path(unset["plan-markdown"]).read_text()
    planned = workflow.step("plan", INPUT_FAIL="false", INPUT_VARIABLES=variables)
    markdown = Path(planned["plan-markdown"]).read_text()
    applied = workflow.step("apply", INPUT_ARGS="--auto-approve", INPUT_VARIABLES=variables)

    assert unset["exit-code"] == "1"
    assert (
        "bridge.yaml:2: meeting bridge: meeting\\_id ${INCIDENT\\_MEETING\\_ID} names the"
        " environment variable INCIDENT\\_MEETING\\_ID, which is not set"
    ) in unset_markdown
    assert planned["exit-code"] == "2"
    assert "meeting bridge" in markdown and "alice@example.com" in markdown
    assert applied["exit-code"] == "0"
    assert set(emulator.meetings.attendees_of(meeting_id)) == {"alice@example.com"}


SHOWN = "the whole plan (chime-reconciler show):\n"


def test_a_cut_markdown_plan_leaves_the_whole_plan_in_the_job_log(
    tmp_path: Path, github: Any
) -> None:
    """Q-R-5: a Markdown plan over 60,000 characters is cut with a note pointing at the job
    log; the plan step's log (and the drift job's merge step's) then holds the whole plan."""
    users = [{"id": f"user-{i}", "email": f"u{i:03d}@example.com"} for i in range(500)]
    rooms = [{"id": f"room-{r}", "name": f"room{r}", "memberships": []} for r in range(6)]
    seed = tmp_path / "seed.json"
    seed.write_text(
        json.dumps({"accounts": [{"id": ACCOUNT, "name": "X", "users": users, "rooms": rooms}]})
    )
    desired = tmp_path / "desired"
    desired.mkdir()
    (desired / "settings.yaml").write_text(f"account: {ACCOUNT}\n")
    everyone = "".join(f"    - u{i:03d}@example.com\n" for i in range(500))
    room_lines = "".join(f"  room{r}:\n    members: ['@all']\n" for r in range(6))
    (desired / "rooms.yaml").write_text(f"groups:\n  all:\n{everyone}rooms:\n{room_lines}")
    with EmulatorServer(seed=load_seed(seed)) as emulator:
        workflow = Workflow(tmp_path, emulator, github)
        workflow.env["INPUT_DESIRED"] = str(desired)

        plan = workflow.step("plan", INPUT_FAIL="false")
        markdown = Path(plan["plan-markdown"]).read_text()
        assert "> Truncated to stay under 60,000 characters: " in markdown
        assert "(or see the job log) for the whole plan." in markdown
        assert markdown.count("+ u499@example.com (Member)") < 6  # cut
        log = workflow.last.stdout
        assert log.startswith(markdown)
        assert log.split(SHOWN)[1].count("+ u499@example.com (Member)") == 6  # whole

        run_shards(workflow, 2)
        merged = merge_step(workflow)
        assert "> Truncated to stay under" in Path(merged["plan-markdown"]).read_text()
        assert workflow.last.stdout.split(SHOWN)[1].count("+ u499@example.com (Member)") == 6
