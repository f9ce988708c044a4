"""The terminal rendering, compared line by line."""

from __future__ import annotations

import io
from dataclasses import replace

from render_samples import ACCOUNT, ALICE, INCIDENT, NO_CHANGES, PLAN, UNSAFE
from rich.console import Console

from reconciler.plan import Plan
from reconciler.render import render_plan
from reconciler.render.text import render_text

HEADER = f"# room incident-response (account {ACCOUNT}, id room-1)"
GHOST = (
    "Error: desired-state/teams/sre.yaml:14: no Chime user with e-mail ghost@example.com "
    f"in account {ACCOUNT}"
)


def test_plan_lists_each_change_then_notes_then_the_summary() -> None:
    assert render_text(PLAN).splitlines() == [
        HEADER,
        "  + alice@example.com (Administrator)",
        "  ~ bot:PagerBot: Administrator -> Member (replace: bots cannot be updated in place)",
        "  ~ bob@example.com: Member -> Administrator",
        "  - carol@example.com (Member)",
        "    unmanaged: webhook:Alerts (Member)",
        "    protected: breakglass@example.com (Administrator), left unchanged",
        "",
        "2 rooms unchanged (1 with unmanaged members, which -v lists).",
        "",
        GHOST,
        "",
        "Plan: 1 to add, 2 to change, 1 to remove, but 1 error above: apply refuses this plan.",
    ]


def test_verbose_shows_provenance_and_unmanaged_members_of_unchanged_rooms() -> None:
    assert render_text(PLAN, verbose=True).splitlines() == [
        HEADER,
        "  + alice@example.com (Administrator)",
        "      declared at desired-state/teams/sre.yaml:9 as Administrator",
        "      via @sre > @oncall at desired-state/teams/sre.yaml:4 as Member",
        "  ~ bot:PagerBot: Administrator -> Member (replace: bots cannot be updated in place)",
        "      declared at desired-state/teams/sre.yaml:11 as Member",
        "  ~ bob@example.com: Member -> Administrator",
        "      declared at desired-state/teams/sre.yaml:9 as Administrator",
        "  - carol@example.com (Member)",
        "      not declared, and prune is on for this room",
        "    unmanaged: webhook:Alerts (Member)",
        "    protected: breakglass@example.com (Administrator), left unchanged",
        "",
        f"# room quiet (account {ACCOUNT}, id room-2)",
        "    unmanaged: webhook:Alerts (Member)",
        "",
        "1 room unchanged.",
        "",
        GHOST,
        "",
        "Plan: 1 to add, 2 to change, 1 to remove, but 1 error above: apply refuses this plan.",
    ]


def test_no_changes_says_so() -> None:
    assert render_text(NO_CHANGES).splitlines() == [
        "2 rooms unchanged (1 with unmanaged members, which -v lists).",
        "",
        "No changes. Chime memberships match the desired state.",
    ]


def test_empty_plan_is_just_the_closing_line() -> None:
    assert render_text(Plan(())) == (
        "No changes, but nothing was compared: the desired state declares no target.\n"
    )


def test_safety_refusals_come_after_the_plan() -> None:
    assert render_text(UNSAFE).splitlines()[-5:] == [
        "Plan: 1 to add, 2 to change, 1 to remove, but 1 error above: apply refuses this plan.",
        "",
        "Error: refusing this plan: Too many removals: 2 is over the limit of 1 "
        "(safety.max_removals)",
        "Error: refusing this plan: [incident-response] Would leave 0 administrators (now 1), "
        "fewer than the minimum of 1 (safety.min_administrators)",
        "This plan is refused by 2 safety rules (settings.yaml `safety:`): apply applies it "
        "only with --allow-unsafe.",
    ]


def console(**options: object) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=40, highlight=False, **options), out  # type: ignore[arg-type]


def test_terminal_gets_colour_and_the_same_text() -> None:
    term, out = console(force_terminal=True, color_system="standard")
    render_plan(UNSAFE, "text", console=term)
    coloured = out.getvalue()
    assert "\x1b[32m+\x1b[0m alice@example.com" in coloured
    assert "\x1b[33m~\x1b[0m bob@example.com" in coloured
    assert "\x1b[31m-\x1b[0m carol@example.com" in coloured
    plain, out2 = console(force_terminal=True, color_system="standard", no_color=True)
    render_plan(UNSAFE, "text", console=plain)
    assert "\x1b[3" not in out2.getvalue()


def test_console_output_is_the_plain_text_when_not_a_terminal() -> None:
    pipe, out = console()  # narrow, not a terminal: nothing wrapped, nothing coloured
    render_plan(UNSAFE, "text", verbose=True, console=pipe)
    assert out.getvalue() == render_text(UNSAFE, verbose=True)


def test_member_names_that_look_like_markup_are_printed_as_written() -> None:
    odd = replace(ALICE, member=replace(ALICE.member, display="[bold]x[/]@example.com"))
    p = Plan((replace(INCIDENT, changes=(odd,), unmanaged=(), protected=()),))
    pipe, out = console()
    render_plan(p, "text", console=pipe)
    assert "  + [bold]x[/]@example.com (Administrator)" in out.getvalue().splitlines()


def test_every_note_is_printed_not_only_the_first() -> None:
    # Q-EG-3: two meetings that have ended, each left out of the plan with a note
    ended = "has ended (or never existed): the meetings API does not find it; left out"
    notes = (
        f"desired-state/meetings.yaml:3: meeting standup (id m-1) {ended}",
        f"desired-state/meetings.yaml:9: meeting retro (id m-2) {ended}",
    )
    assert render_text(replace(NO_CHANGES, notices=notes)).splitlines()[-5:] == [
        "",
        f"Note: desired-state/meetings.yaml:3: meeting standup (id m-1) {ended}",
        f"Note: desired-state/meetings.yaml:9: meeting retro (id m-2) {ended}",
        "",
        "No changes. Chime memberships match the desired state.",
    ]


def test_a_plan_with_errors_never_says_chime_matches() -> None:
    incomplete = Plan(targets=(), errors=("desired-state/a.yaml:3: no Chime user with e-mail x",))
    assert render_text(incomplete).splitlines()[-1] == (
        "No changes planned, but the plan is incomplete: 1 error above."
    )


def test_the_last_line_writes_large_counts_with_thousands_separators() -> None:
    # Q-CY-11: "Plan: 1000 to add", "1000 errors above", where every other message
    # says 1,000
    changes = tuple(replace(PLAN.targets[0].changes[0], member_id=f"u{i}") for i in range(1000))
    big = replace(PLAN, targets=(replace(PLAN.targets[0], changes=changes),), errors=())
    assert big.summary_line() == "Plan: 1,000 to add, 0 to change, 0 to remove."
    errors = tuple(f"error {i}" for i in range(1000))
    assert replace(big, errors=errors).summary_line() == (
        "Plan: 1,000 to add, 0 to change, 0 to remove, but 1,000 errors above: "
        "apply refuses this plan."
    )
    assert replace(NO_CHANGES, errors=errors).summary_line() == (
        "No changes planned, but the plan is incomplete: 1,000 errors above."
    )
