"""The texts posted to GitHub: marker first, warnings where due, always within the limit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.gitops.bodies import (
    DRIFT_MARKER,
    EXPIRING_MARKER,
    MAX_BODY_CHARS,
    PLAN_MARKER,
    UNDECLARED_ONLY_MARKER,
    drift_issue_body,
    drift_resolved_comment,
    failed_plan_issue_body,
    has_marker,
    lists_expiring,
    lists_undeclared_only,
    pr_comment_body,
    run_url_from_env,
    truncate_markdown,
)
from reconciler.gitops.plan_facts import PlanFacts, Refusal

RUN = "https://github.com/o/r/actions/runs/9"
TOKENS = ["a", "é", " ", "-", "+", "`", "```", "\n", "<details>", "</details>", PLAN_MARKER]
PLAN = f"{PLAN_MARKER}\n## chime-reconciler plan\n\nNo changes.\n"


def test_comment_keeps_one_marker_at_the_top_and_names_run_and_commit() -> None:
    body = pr_comment_body(
        PLAN, exit_code=0, run_url=RUN, commit="0123456789abcdef0123", artifact="chime-plan-pr7"
    )

    assert body.splitlines() == [
        PLAN_MARKER,
        "## chime-reconciler plan",
        "",
        "No changes.",
        "",
        "---",
        f"<sub>saved plan: artifact `chime-plan-pr7` of [this run]({RUN}) · commit "
        "`0123456789ab`</sub>",
    ]


def test_comment_names_no_artifact_when_no_plan_was_saved() -> None:
    """Q-R-4: a plan that failed before planning saved nothing and uploaded nothing."""
    body = pr_comment_body("", exit_code=1, run_url=RUN, commit="0123456789abcdef0123")

    assert "artifact" not in body
    assert body.splitlines()[-1] == (
        f"<sub>no saved plan; [this run]({RUN}) · commit `0123456789ab`</sub>"
    )


def test_comment_for_a_failed_plan_starts_with_a_caution_pointing_at_the_plan() -> None:
    body = pr_comment_body(PLAN, exit_code=1, run_url=RUN)

    assert body.splitlines()[:4] == [  # the plan's own callouts say what failed
        PLAN_MARKER,
        "> [!CAUTION]",
        "> `chime-reconciler plan` exited 1: the plan failed or was refused as unsafe. "
        "Details are below.",
        "",
    ]


def test_comment_for_changes_has_no_caution() -> None:
    assert "CAUTION" not in pr_comment_body(PLAN, exit_code=2, run_url=RUN)


def test_comment_for_a_plan_without_output_says_so() -> None:
    assert pr_comment_body("", exit_code=1, run_url=RUN).startswith(
        f"{PLAN_MARKER}\n> [!CAUTION]\n> `chime-reconciler plan` exited 1: the plan failed or "
        f"was refused as unsafe. Details are in the [workflow run]({RUN}).\n\n"
        "_The plan produced no output._\n"
    )
    assert pr_comment_body("", exit_code=1) == (
        f"{PLAN_MARKER}\n> [!CAUTION]\n> `chime-reconciler plan` exited 1: the plan failed or "
        "was refused as unsafe. Details are in the workflow run's log.\n\n"
        "_The plan produced no output._\n"
    )


def test_markdown_without_marker_gets_one() -> None:
    body = pr_comment_body("Plan: 1 to add, 0 to change, 0 to destroy.\n")
    assert body == f"{PLAN_MARKER}\nPlan: 1 to add, 0 to change, 0 to destroy.\n"


def test_drift_body_starts_with_the_drift_marker_and_holds_the_plan() -> None:
    body = drift_issue_body(PLAN, run_url=RUN)

    assert body.startswith(f"{DRIFT_MARKER}\nThe [scheduled plan]({RUN}) found live Chime")
    assert body.endswith("## chime-reconciler plan\n\nNo changes.\n")
    assert has_marker(body, DRIFT_MARKER) and not has_marker(body, PLAN_MARKER)


def test_drift_of_undeclared_members_only_says_apply_does_not_resolve_it() -> None:
    """Q-R-8: no changes, only members no file declares (where prune is off): apply
    changes nothing, so the issue says what does."""
    plan = (
        f"{PLAN_MARKER}\n### Chime membership plan\n\n**No changes, but Chime has 1 member "
        f"the desired state does not declare.**\n\n{UNDECLARED_ONLY_MARKER}\n> [!WARNING]\n"
        "> **Not in the desired state:** 1 member in 1 room.\n> Resolve with `import --adopt` "
        "or `prune: true` (removes them).\n"
    )
    body = drift_issue_body(plan, run_url=RUN)

    assert "restore the desired state" not in body
    assert body.startswith(
        f"{DRIFT_MARKER}\nThe [scheduled plan]({RUN}) found members in Chime that no file in "
        "`desired-state/` declares, and nothing else to change.\nRunning the apply workflow "
        "does not resolve this: apply leaves members that no file declares alone unless "
        "`prune: true` is set. Resolve it as the warning below says: declare them in a pull "
        "request (`chime-reconciler import --adopt` writes them into the files, where it can), "
        "or remove them (`prune: true` in a pull request, then apply; or in Chime). This issue "
        "is updated by every drift check and closed by the first one that finds no drift.\n\n"
    )
    assert body.endswith("or `prune: true` (removes them).\n")
    # with changes (no marker), apply does resolve it
    assert "run the apply workflow to restore the desired state" in drift_issue_body(PLAN)
    # the marker's text inside a code block (a live name) is not the marker
    assert not lists_undeclared_only(f"{PLAN}```diff\n  {UNDECLARED_ONLY_MARKER}\n```\n")


def test_a_failed_plan_without_drift_is_closed_only_by_a_check_without_errors() -> None:
    """QA-HB Q-HB-3: the issue of a plan with errors and no drift said it is "closed by the
    first one that finds no drift", though the check that wrote it found none and left it
    open."""
    facts = PlanFacts(failed=True, drifted=False, refusal=Refusal.ERRORS)
    body = failed_plan_issue_body(PLAN, facts, run_url=RUN)

    assert "found no drift in what it could plan" in body
    assert "closed by the first one that finds no drift and no error.\n\n" in body
    assert "finds no drift.\n" not in body


def test_a_refused_plan_showing_drift_says_apply_refuses_it_before_run_the_apply() -> None:
    """Q-GS-2: a plan refused as unsafe (no error: every target planned) shows changes; the
    body under the caution does not bid the reader to run the apply it refuses, nor say
    drift is unknown anywhere."""
    facts = PlanFacts(failed=True, drifted=True, refusal=Refusal.SAFETY)
    body = failed_plan_issue_body(PLAN, facts, run_url=RUN)

    assert (
        "found live Chime memberships that differ from `desired-state/`.\nApply refuses this "
        "plan as it stands (the callouts below); once that is fixed, either change the desired "
        "state in a pull request to accept the live state, or run the apply workflow to "
        "restore the desired state."
    ) in body
    assert "unknown" not in body


def test_resolved_comment_links_the_run() -> None:
    assert drift_resolved_comment(RUN) == (
        f"No drift: the latest [drift check]({RUN}) found no changes (`No changes.`). Closing."
    )
    assert drift_resolved_comment(None).startswith("No drift: the latest drift check found")


def test_truncation_cuts_at_a_line_and_closes_an_open_fence() -> None:
    text = "intro\n```diff\n" + "".join(f"+ user{i}@example.com\n" for i in range(100)) + "```\n"

    cut = truncate_markdown(text, 400)

    kept, note = cut.split("\n**Truncated:**")
    assert len(cut) <= 400
    assert kept.endswith("@example.com\n```\n")  # the fence opened in the kept part is closed
    assert text.startswith(kept.removesuffix("```\n"))  # cut at a line boundary
    assert note == (
        f" {len(kept)} of {len(text):,} characters shown; "
        "the full plan is in the workflow run's job summary.\n"
    )


def test_truncation_of_a_folded_room_closes_its_fence_and_details() -> None:
    room = "<details><summary>room big: 900 to add</summary>\n\n```diff\n" + "".join(
        f"+ user{i}@example.com (Member)\n" for i in range(900)
    )
    summary = "**Plan: 900 to add, 0 to change, 0 to remove.**"
    text = f"{PLAN_MARKER}\n{summary}\n\n{room}```\n\n</details>\n"

    cut = truncate_markdown(text, 2_000)

    kept = cut.split("\n**Truncated:**")[0]
    assert len(cut) <= 2_000
    assert kept.endswith("(Member)\n```\n\n</details>\n")
    assert kept.count("<details>") == kept.count("</details>") == 1


def test_truncation_note_counts_the_characters_kept() -> None:
    text = "".join(f"line {i:04d}\n" for i in range(1000))  # 10 characters a line

    cut = truncate_markdown(text, 500)

    kept = cut.split("\n**Truncated:**")[0]
    assert kept == "".join(f"line {i:04d}\n" for i in range(len(kept) // 10))
    assert cut.endswith(
        f"**Truncated:** {len(kept)} of 10,000 characters shown; "
        "the full plan is in the workflow run's job summary.\n"
    )


def test_text_within_budget_is_untouched() -> None:
    assert truncate_markdown("a\nb\n", 4) == "a\nb\n"


@settings(max_examples=60, deadline=None)
@given(
    markdown=st.builds(
        # half of the examples are longer than GitHub's limit
        lambda line, big: (line + "\n") * ((70_000 // (len(line) + 1) + 1) if big else 3),
        st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
        st.booleans(),
    ),
    exit_code=st.sampled_from([None, 0, 1, 2]),
)
def test_every_body_fits_githubs_limit_and_starts_with_its_marker(
    markdown: str, exit_code: int | None
) -> None:
    comment = pr_comment_body(markdown, exit_code=exit_code, run_url=RUN, commit="abc")
    issue = drift_issue_body(markdown, run_url=RUN)

    assert len(comment) <= MAX_BODY_CHARS and comment.startswith(PLAN_MARKER + "\n")
    assert len(issue) <= MAX_BODY_CHARS and issue.startswith(DRIFT_MARKER + "\n")
    assert comment.endswith("</sub>\n")


def test_run_url_comes_from_githubs_variables() -> None:
    env = {"GITHUB_SERVER_URL": "https://ghe.example", "GITHUB_REPOSITORY": "o/r"}
    assert run_url_from_env({**env, "GITHUB_RUN_ID": "42"}) == (
        "https://ghe.example/o/r/actions/runs/42"
    )
    assert run_url_from_env(env) is None
    assert run_url_from_env({}) is None


def test_only_the_expiring_marker_on_its_own_line_outside_code_lists_expiring() -> None:
    assert lists_expiring(f"{PLAN}\n{EXPIRING_MARKER}\n> [!NOTE]\n> bob ends soon\n")
    # a live name holding the marker's text: in a diff block, or alone on a line of one
    # whose fence is longer than a ``` inside it
    assert not lists_expiring(f"{PLAN}```diff\n  unmanaged: {EXPIRING_MARKER}\n```\n")
    forged = f"{PLAN}````diff\n```\n{EXPIRING_MARKER}\n````\n"
    assert not lists_expiring(forged)
    assert lists_expiring(f"{forged}\n{EXPIRING_MARKER}\n> [!NOTE]\n")  # after the block
    assert not lists_expiring(f"{PLAN}~~~\n{EXPIRING_MARKER}\n~~~\n")


def test_undeclared_members_from_the_saved_plan_are_named_when_the_markdown_lost_its_note() -> None:
    """Q-GX-2: a Markdown plan cut before its drift note (and marker) whose saved plan says
    the only drift is 2 members no file declares: the issue names them and says apply does
    not resolve it, never "run the apply workflow to restore the desired state"."""
    cut = f"{PLAN_MARKER}\n### Chime membership plan\n\n**No changes planned.**\n"
    body = drift_issue_body(cut, facts=PlanFacts(undeclared="2 members"))

    assert (
        "found 2 members in Chime that no file in `desired-state/` declares (the plan below "
        "was cut before its warning naming them; the job log has the whole plan), and "
        "nothing else to change.\nRunning the apply workflow does not resolve this"
    ) in body
    assert "restore the desired state" not in body
    assert "as the warning below says" not in body
