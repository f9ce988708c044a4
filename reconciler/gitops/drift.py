"""The drift issue: what a scheduled ``plan --detailed-exitcode`` means for the repository.

- exit 2 (changes: drift): open an issue labelled ``drift`` with the Markdown plan, or
  update the open one;
- exit 0 (no changes) with memberships ending within the warning window (the plan's
  expiring callout): open or update the issue, listing them before they end;
- exit 0 (no changes) otherwise: close the open one, with a comment saying so;
- exit 1 with a plan made (it has errors, or was refused as unsafe): open or update the
  issue with that plan, a caution at its top (``report_failed_plan``); the caller then fails;
- anything else (1 without a plan: a desired state that does not load, a shard missing):
  drift is unknown; touch nothing and fail.

(Q-BH-1: an issue titled "(no drift)" must never stay open while the plan shows drift.)

Our issue is an open issue with the label whose body starts with the drift marker and that
a bot wrote; other issues carrying the label are left alone, as is an issue a person wrote
under the marker (a copy of ours, or one an issue template labelled): its author could edit
the report after it was written in (see ``authors``). Its title says which of the two
reports it holds (drift, or only memberships ending soon), and changes with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from reconciler.errors import ReconcilerError
from reconciler.gitops.authors import by_a_person
from reconciler.gitops.bodies import (
    DRIFT_TITLE,
    EXPIRING_TITLE,
    FAILED_PLAN_TITLE,
    GOVERNANCE_TITLE,
    drift_issue_body,
    drift_resolved_comment,
    expiring_issue_body,
    failed_plan_issue_body,
    is_drift_issue_of,
    keyed_title,
    lists_expiring,
)
from reconciler.gitops.github import GitHub, JsonObject
from reconciler.gitops.plan_facts import NO_PLAN, PlanFacts

DEFAULT_LABEL = "drift"
DriftAction = Literal["opened", "updated", "unchanged", "closed", "none"]


class PlanFailedError(ReconcilerError):
    """The plan exited with neither 0 nor 2 and made no plan: drift is unknown, so the
    issue is left alone."""

    def __init__(self, exit_code: int) -> None:
        self.plan_exit_code = exit_code
        super().__init__(str(self))

    def __str__(self) -> str:
        return (
            f"the plan exited {self.plan_exit_code} (error, or an unsafe plan) and no plan "
            "made was given (--plan-file: none when the desired state does not load or a "
            "shard is missing): drift is unknown and the drift issue is left as it is; the "
            "error is in the log of the step or job that planned"
        )


class PlanReportedError(ReconcilerError):
    """The plan was made but exited 1 (errors, or refused as unsafe): the drift issue was
    written from it (``outcome``), and the job still fails so that the error is seen."""

    def __init__(self, exit_code: int, outcome: DriftOutcome | None) -> None:
        self.plan_exit_code = exit_code
        self.outcome = outcome
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.outcome is None or not self.outcome.issues:
            written = "the drift issue was left as it is (an apply ran during the check)"
        else:
            issue = self.outcome.issues[0]
            written = f"the drift issue (#{issue.number}) holds it, its callouts at the top"
        return (
            f"the plan exited {self.plan_exit_code}: it has errors or was refused as unsafe; "
            f"{written}. This fails until they are fixed"
        )


@dataclass(frozen=True)
class IssueRef:
    number: int
    url: str


@dataclass(frozen=True)
class DriftOutcome:
    action: DriftAction
    issues: tuple[IssueRef, ...] = ()

    def __str__(self) -> str:
        if not self.issues:
            return "No drift and no open drift issue: nothing to do."
        listed = ", ".join(f"#{i.number} {i.url}" for i in self.issues)
        return f"Drift issue {self.action}: {listed}"


def open_drift_issues(
    github: GitHub, label: str = DEFAULT_LABEL, key: str | None = None
) -> Iterator[JsonObject]:
    """Our open drift issues of the plans keyed ``key`` (None: unkeyed), oldest first
    (pull requests, which the API lists too, issues without that marker, among them other
    keys', and issues a person wrote are skipped)."""
    params: dict[str, str | int] = {
        "state": "open",
        "labels": label,
        "sort": "created",
        "direction": "asc",
    }
    for issue in github.paginate(github.repo_path("/issues"), params):
        if (
            "pull_request" not in issue
            and is_drift_issue_of(issue.get("body"), key)
            and not by_a_person(issue)
        ):
            yield issue


def sync_drift_issue(
    github: GitHub,
    exit_code: int,
    plan_markdown: str = "",
    *,
    run_url: str | None = None,
    label: str = DEFAULT_LABEL,
    key: str | None = None,
    facts: PlanFacts = NO_PLAN,
) -> DriftOutcome:
    """Bring the drift issue in line with a plan's exit code (see the module docstring).
    ``key``: the plan's (``plan_keys.key_of``): each key has its issue, as its PR comment.
    ``facts``: those of the saved plan, when there is one (``plan_facts.facts_of``)."""
    if exit_code == 2:
        body = drift_issue_body(plan_markdown, run_url=run_url, key=key, facts=facts)
        return _report(github, IssueText(keyed_title(DRIFT_TITLE, key), body), label, key)
    if exit_code == 0 and lists_expiring(plan_markdown):  # no drift, but access ends soon
        body = expiring_issue_body(plan_markdown, run_url=run_url, key=key)
        return _report(github, IssueText(keyed_title(EXPIRING_TITLE, key), body), label, key)
    if exit_code == 0:
        return _close_drift(github, drift_resolved_comment(run_url), label, key)
    raise PlanFailedError(exit_code)


def report_failed_plan(
    github: GitHub,
    plan_markdown: str,
    facts: PlanFacts,
    *,
    run_url: str | None = None,
    label: str = DEFAULT_LABEL,
    key: str | None = None,
) -> DriftOutcome:
    """A plan made but exited 1 (errors, or refused as unsafe; ``facts``: its
    ``facts_of``): open or update the drift issue with it, a caution at its top. Titled as
    drift when the plan shows drift, else as a failed check (its only errors governance
    errors: so titled, QA-FR Q-FR-2): never "(no drift)", whose issue would otherwise stay
    open unchanged."""
    failed = GOVERNANCE_TITLE if facts.governance else FAILED_PLAN_TITLE
    title = keyed_title(DRIFT_TITLE if facts.drifted else failed, key)
    body = failed_plan_issue_body(plan_markdown, facts, run_url=run_url, key=key)
    return _report(github, IssueText(title, body), label, key)


@dataclass(frozen=True)
class IssueText:
    """What the issue says: a title naming the report, and the body holding it."""

    title: str
    body: str


def _report(github: GitHub, text: IssueText, label: str, key: str | None) -> DriftOutcome:
    existing = next(open_drift_issues(github, label, key), None)
    if existing is None:
        created = github.post(
            github.repo_path("/issues"),
            {"title": text.title, "body": text.body, "labels": [label]},
        )
        return DriftOutcome("opened", (_ref(created),))
    changed = {
        field: value
        for field, value in (("title", text.title), ("body", text.body))
        if existing.get(field) != value
    }
    if not changed:
        return DriftOutcome("unchanged", (_ref(existing),))
    number = int(existing["number"])
    updated = github.patch(github.repo_path(f"/issues/{number}"), changed)
    return DriftOutcome("updated", (_ref(updated),))


def _close_drift(github: GitHub, comment: str, label: str, key: str | None) -> DriftOutcome:
    closed = []
    for issue in list(open_drift_issues(github, label, key)):
        number = int(issue["number"])
        github.post(github.repo_path(f"/issues/{number}/comments"), {"body": comment})
        patched = github.patch(
            github.repo_path(f"/issues/{number}"),
            {"state": "closed", "state_reason": "completed"},
        )
        closed.append(_ref(patched))
    return DriftOutcome("closed" if closed else "none", tuple(closed))


def _ref(issue: JsonObject) -> IssueRef:
    return IssueRef(int(issue["number"]), str(issue["html_url"]))
