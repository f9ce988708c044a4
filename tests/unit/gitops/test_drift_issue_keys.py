"""QA-FN Q-FN-4: two desired states checked for drift in one repository (staging and
production, keyed with the composite action's ``comment-key`` as their PR comments are)
each keep a drift issue of their own: a clean production check never closes staging's
issue, and neither overwrites the other's report. The key is read from the plan's first
line (``plan_keys.key_of``), or given with ``--key``. Unkeyed plans keep the one plain
issue, as before keys existed. ``python -m reconciler.gitops drift`` as a process against
the fake GitHub API."""

from __future__ import annotations

from pathlib import Path

from fake_github import FakeGitHub
from test_gitops_cli import run

from reconciler.gitops.bodies import DRIFT_MARKER, DRIFT_TITLE, PLAN_MARKER
from reconciler.gitops.plan_keys import plan_marker

DRIFT = "### Chime membership plan\n\n**Plan: 0 to add, 0 to change, 1 to remove.**\n"
CLEAN = "### Chime membership plan\n\n**No changes.**\n"


def plan(tmp_path: Path, name: str, key: str | None, text: str) -> str:
    path = tmp_path / f"{name}.md"
    path.write_text(f"{plan_marker(key)}\n{text}")
    return str(path)


def drift(fake: FakeGitHub, tmp_path: Path, code: int, body: str, *args: str) -> str:
    done = run(fake, tmp_path, "drift", "--exit-code", str(code), "--body-file", body, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_clean_check_of_one_key_leaves_the_other_key_s_issue_open(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    staging = plan(tmp_path, "staging", "staging", DRIFT + "- carol (staging)\n")
    production = plan(tmp_path, "production", "production", CLEAN)
    assert drift(fake, tmp_path, 2, staging).startswith("Drift issue opened: #1")
    assert drift(fake, tmp_path, 0, production) == (
        "No drift and no open drift issue: nothing to do.\n"
    )
    issue = fake.issues[1]
    assert issue["state"] == "open"
    assert issue["title"] == f"[staging] {DRIFT_TITLE}"
    assert issue["body"].startswith("<!-- chime-reconciler-drift key=staging -->\n")
    assert "### Chime membership plan: `staging`" in issue["body"]
    # production drifts too: its own issue; staging's report stays as it was
    production = plan(tmp_path, "production", "production", DRIFT + "- dave (production)\n")
    assert drift(fake, tmp_path, 2, production).startswith("Drift issue opened: #2")
    assert "dave (production)" not in fake.issues[1]["body"]
    assert "carol (staging)" not in fake.issues[2]["body"]
    assert fake.issues[2]["title"] == f"[production] {DRIFT_TITLE}"
    # staging clean again: only its issue closes
    staging = plan(tmp_path, "staging", "staging", CLEAN)
    assert drift(fake, tmp_path, 0, staging).startswith("Drift issue closed: #1")
    assert (fake.issues[1]["state"], fake.issues[2]["state"]) == ("closed", "open")


def test_an_unkeyed_check_keeps_the_plain_issue_and_leaves_keyed_ones_alone(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    old = fake.add_issue(DRIFT_TITLE, f"{DRIFT_MARKER}\nold report", labels=["drift"])["number"]
    keyed = plan(tmp_path, "staging", "staging", DRIFT)
    assert drift(fake, tmp_path, 2, keyed).startswith("Drift issue opened: #2")
    unkeyed = plan(tmp_path, "plain", None, DRIFT + "- erin\n")
    assert drift(fake, tmp_path, 2, unkeyed).startswith(f"Drift issue updated: #{old}")
    assert fake.issues[old]["body"].startswith(f"{DRIFT_MARKER}\n")
    assert fake.issues[old]["body"].count(PLAN_MARKER) == 0
    assert drift(fake, tmp_path, 0, plan(tmp_path, "plain", None, CLEAN)).startswith(
        f"Drift issue closed: #{old}"
    )
    assert fake.issues[2]["state"] == "open"


def test_key_option_names_the_issue_of_an_unkeyed_plan(fake: FakeGitHub, tmp_path: Path) -> None:
    body = plan(tmp_path, "plain", None, DRIFT)
    assert drift(fake, tmp_path, 2, body, "--key", "production").startswith("Drift issue opened")
    assert fake.issues[1]["title"] == f"[production] {DRIFT_TITLE}"
    done = run(fake, tmp_path, "drift", "--exit-code", "2", "--body-file", body, "--key", "a b")
    assert done.returncode == 1 and "--key: a plan key is" in done.stderr


def legacy_body(key: str, report: str) -> str:
    """A keyed check's drift issue as the version before keyed drift issues wrote it: the
    plain marker, the header, then the plan with its keyed marker line (only the plain
    plan marker was stripped)."""
    return (
        f"{DRIFT_MARKER}\nThe scheduled plan found live Chime memberships that differ.\n\n"
        f"{plan_marker(key)}\n{DRIFT}{report}"
    )


def test_a_keyed_check_takes_over_its_issue_from_before_keys(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    """QA-FR Q-FR-3: after the upgrade, a check keyed `staging` updates and closes the
    issue it wrote before (plain marker, its plan's keyed marker in the body), rather than
    opening a second one and leaving the old one open for ever; another key's old issue and
    an unkeyed check leave it alone."""
    old = fake.add_issue(DRIFT_TITLE, legacy_body("staging", "- carol\n"), labels=["drift"])
    other = fake.add_issue(DRIFT_TITLE, legacy_body("production", "- dave\n"), labels=["drift"])
    unkeyed = plan(tmp_path, "plain", None, CLEAN)
    assert drift(fake, tmp_path, 0, unkeyed) == "No drift and no open drift issue: nothing to do.\n"
    staging = plan(tmp_path, "staging", "staging", DRIFT + "- erin\n")
    assert drift(fake, tmp_path, 2, staging).startswith(f"Drift issue updated: #{old['number']}")
    body = fake.issues[old["number"]]["body"]
    assert body.startswith("<!-- chime-reconciler-drift key=staging -->\n") and "- erin" in body
    assert len(fake.issues) == 2
    assert drift(fake, tmp_path, 0, plan(tmp_path, "staging", "staging", CLEAN)).startswith(
        f"Drift issue closed: #{old['number']}"
    )
    assert fake.issues[other["number"]]["state"] == "open"
    assert "- dave" in fake.issues[other["number"]]["body"]
