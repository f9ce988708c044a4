"""One plan comment per pull request (per plan key: plan_keys), updated in place.

The comment is found by the hidden marker its body starts with; the first such comment
(oldest first, as GitHub lists them) is updated, so the plan stays where reviewers first
saw it. Its body is rewritten only when it changed. Only a bot's comment is ever taken
for ours (``authors.by_a_person``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from reconciler.gitops.authors import by_a_person
from reconciler.gitops.bodies import PLAN_MARKER, has_marker
from reconciler.gitops.github import GitHub

CommentAction = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class CommentOutcome:
    action: CommentAction
    comment_id: int
    url: str

    def __str__(self) -> str:
        return f"PR comment {self.action}: {self.url}"


def find_marked(items: Iterable[Mapping[str, Any]], marker: str) -> Mapping[str, Any] | None:
    """The first item (comment or issue) whose body starts with ``marker`` and that a
    person did not write."""
    for item in items:
        if has_marker(item.get("body"), marker) and not by_a_person(item):
            return item
    return None


def upsert_pr_comment(
    github: GitHub, pr: int, body: str, marker: str = PLAN_MARKER
) -> CommentOutcome:
    """Create the marked comment on pull request ``pr``, or update the existing one."""
    if not has_marker(body, marker):
        raise ValueError(f"the comment body must start with {marker}")
    comments = github.paginate(github.repo_path(f"/issues/{pr}/comments"))
    existing = find_marked(comments, marker)
    if existing is None:
        created = github.post(github.repo_path(f"/issues/{pr}/comments"), {"body": body})
        return CommentOutcome("created", int(created["id"]), str(created["html_url"]))
    comment_id = int(existing["id"])
    if existing.get("body") == body:
        return CommentOutcome("unchanged", comment_id, str(existing["html_url"]))
    updated = github.patch(github.repo_path(f"/issues/comments/{comment_id}"), {"body": body})
    return CommentOutcome("updated", comment_id, str(updated["html_url"]))
