"""The drift issue after a scheduled plan: exit 2 opens or updates it, exit 0 closes it,
anything else touches nothing and fails."""

from __future__ import annotations

import pytest
from fake_github import NAME, OWNER, FakeGitHub

from reconciler.gitops.bodies import DRIFT_MARKER, DRIFT_TITLE, EXPIRING_TITLE, PLAN_MARKER
from reconciler.gitops.drift import DriftOutcome, IssueRef, PlanFailedError, sync_drift_issue
from reconciler.gitops.github import GitHub

REPO = f"/repos/{OWNER}/{NAME}"
LIST_OPEN_DRIFT = (
    f"GET {REPO}/issues?direction=asc&labels=drift&per_page=100&sort=created&state=open"
)
RUN = "https://github.com/octo-org/chime-config/actions/runs/77"
DRIFT_PLAN = (
    f"{PLAN_MARKER}\n## chime-reconciler plan\n\n"
    "**room incident-response**\n```diff\n- carol@example.com (Member)\n```\n\n"
    "Plan: 0 to add, 0 to change, 1 to destroy.\n"
)
MORE_DRIFT_PLAN = DRIFT_PLAN.replace("1 to destroy", "2 to destroy")

DRIFT_BODY = (
    f"{DRIFT_MARKER}\n"
    f"The [scheduled plan]({RUN}) found live Chime memberships that differ from "
    "`desired-state/`.\n"
    "Either change the desired state in a pull request to accept the live state, or run the "
    "apply workflow to restore the desired state. This issue is updated by every drift check "
    "and closed by the first one that finds no drift.\n\n"
    "## chime-reconciler plan\n\n"
    "**room incident-response**\n```diff\n- carol@example.com (Member)\n```\n\n"
    "Plan: 0 to add, 0 to change, 1 to destroy.\n"
)


def test_drift_opens_a_labelled_issue_with_the_plan(fake: FakeGitHub, github: GitHub) -> None:
    outcome = sync_drift_issue(github, 2, DRIFT_PLAN, run_url=RUN)

    assert [r.line for r in fake.requests] == [LIST_OPEN_DRIFT, f"POST {REPO}/issues"]
    assert fake.requests[1].body == {"title": DRIFT_TITLE, "body": DRIFT_BODY, "labels": ["drift"]}
    issue = fake.issues[1]
    assert outcome == DriftOutcome("opened", (IssueRef(1, issue["html_url"]),))
    assert str(outcome) == f"Drift issue opened: #1 {issue['html_url']}"
    assert [label["name"] for label in issue["labels"]] == ["drift"]


def test_persisting_drift_updates_the_open_issue(fake: FakeGitHub, github: GitHub) -> None:
    sync_drift_issue(github, 2, DRIFT_PLAN, run_url=RUN)

    outcome = sync_drift_issue(github, 2, MORE_DRIFT_PLAN, run_url=RUN)

    assert outcome.action == "updated"
    assert len(fake.issues) == 1
    assert fake.issues[1]["body"] == DRIFT_BODY.replace("1 to destroy", "2 to destroy")
    assert [r.line for r in fake.requests][-2:] == [LIST_OPEN_DRIFT, f"PATCH {REPO}/issues/1"]
    assert fake.requests[-1].body == {"body": fake.issues[1]["body"]}


def test_same_drift_again_writes_nothing(fake: FakeGitHub, github: GitHub) -> None:
    sync_drift_issue(github, 2, DRIFT_PLAN, run_url=RUN)

    outcome = sync_drift_issue(github, 2, DRIFT_PLAN, run_url=RUN)

    assert outcome.action == "unchanged"
    assert [r.method for r in fake.requests] == ["GET", "POST", "GET"]


def test_no_drift_closes_the_open_issue_with_a_comment(fake: FakeGitHub, github: GitHub) -> None:
    sync_drift_issue(github, 2, DRIFT_PLAN, run_url=RUN)

    outcome = sync_drift_issue(github, 0, run_url=RUN)

    assert [r.line for r in fake.requests][2:] == [
        LIST_OPEN_DRIFT,
        f"POST {REPO}/issues/1/comments",
        f"PATCH {REPO}/issues/1",
    ]
    assert fake.comments[1][0]["body"] == (
        f"No drift: the latest [drift check]({RUN}) found no changes (`No changes.`). Closing."
    )
    assert fake.requests[-1].body == {"state": "closed", "state_reason": "completed"}
    assert fake.issues[1]["state"] == "closed"
    assert outcome.action == "closed"


def test_no_drift_and_no_issue_writes_nothing(fake: FakeGitHub, github: GitHub) -> None:
    outcome = sync_drift_issue(github, 0, run_url=RUN)

    assert outcome == DriftOutcome("none")
    assert str(outcome) == "No drift and no open drift issue: nothing to do."
    assert [r.line for r in fake.requests] == [LIST_OPEN_DRIFT]


def test_drift_after_the_issue_was_closed_opens_a_new_one(fake: FakeGitHub, github: GitHub) -> None:
    sync_drift_issue(github, 2, DRIFT_PLAN, run_url=RUN)
    sync_drift_issue(github, 0, run_url=RUN)

    outcome = sync_drift_issue(github, 2, DRIFT_PLAN, run_url=RUN)

    assert outcome.action == "opened"
    assert [(i["number"], i["state"]) for i in fake.issues.values()] == [(1, "closed"), (2, "open")]


def test_issues_people_labelled_drift_are_left_alone(fake: FakeGitHub, github: GitHub) -> None:
    human = fake.add_issue("Drift in the sre room?", "I think bob is missing", ["drift"])
    pull = fake.add_issue("Fix drift", f"{DRIFT_MARKER}\nquoted", ["drift"], pull_request=True)

    sync_drift_issue(github, 2, DRIFT_PLAN, run_url=RUN)
    sync_drift_issue(github, 0, run_url=RUN)

    assert fake.issues[human["number"]]["body"] == "I think bob is missing"
    assert fake.issues[human["number"]]["state"] == "open"
    assert fake.issues[pull["number"]]["state"] == "open"
    assert fake.comments[human["number"]] == [] and fake.comments[pull["number"]] == []
    assert fake.issues[3]["state"] == "closed"  # ours


def test_an_issue_a_person_wrote_under_the_marker_is_not_taken_for_ours(
    fake: FakeGitHub, github: GitHub
) -> None:
    # copied from the bot's issue, or labelled by an issue template: its author could edit
    # the report after it was written in, so it is neither updated nor closed
    copied = fake.add_issue(
        "Drift (copied)", f"{DRIFT_MARKER}\nfiled by hand", ["drift"], login="mallory"
    )

    opened = sync_drift_issue(github, 2, DRIFT_PLAN, run_url=RUN)
    closed = sync_drift_issue(github, 0, run_url=RUN)

    assert opened == DriftOutcome("opened", (IssueRef(2, fake.issues[2]["html_url"]),))
    assert fake.issues[2]["user"]["login"] == "github-actions[bot]"
    assert fake.issues[2]["body"] == DRIFT_BODY
    assert [i.number for i in closed.issues] == [2]
    mine = fake.issues[copied["number"]]
    assert (mine["body"], mine["state"]) == (f"{DRIFT_MARKER}\nfiled by hand", "open")
    assert fake.comments[copied["number"]] == []


def test_no_drift_closes_every_open_drift_issue(fake: FakeGitHub, github: GitHub) -> None:
    for _ in range(2):  # two runs raced before concurrency was set up
        fake.add_issue(DRIFT_TITLE, DRIFT_BODY, ["drift"])

    outcome = sync_drift_issue(github, 0, run_url=RUN)

    assert [i.number for i in outcome.issues] == [1, 2]
    assert {i["state"] for i in fake.issues.values()} == {"closed"}


@pytest.mark.parametrize("exit_code", [1, 3, 130])
def test_failed_plan_touches_no_issue(fake: FakeGitHub, github: GitHub, exit_code: int) -> None:
    fake.add_issue(DRIFT_TITLE, DRIFT_BODY, ["drift"])

    with pytest.raises(PlanFailedError) as raised:
        sync_drift_issue(github, exit_code, DRIFT_PLAN, run_url=RUN)

    assert str(raised.value) == (
        f"the plan exited {exit_code} (error, or an unsafe plan) and no plan made was given "
        "(--plan-file: none when the desired state does not load or a shard is missing): "
        "drift is unknown and the drift issue is left as it is; the error is in the log of "
        "the step or job that planned"
    )
    assert fake.requests == []


EXPIRING_PLAN = (
    f"{PLAN_MARKER}\n### Chime membership plan\n\n**No changes. Chime memberships match the "
    "desired state.**\n\n<!-- chime-reconciler-expiring -->\n> [!NOTE]\n"
    "> **1 membership ends within 14 days:**\n>\n"
    "> - alice@example.com in room ops: Administrator until 2027-03-31 (11 days left), "
    "declared at desired-state/rooms.yaml:6\n"
)


def test_no_drift_but_memberships_ending_soon_opens_the_issue_listing_them(
    fake: FakeGitHub, github: GitHub
) -> None:
    outcome = sync_drift_issue(github, 0, EXPIRING_PLAN, run_url=RUN)

    assert outcome.action == "opened"
    assert fake.issues[1]["title"] == EXPIRING_TITLE == "Chime memberships end soon (no drift)"
    body = fake.issues[1]["body"]
    assert body.startswith(
        f"{DRIFT_MARKER}\nThe [scheduled plan]({RUN}) found no drift, but memberships listed "
        "below end soon (`until:` in `desired-state/`)."
    )
    assert "> - alice@example.com in room ops: Administrator until 2027-03-31" in body
    # the next check with nothing ending soon and no drift closes it
    assert sync_drift_issue(
        github, 0, DRIFT_PLAN.replace("1 to destroy", "0"), run_url=RUN
    ).action == ("closed")


def test_the_title_follows_the_report_when_drift_and_ending_soon_alternate(
    fake: FakeGitHub, github: GitHub
) -> None:
    sync_drift_issue(github, 0, EXPIRING_PLAN, run_url=RUN)

    assert sync_drift_issue(github, 2, DRIFT_PLAN, run_url=RUN).action == "updated"
    assert fake.issues[1]["title"] == DRIFT_TITLE
    assert fake.requests[-1].body == {"title": DRIFT_TITLE, "body": DRIFT_BODY}

    assert sync_drift_issue(github, 0, EXPIRING_PLAN, run_url=RUN).action == "updated"
    assert fake.issues[1]["title"] == EXPIRING_TITLE
    assert len(fake.issues) == 1
    # the same report again writes nothing, title included
    assert sync_drift_issue(github, 0, EXPIRING_PLAN, run_url=RUN).action == "unchanged"


KEPT_PLAN = (  # `drift: changes-only`: exit 0; the access expired but stays (no prune)
    f"{PLAN_MARKER}\n### Chime membership plan\n\n**No changes, but Chime has 1 member the "
    "desired state does not declare.**\n\n> [!NOTE]\n"
    "> **1 expired membership is still in Chime:**\n>\n"
    "> - grace@example.com in room watercooler: Member expired 2026-12-01, declared at "
    "ds/rooms.yaml:5; still a member: this room does not prune\n"
)


def test_an_expired_membership_still_in_chime_is_not_ending_soon(
    fake: FakeGitHub, github: GitHub
) -> None:
    # QA-FC Q-FC-5: not "Chime memberships end soon (no drift)", an issue that would stay
    # open for good: with no drift and nothing ending soon the drift issue closes
    sync_drift_issue(github, 0, EXPIRING_PLAN, run_url=RUN)
    assert sync_drift_issue(github, 0, KEPT_PLAN, run_url=RUN).action == "closed"
    assert fake.issues[1]["title"] == EXPIRING_TITLE  # as it was opened, now closed
    assert fake.issues[1]["state"] == "closed"
