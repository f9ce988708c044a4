"""Q-GY-4: drift.yml checked out the branch its run was on (the default branch, on its
schedule), whatever branch apply.yml applies. With deploy/README's recipe for applying
`production`, the daily check planned the default branch's desired state against a
Chime that apply keeps at production's, and reported every difference between the two
branches as drift. Every checkout of drift.yml now takes its `BRANCH`, the rule of
apply.yml's head check for a Run workflow or a schedule, and the recipe writes the
applied branch there too. The workflows are read as GitHub runs them: their `${{ }}`
expressions filled in from the event (workflow_expression.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from workflow_expression import expression

ROOT = Path(__file__).parents[3]
WORKFLOWS = ROOT / ".github" / "workflows"
CHECKOUT = "actions/checkout@"


def value(text: str, context: dict[str, str]) -> str:
    """A workflow value as GitHub fills it in: `${{ expression }}` or a literal."""
    m = re.fullmatch(r"\$\{\{ (.+?) \}\}", text)
    return expression(m[1], context) if m else text


def applied_branch(apply_yml: str, event: dict[str, str]) -> str:
    """The branch apply.yml's head check compares with (what a run applies)."""
    (job,) = yaml.safe_load(apply_yml)["jobs"].values()
    (step,) = [s for s in job["steps"] if s.get("run") == ".github/scripts/require-branch-head.sh"]
    return value(step["env"]["BRANCH"], event)


def drift_checkouts(drift_yml: str, event: dict[str, str]) -> dict[str, str]:
    """Each drift.yml job's checkout: the ref it checks out. actions/checkout without
    `ref:` checks out the run's own ref (github.ref_name)."""
    data: dict[str, Any] = yaml.safe_load(drift_yml)
    context = dict(event)
    for name, text in data.get("env", {}).items():
        context[f"env.{name}"] = value(str(text), event)
    refs = {}
    for job_name, job in data["jobs"].items():
        for step in job["steps"]:
            if step.get("uses", "").startswith(CHECKOUT):
                ref = step.get("with", {}).get("ref")
                refs[job_name] = value(ref, context) if ref else event["github.ref_name"]
    return refs


EVENTS = {
    "schedule": {"github.event_name": "schedule", "github.ref_name": "main"},
    "schedule, default branch master": {
        "github.event_name": "schedule",
        "github.ref_name": "master",
    },
    "Run workflow on main": {
        "github.event_name": "workflow_dispatch",
        "github.ref_name": "main",
        "github.event.repository.default_branch": "main",
    },
    "Run workflow on another branch": {
        "github.event_name": "workflow_dispatch",
        "github.ref_name": "release",
        "github.event.repository.default_branch": "main",
    },
}


@pytest.mark.parametrize("event", EVENTS.values(), ids=EVENTS.keys())
def test_every_drift_checkout_takes_the_branch_apply_applies(event: dict[str, str]) -> None:
    apply_yml = (WORKFLOWS / "apply.yml").read_text()
    drift_yml = (WORKFLOWS / "drift.yml").read_text()

    refs = drift_checkouts(drift_yml, event)

    assert set(refs) == {"apply-check", "plan", "drift"}
    branch = applied_branch(apply_yml, {**event, "github.event_name": "workflow_dispatch"})
    assert set(refs.values()) == {branch}, refs


def recipe_blocks() -> list[str]:
    """deploy/README's YAML snippets for a repository that applies another branch."""
    text = (ROOT / "deploy" / "README.md").read_text()
    recipe = text[text.index("If you apply another branch than the default one") :]
    return re.findall(r"```yaml\n(.*?)```", recipe, re.S)


def with_recipe(workflow: str, blocks: list[str]) -> str:
    """The workflow with each snippet's `BRANCH:` line written in place of its own
    `BRANCH:` line of the same indentation (a snippet for another file matches none)."""
    for block in blocks:
        for line in block.splitlines():
            indent = line[: len(line) - len(line.lstrip())]
            workflow = re.sub(
                rf"^{indent}BRANCH: .*$", lambda _m, line=line: line, workflow, flags=re.M
            )
    return workflow


@pytest.mark.parametrize(
    "event",
    [
        {"github.event_name": "schedule", "github.ref_name": "main"},
        {
            "github.event_name": "workflow_dispatch",
            "github.ref_name": "main",
            "github.event.repository.default_branch": "main",
        },
        {
            "github.event_name": "workflow_dispatch",
            "github.ref_name": "production",
            "github.event.repository.default_branch": "main",
        },
    ],
    ids=["schedule", "Run workflow on main", "Run workflow on production"],
)
def test_deploy_readme_recipe_for_production_makes_drift_check_production(
    event: dict[str, str],
) -> None:
    blocks = recipe_blocks()
    apply_yml = with_recipe((WORKFLOWS / "apply.yml").read_text(), blocks)
    drift_yml = with_recipe((WORKFLOWS / "drift.yml").read_text(), blocks)

    refs = drift_checkouts(drift_yml, event)

    assert set(refs.values()) == {"production"}, refs
    # and a Run workflow on production (the only branch its environment lets through)
    # applies production: the branch drift checks is the branch apply applies
    dispatched = {
        **event,
        "github.event_name": "workflow_dispatch",
        "github.ref_name": "production",
    }
    assert applied_branch(apply_yml, dispatched) == "production"
