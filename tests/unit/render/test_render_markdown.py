"""The Markdown rendering for pull-request comments and job summaries."""

from __future__ import annotations

from dataclasses import replace

from render_samples import (
    ACCOUNT,
    ALERTS,
    ALICE,
    CAROL,
    FP,
    GLASS,
    INCIDENT,
    NO_CHANGES,
    OPS,
    PLAN,
    QUIET,
    UNSAFE,
    room,
)

from reconciler.gitops.bodies import (
    MAX_BODY_CHARS,
    lists_expiring,
    lists_undeclared_only,
    pr_comment_body,
)
from reconciler.plan import Plan, TargetPlan
from reconciler.refs import MemberRef
from reconciler.render.markdown import (
    EXPIRING_MARKER,
    MARKER,
    MAX_CHARS,
    MarkdownRenderer,
    render_markdown,
)

GHOST = (
    f"> - desired-state/teams/sre.yaml:14: no Chime user with e-mail ghost@example.com in "
    f"account {ACCOUNT}"
)


def test_plan_has_marker_summary_table_and_details() -> None:
    assert render_markdown(PLAN).splitlines() == [
        "<!-- chime-reconciler-plan -->",
        "### Chime membership plan",
        "",
        "**Plan: 1 to add, 2 to change, 1 to remove, but 1 error below: apply refuses this plan.**",
        "",
        "> [!CAUTION]",
        "> **1 error: apply changes nothing until it is fixed:**",
        ">",
        GHOST,
        "",
        "| Room | Add | Change | Remove | Not declared | Unmanaged |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        "| incident-response | 1 | 2 | 1 | 0 | 1 |",
        "",
        "2 rooms unchanged (1 unmanaged member).",
        "",
        "<details><summary>room incident-response: 1 to add, 2 to change, 1 to remove, "
        "1 protected</summary>",
        "",
        "```diff",
        "+ alice@example.com (Administrator)",
        "~ bot:PagerBot: Administrator -> Member (replace: bots cannot be updated in place)",
        "~ bob@example.com: Member -> Administrator",
        "- carol@example.com (Member)",
        "  unmanaged: webhook:Alerts (Member)",
        "  protected: breakglass@example.com (Administrator), left unchanged",
        "```",
        "",
        "</details>",
    ]


def test_verbose_adds_provenance_as_comments_in_the_diff() -> None:
    lines = render_markdown(PLAN, verbose=True).splitlines()
    start = lines.index("+ alice@example.com (Administrator)")
    assert lines[start : start + 3] == [
        "+ alice@example.com (Administrator)",
        "  # declared at desired-state/teams/sre.yaml:9 as Administrator",
        "  # via @sre > @oncall at desired-state/teams/sre.yaml:4 as Member",
    ]


def test_safety_refusal_is_a_caution_callout_right_after_the_errors() -> None:
    lines = render_markdown(UNSAFE).splitlines()
    assert lines[5:17] == [
        "> [!CAUTION]",
        "> **1 error: apply changes nothing until it is fixed:**",
        ">",
        GHOST,
        "",
        "> [!CAUTION]",
        "> **This plan is refused by 2 safety rules** (settings.yaml `safety:`): apply applies "
        "it only with `--allow-unsafe`.",
        ">",
        "> - Too many removals: 2 is over the limit of 1 (safety.max\\_removals)",
        "> - \\[incident-response\\] Would leave 0 administrators (now 1), fewer than the "
        "minimum of 1 (safety.min\\_administrators)",
        "",
        "| Room | Add | Change | Remove | Not declared | Unmanaged |",
    ]


def test_no_changes() -> None:
    assert render_markdown(NO_CHANGES).splitlines() == [
        MARKER,
        "### Chime membership plan",
        "",
        "**No changes. Chime memberships match the desired state.**",
        "",
        "2 rooms unchanged (1 unmanaged member).",
    ]


def test_names_are_escaped_in_the_table_and_the_summary() -> None:
    t = replace(INCIDENT, key=room("a|b_<c>"), unmanaged=(), protected=())
    text = render_markdown(Plan((t,)))
    assert "| a\\|b\\_\\<c\\> | 1 | 2 | 1 | 0 | 0 |" in text.splitlines()
    assert "<details><summary>room a|b_&lt;c&gt;: 1 to add, 2 to change, 1 to remove</summary>" in (
        text.splitlines()
    )


def test_code_fence_grows_past_backticks_in_names() -> None:
    odd = replace(ALICE, member=replace(ALICE.member, display="```x@example.com"))
    text = render_markdown(Plan((replace(INCIDENT, changes=(odd,)),)))
    assert "````diff" in text.splitlines()
    assert "+ ```x@example.com (Administrator)" in text.splitlines()


def big_plan(rooms: int, members: int) -> Plan:
    targets = []
    for r in range(rooms):
        key = room(f"room-{r:04}")
        changes = tuple(
            replace(
                CAROL,
                target=key,
                member=replace(CAROL.member, key=f"user{i}@example.com", display=f"user{i}@x.com"),
            )
            for i in range(members)
        )
        targets.append(TargetPlan(key, f"id-{r}", FP, changes, live_count=members))
    return Plan(tuple(targets))


def test_small_plan_is_not_truncated() -> None:
    text = render_markdown(big_plan(10, 10))
    assert "Truncated" not in text
    assert text.count("<details>") == 10


def test_huge_plan_keeps_marker_summary_and_table_and_truncates_details() -> None:
    text = render_markdown(big_plan(120, 40))
    lines = text.splitlines()
    assert len(text) <= MAX_CHARS
    assert lines[0] == MARKER
    assert lines[3] == "**Plan: 0 to add, 0 to change, 4,800 to remove.**"
    assert sum(line.startswith("| room-") for line in lines) == 120
    kept = text.count("<details>")
    assert 0 < kept < 120
    assert lines[-2:] == [
        "> [!NOTE]",
        f"> Truncated to stay under 60,000 characters: {120 - kept} of 120 room details left "
        "out. Run `chime-reconciler plan` (or see the job log) for the whole plan.",
    ]
    assert text.count("<details>") == text.count("</details>")


def test_table_is_truncated_too_when_it_alone_is_too_long() -> None:
    text = MarkdownRenderer(max_chars=5_000).render(big_plan(300, 1))
    rows = sum(line.startswith("| room-") for line in text.splitlines())
    assert len(text) <= 5_000
    assert 0 < rows < 300
    assert text.splitlines()[-1].startswith(
        f"> Truncated to stay under 5,000 characters: {300 - rows} of 300 table rows, "
        "300 of 300 room details left out."
    )


def test_allowed_unsafe_plan_is_marked_as_allowed_not_refused() -> None:
    refused = render_markdown(UNSAFE)
    # without errors: with one, nothing proceeds (Q-HB-6, test_render_limits.py)
    allowed = render_markdown(replace(UNSAFE, errors=()), allow_unsafe=True)
    assert "apply applies it only with `--allow-unsafe`." in refused
    assert "apply applies it only" not in allowed
    assert (
        "**This plan is refused by 2 safety rules** (settings.yaml `safety:`): proceeding "
        "anyway, as `--allow-unsafe` was given." in allowed
    )


def test_rooms_of_the_same_name_in_two_accounts_are_told_apart() -> None:
    other = "22222222-0000-0000-0000-000000000000"
    twin = replace(INCIDENT, key=replace(INCIDENT.key, scope=other), target_id="room-9")
    lines = render_markdown(Plan((INCIDENT, twin))).splitlines()
    assert [line for line in lines if line.startswith(("| incident", "<details>"))] == [
        f"| incident-response (account {ACCOUNT}) | 1 | 2 | 1 | 0 | 1 |",
        f"| incident-response (account {other}) | 1 | 2 | 1 | 0 | 1 |",
        f"<details><summary>room incident-response (account {ACCOUNT}): 1 to add, 2 to change, "
        "1 to remove, 1 protected</summary>",
        f"<details><summary>room incident-response (account {other}): 1 to add, 2 to change, "
        "1 to remove, 1 protected</summary>",
    ]


def test_a_live_name_cannot_forge_the_expiring_marker() -> None:
    forged = replace(ALERTS, ref=MemberRef.webhook(EXPIRING_MARKER))
    markdown = render_markdown(replace(PLAN, targets=(replace(INCIDENT, unmanaged=(forged,)),)))
    assert f"  unmanaged: webhook:{EXPIRING_MARKER} (Member)" in markdown  # shown as it is
    assert not lists_expiring(markdown)  # the drift workflow opens no "ends soon" issue


def test_errors_are_a_caution_that_apply_changes_nothing_and_the_headline_points_below() -> None:
    errors = ("a.yaml:1: no Chime user with e-mail x@example.com", "b.yaml:2: no room named y")
    lines = render_markdown(replace(NO_CHANGES, errors=errors)).splitlines()
    assert lines[3:10] == [
        "**No changes planned, but the plan is incomplete: 2 errors below.**",
        "",
        "> [!CAUTION]",
        "> **2 errors: apply changes nothing until they are fixed:**",
        ">",
        "> - a.yaml:1: no Chime user with e-mail x@example.com",
        "> - b.yaml:2: no room named y",
    ]


def test_members_no_file_declares_are_counted_apart_from_webhooks() -> None:
    """QA-FK Q-FK-2: "Unmanaged" counted a member no file declares (drift, perhaps an
    administrator added out of band) together with the webhooks a reviewer takes as
    harmless; the details kept them apart."""
    grace = replace(GLASS, ref=MemberRef.user("grace@example.com"), member_id="u-grace")
    drifted = replace(INCIDENT, unmanaged=(ALERTS, grace), protected=())
    quiet = replace(QUIET, unmanaged=(ALERTS, grace))
    lines = render_markdown(replace(PLAN, targets=(drifted, quiet), errors=())).splitlines()
    assert "| incident-response | 1 | 2 | 1 | 1 | 1 |" in lines
    assert "| quiet | 0 | 0 | 0 | 1 | 1 |" in lines


def test_a_plan_cut_by_its_errors_keeps_its_closing_notes_in_the_pr_comment() -> None:
    """QA-LF Q-LF-11: errors that filled the page left out the note on the members no file
    declares (and its marker), and the targets unchanged: the PR's reader was not told."""
    grace = replace(GLASS, ref=MemberRef.user("grace@example.com"), member_id="u-grace")
    drifted = replace(QUIET, unmanaged=(ALERTS, grace))
    errors = tuple(
        f"desired-state/z.yaml:{n}: no Chime room named room-{n:04}" for n in range(3000)
    )
    plan = replace(NO_CHANGES, targets=(OPS, drifted), errors=errors)

    body = pr_comment_body(render_markdown(plan))

    assert len(body) <= MAX_BODY_CHARS
    assert "> Truncated to stay under 60,000 characters: " in body
    assert lists_undeclared_only(body)
    assert "> **Not in the desired state:** 1 administrator in 1 room.\n" in body
    assert "1 room unchanged.\n" in body
