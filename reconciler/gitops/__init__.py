"""GitHub glue for the workflows, as tested Python rather than inline YAML.

- ``bodies``: the texts of the PR comment, the drift issue and its closing comment (pure).
- ``github``: a small GitHub REST client over urllib (no extra dependency).
- ``comment``: find the one PR comment carrying the plan marker; create or update it.
- ``drift``: open, update or close the issue labelled ``drift`` after a scheduled plan.
- ``cli``: ``python -m reconciler.gitops pr-comment|drift`` (also ``chime-reconciler gitops``).
"""

from reconciler.gitops.bodies import DRIFT_MARKER, MAX_BODY_CHARS, PLAN_MARKER
from reconciler.gitops.comment import CommentOutcome, upsert_pr_comment
from reconciler.gitops.drift import DriftOutcome, PlanFailedError, sync_drift_issue
from reconciler.gitops.github import GitHub, GitHubConfigError, GitHubError

__all__ = [
    "DRIFT_MARKER",
    "MAX_BODY_CHARS",
    "PLAN_MARKER",
    "CommentOutcome",
    "DriftOutcome",
    "GitHub",
    "GitHubConfigError",
    "GitHubError",
    "PlanFailedError",
    "sync_drift_issue",
    "upsert_pr_comment",
]
