"""The IAM policies and the workflows keep the promises deploy/README.md makes: the roles
allow exactly the Chime operations the tool calls (the read-only role only the reads),
trust is narrowed to the right subjects, applies never overlap or get cancelled, every
third-party action is pinned."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from reconciler.cli.codeowners import CANDIDATES

ROOT = Path(__file__).parents[3]
IAM = ROOT / "deploy" / "iam"
WORKFLOWS = ROOT / ".github" / "workflows"

READ = {
    "chime:GetMeeting",
    "chime:ListAttendees",
    "chime:ListAccounts",
    "chime:ListBots",
    "chime:ListRoomMemberships",
    "chime:ListRooms",
    "chime:ListUsers",
    # Chime SDK messaging and identity (channels): chime: actions too
    "chime:DescribeAppInstanceUser",
    "chime:DescribeChannel",
    "chime:DescribeChannelMembership",
    "chime:ListAppInstanceBots",
    "chime:ListAppInstanceUsers",
    "chime:ListChannelBans",
    "chime:ListChannelMemberships",
    "chime:ListChannelMembershipsForAppInstanceUser",
    "chime:ListChannelModerators",
    "chime:ListChannels",
    "chime:ListChannelsModeratedByAppInstanceUser",
}
WRITE = {
    "chime:BatchCreateAttendee",
    "chime:DeleteAttendee",
    "chime:GetAttendee",
    "chime:GetRoom",
    "chime:UpdateAttendeeCapabilities",
    "chime:BatchCreateRoomMembership",
    "chime:DeleteRoomMembership",
    "chime:UpdateRoomMembership",
    "chime:BatchCreateChannelMembership",
    "chime:CreateChannelModerator",
    "chime:DeleteChannelMembership",
    "chime:DeleteChannelModerator",
}
SUB = "token.actions.githubusercontent.com:sub"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((IAM / name).read_text())
    return data


def allowed(policy: dict[str, Any]) -> set[str]:
    assert {s["Effect"] for s in policy["Statement"]} == {"Allow"}
    return {a for s in policy["Statement"] for a in s["Action"]}


def workflow(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return data


def test_plan_role_may_only_read() -> None:
    assert allowed(load("plan-role-policy.json")) == READ


def test_apply_role_may_read_and_change_memberships_only() -> None:
    assert allowed(load("apply-role-policy.json")) == READ | WRITE


def test_policies_allow_exactly_the_operations_the_tool_calls() -> None:
    """Least privilege: every `self.client.<method>` call of the package (ChimeApi and
    MeetingsApi call boto3 so) and every operation MessagingApi names (it calls boto3 by
    operation name) maps to one policy action (Chime SDK meetings', messaging's and
    identity's actions are `chime:` actions too), and no action goes unused."""
    to_operation = {
        **boto3.client("chime", region_name="us-east-1").meta.method_to_api_mapping,
        **boto3.client("chime-sdk-meetings", region_name="us-east-1").meta.method_to_api_mapping,
    }
    called = {
        f"chime:{to_operation[method]}"
        for source in (ROOT / "reconciler").rglob("*.py")
        if "emulator" not in source.parts
        for method in re.findall(r"\bself\.client\.(\w+)", source.read_text())
    }
    messaging = (ROOT / "reconciler" / "providers" / "messaging_api.py").read_text()
    named = re.findall(
        r"self\._(?:call_as|pages|listing_pages|page_by_page)\(\s*\"(\w+)\"", messaging
    )
    assert len(named) >= 10  # the pattern still finds MessagingApi's calls
    called |= {f"chime:{operation}" for operation in named}
    assert called == READ | WRITE


def test_every_policy_action_is_a_chime_api_operation() -> None:
    operations = {
        name
        for service in ("chime", "chime-sdk-meetings", "chime-sdk-messaging", "chime-sdk-identity")
        for name in boto3.client(
            service, region_name="us-east-1"
        ).meta.service_model.operation_names
    }
    for action in READ | WRITE:
        assert action.removeprefix("chime:") in operations, action


@pytest.mark.parametrize(
    ("name", "subjects"),
    [
        (
            "plan-role-trust.json",
            ["repo:OWNER/REPO:pull_request", "repo:OWNER/REPO:ref:refs/heads/main"],
        ),
        ("apply-role-trust.json", "repo:OWNER/REPO:environment:chime-production"),
    ],
)
def test_trust_is_github_oidc_for_sts_and_named_subjects(name: str, subjects: object) -> None:
    (statement,) = load(name)["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"]["Federated"].endswith(
        ":oidc-provider/token.actions.githubusercontent.com"
    )
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            SUB: subjects,
        }
    }


def test_apply_never_overlaps_nor_cancels_and_runs_in_the_environment() -> None:
    apply = workflow("apply.yml")
    assert apply["concurrency"] == {"group": "chime-apply", "cancel-in-progress": False}
    job = apply["jobs"]["apply"]
    assert job["environment"] == "chime-production"
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    assert apply[True]["push"]["branches"] == ["main"]  # PyYAML reads `on:` as True


def test_apply_s_optional_schedule_is_a_valid_trigger_once_uncommented() -> None:
    # Q-CY-2: an `until:` ends access only when an apply runs; the README tells how to
    # apply on a schedule: uncomment these lines, the push and dispatch triggers kept
    text = (WORKFLOWS / "apply.yml").read_text()
    uncommented = re.sub(r"^  # (schedule:|  - cron: )", r"  \1", text, flags=re.M)
    assert uncommented != text
    on = yaml.safe_load(uncommented)[True]  # PyYAML reads `on:` as True
    (schedule,) = on["schedule"]
    assert re.fullmatch(r"\d+ \* \* \* \*", schedule["cron"])  # hourly
    assert on["push"]["branches"] == ["main"] and "workflow_dispatch" in on
    assert "schedule" not in workflow("apply.yml")[True]  # off unless uncommented
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("#### Expiring grants end when apply runs\n") :]
    shown = section.split("```yaml\n")[1].split("```")[0]  # the lines README shows
    assert shown in uncommented


def test_a_drift_check_never_queues_in_apply_s_concurrency_group() -> None:
    # Q-R-9: GitHub keeps one pending run per group and a newly queued run cancels it: a
    # check queued behind a running apply would cancel the apply waiting there, and that
    # merge would never be applied. The check skips itself during an apply instead
    # (test_gitops_apply_check.py).
    apply_group = workflow("apply.yml")["concurrency"]["group"]
    drift = workflow("drift.yml")
    assert drift["concurrency"] == {"group": "chime-drift", "cancel-in-progress": False}
    for job in drift["jobs"].values():
        assert apply_group not in str(job.get("concurrency", ""))


@pytest.mark.parametrize("name", ["plan.yml", "apply.yml", "drift.yml"])
def test_workflows_start_with_no_permissions_and_never_persist_credentials(name: str) -> None:
    data = workflow(name)
    assert data["permissions"] == {}
    for job in data["jobs"].values():
        assert "permissions" in job
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_every_third_party_action_is_pinned_to_a_commit() -> None:
    files = [*WORKFLOWS.glob("*.yml"), ROOT / "action.yml"]
    uses = [
        match
        for f in files
        for match in re.findall(r"^\s*(?:-\s+)?uses:\s*(\S+.*)$", f.read_text(), re.M)
    ]
    assert uses
    for use in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", use), use


def test_pre_commit_hooks_run_validate_and_codeowners_once_when_desired_state_changes() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["chime-reconciler-validate", "chime-reconciler-codeowners"]
    assert [h["entry"] for h in hooks] == [
        "chime-reconciler validate",
        "chime-reconciler codeowners --exit-code",
    ]
    for hook in hooks:
        assert (hook["language"], hook["pass_filenames"]) == ("python", False)
        assert re.search(hook["files"], "desired-state/teams/sre.yaml")
        assert re.search(hook["files"], ".github/CODEOWNERS")  # validate checks it is current
        assert not re.search(hook["files"], "reconciler/planner.py")
        assert not re.search(hook["files"], "docs/CODEOWNERS.md")


def test_pr_plan_runs_on_every_file_validate_reads() -> None:
    """A PR that only edits CODEOWNERS (a rule below the generated block) is checked: the
    validate job fails on it, as apply.yml's validate step would after the merge (QA-FN
    Q-FN-5); the pre-commit hooks' files are the same ones."""
    paths = workflow("plan.yml")[True]["pull_request"]["paths"]  # `on:` is YAML's True
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert "desired-state/**" in paths
    for candidate in CANDIDATES:  # where GitHub (and validate) reads CODEOWNERS
        assert candidate in paths, candidate
        assert all(re.search(hook["files"], candidate) for hook in hooks), candidate


def test_apply_runs_on_a_push_that_only_repairs_codeowners() -> None:
    """apply.yml's validate step stops an apply on a stale CODEOWNERS; the pull request
    that repairs it touches only CODEOWNERS, and its merge must apply main (QA-FR Q-FR-4)."""
    paths = workflow("apply.yml")[True]["push"]["paths"]  # `on:` is YAML's True
    assert "desired-state/**" in paths
    for candidate in CANDIDATES:
        assert candidate in paths, candidate


def test_pr_plan_runs_after_validate_even_when_it_fails_so_the_comment_is_current() -> None:
    job = workflow("plan.yml")["jobs"]["plan"]
    assert job["needs"] == "validate"
    assert job["if"].split() == [
        "!cancelled()",
        "&&",
        "github.event.pull_request.head.repo.full_name",
        "==",
        "github.repository",
    ]


@pytest.mark.parametrize("name", ["plan.yml", "apply.yml", "drift.yml"])
def test_workflows_install_the_tool_with_the_tested_dependency_versions(name: str) -> None:
    runs = [s["run"] for job in workflow(name)["jobs"].values() for s in job["steps"] if "run" in s]
    installs = [r for r in runs if "pip install" in r]
    assert installs
    for run in installs:
        assert "-c constraints.txt" in run, run
