"""The PR plan comment: one per pull request, found by its marker, updated in place."""

from __future__ import annotations

import pytest
from fake_github import NAME, OWNER, FakeGitHub

from reconciler.gitops.bodies import PLAN_MARKER, pr_comment_body
from reconciler.gitops.comment import CommentOutcome, upsert_pr_comment
from reconciler.gitops.github import GitHub

REPO = f"/repos/{OWNER}/{NAME}"
PLAN_V1 = f"{PLAN_MARKER}\n## Plan\n\nPlan: 1 to add, 0 to change, 0 to destroy.\n"
PLAN_V2 = f"{PLAN_MARKER}\n## Plan\n\nPlan: 2 to add, 0 to change, 0 to destroy.\n"


def writes(fake: FakeGitHub) -> list[str]:
    return [r.line for r in fake.requests if r.method != "GET"]


def test_first_plan_creates_the_comment(fake: FakeGitHub, github: GitHub) -> None:
    pr = fake.add_issue("Add bob to sre", "", pull_request=True)["number"]
    fake.add_comment(pr, "LGTM", login="alice")

    outcome = upsert_pr_comment(github, pr, PLAN_V1)

    assert [r.line for r in fake.requests] == [
        f"GET {REPO}/issues/{pr}/comments?per_page=100",
        f"POST {REPO}/issues/{pr}/comments",
    ]
    assert fake.requests[1].body == {"body": PLAN_V1}
    created = fake.comments[pr][-1]
    assert outcome == CommentOutcome("created", created["id"], created["html_url"])
    assert created["body"] == PLAN_V1


def test_next_plan_updates_the_same_comment_in_place(fake: FakeGitHub, github: GitHub) -> None:
    pr = fake.add_issue("Add bob to sre", "", pull_request=True)["number"]
    first = upsert_pr_comment(github, pr, PLAN_V1)
    fake.add_comment(pr, "thanks", login="alice")

    second = upsert_pr_comment(github, pr, PLAN_V2)

    assert second.action == "updated"
    assert second.comment_id == first.comment_id
    assert [c["body"] for c in fake.comments[pr]] == [PLAN_V2, "thanks"]
    assert writes(fake)[-1] == f"PATCH {REPO}/issues/comments/{first.comment_id}"


def test_unchanged_plan_makes_no_write(fake: FakeGitHub, github: GitHub) -> None:
    pr = fake.add_issue("Add bob to sre", "", pull_request=True)["number"]
    upsert_pr_comment(github, pr, PLAN_V1)

    outcome = upsert_pr_comment(github, pr, PLAN_V1)

    assert outcome.action == "unchanged"
    assert writes(fake) == [f"POST {REPO}/issues/{pr}/comments"]


def test_marked_comment_is_found_on_a_later_page() -> None:
    fake = FakeGitHub(max_page_size=2).start()
    try:
        client = GitHub.from_env(fake.env, sleep=lambda _: None)
        pr = fake.add_issue("Big review", "", pull_request=True)["number"]
        for i in range(4):
            fake.add_comment(pr, f"comment {i}", login="alice")
        ours = fake.add_comment(pr, PLAN_V1, login="github-actions[bot]")
        fake.add_comment(pr, "after", login="alice")

        outcome = upsert_pr_comment(client, pr, PLAN_V2)

        assert outcome == CommentOutcome("updated", ours["id"], ours["html_url"])
        assert [r.line for r in fake.requests] == [
            f"GET {REPO}/issues/{pr}/comments?per_page=100",
            f"GET /repositories/1296269/issues/{pr}/comments?page=2&per_page=100",
            f"GET /repositories/1296269/issues/{pr}/comments?page=3&per_page=100",
            f"PATCH {REPO}/issues/comments/{ours['id']}",
        ]
    finally:
        fake.stop()


def test_a_comment_quoting_the_marker_is_not_taken_for_ours(
    fake: FakeGitHub, github: GitHub
) -> None:
    pr = fake.add_issue("Add bob to sre", "", pull_request=True)["number"]
    quoted = fake.add_comment(pr, f"> {PLAN_MARKER}\n> Plan: 1 to add\n\nWhy?", login="alice")

    outcome = upsert_pr_comment(github, pr, PLAN_V1)

    assert outcome.action == "created"
    assert fake.comments[pr][0]["body"] == quoted["body"]


def test_a_person_s_comment_starting_with_the_marker_is_never_taken_over(
    fake: FakeGitHub, github: GitHub
) -> None:
    """A PR author could post a fake plan under the marker; updated by the workflow, it
    would still be theirs to edit after the real plan was written into it."""
    pr = fake.add_issue("Add bob to sre", "", pull_request=True)["number"]
    fake_plan = f"{PLAN_MARKER}\n## Plan\n\nNo changes.\n"
    spoof = fake.add_comment(pr, fake_plan, login="mallory")

    outcome = upsert_pr_comment(github, pr, PLAN_V1)

    assert outcome.action == "created"
    assert [c["body"] for c in fake.comments[pr]] == [spoof["body"], PLAN_V1]
    assert fake.comments[pr][1]["user"]["type"] == "Bot"
    assert upsert_pr_comment(github, pr, PLAN_V2).comment_id == outcome.comment_id


def test_two_marked_comments_update_the_oldest(fake: FakeGitHub, github: GitHub) -> None:
    pr = fake.add_issue("Add bob to sre", "", pull_request=True)["number"]
    oldest = fake.add_comment(pr, PLAN_V1, login="github-actions[bot]")
    newer = fake.add_comment(pr, PLAN_V1, login="github-actions[bot]")

    outcome = upsert_pr_comment(github, pr, PLAN_V2)

    assert outcome.comment_id == oldest["id"]
    assert [c["body"] for c in fake.comments[pr]] == [PLAN_V2, newer["body"]]


def test_oversized_plan_is_posted_truncated_within_githubs_limit(
    fake: FakeGitHub, github: GitHub
) -> None:
    pr = fake.add_issue("Import 900 members", "", pull_request=True)["number"]
    rows = "".join(f"  + user{i}@example.com (Member)\n" for i in range(3000))
    markdown = f"{PLAN_MARKER}\n```diff\n{rows}```\n"

    outcome = upsert_pr_comment(github, pr, pr_comment_body(markdown))

    posted = fake.comments[pr][0]["body"]
    assert outcome.action == "created"
    assert len(markdown) > 65_536 >= len(posted)
    assert posted.startswith(PLAN_MARKER + "\n```diff\n  + user0@example.com (Member)\n")
    assert posted.endswith(
        "characters shown; the full plan is in the workflow run's job summary.\n"
    )


def test_body_without_the_marker_is_refused_before_any_call(
    fake: FakeGitHub, github: GitHub
) -> None:
    with pytest.raises(ValueError, match="must start with <!-- chime-reconciler-plan -->"):
        upsert_pr_comment(github, 1, "Plan: 1 to add")
    assert fake.requests == []
