"""Expiry in the planner, with a fixed clock: an entry past its `until` is not declared
(removed where pruning is on, demoted to its other paths' role), the change says why, and
entries ending within the warning window are listed. The wall clock is never read."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import jsonschema
import pytest
from planner_builders import ADMIN, MEMBER, lines, live_member, live_state, live_target

from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState
from reconciler.gitops.bodies import lists_expiring
from reconciler.governance.expiry import as_of
from reconciler.plan import Action
from reconciler.planfile import plan_from_data
from reconciler.planner import plan
from reconciler.render.json import load_schema, plan_to_data
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text

ACCOUNT = "11111111-2222-3333-4444-555555555555"
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


ROOMS = """
rooms:
  ops:
    prune: PRUNE
    administrators:
      - member: alice@example.com
        until: 2027-03-31
        reason: incident commander rotation
        ticket: OPS-12
    members:
      - alice@example.com
      - {member: bob@example.com, until: 2027-03-15}
      - "@contractors"
      - dave@example.com
groups:
  contractors:
    - {member: carol@example.com, until: "2027-04-10T12:00:00+02:00", reason: audit}
"""


@pytest.fixture
def desired_dir(tmp_path: Path) -> Path:
    (tmp_path / "settings.yaml").write_text(f"account: {ACCOUNT}\nexpiry_warning_days: 14\n")
    return tmp_path


def load(directory: Path, prune: bool = True) -> DesiredState:
    text = textwrap.dedent(ROOMS).lstrip().replace("PRUNE", "true" if prune else "false")
    (directory / "rooms.yaml").write_text(text)
    return load_desired(directory)


def everyone_live(d: DesiredState):  # type: ignore[no-untyped-def]
    return live_state(
        d,
        live_target(
            "ops",
            live_member("alice@example.com", ADMIN),
            live_member("bob@example.com", MEMBER),
            live_member("carol@example.com", MEMBER),
            live_member("dave@example.com", MEMBER),
        ),
    )


def test_before_any_until_nothing_changes(desired_dir: Path) -> None:
    d = load(desired_dir)
    p = plan(d, everyone_live(d), now=at("2027-03-01T00:00:00"))
    assert p.changes == ()


def test_a_date_lasts_through_its_last_day_in_utc(desired_dir: Path) -> None:
    d = load(desired_dir)
    assert plan(d, everyone_live(d), now=at("2027-03-15T23:59:59")).changes == ()
    p = plan(d, everyone_live(d), now=at("2027-03-16T00:00:00"))
    assert lines(p.changes) == ["delete bob@example.com Member->-"]


def test_an_expired_entry_is_removed_where_pruning_is_on_and_the_plan_says_why(
    desired_dir: Path,
) -> None:
    d = load(desired_dir)
    p = plan(d, everyone_live(d), now=at("2027-03-20T00:00:00"))
    [change] = p.changes
    assert change.action is Action.DELETE
    assert render_text(p).splitlines()[:2] == [
        f"# room ops (account {ACCOUNT}, id room-ops)",
        "  - bob@example.com (Member): expired 2027-03-15, declared at "
        f"{desired_dir}/rooms.yaml:11",
    ]
    assert render_text(p, verbose=True).splitlines()[2] == (
        f"      expired 2027-03-15, declared at {desired_dir}/rooms.yaml:11 as Member"
    )


def test_an_expired_entry_says_why_its_member_is_removed_whatever_the_live_role(
    desired_dir: Path,
) -> None:
    """QA-E Q-E-2: the entry gave Member, the member is live as Administrator (someone
    promoted them by hand): the removal is still the expiry's, and says so."""
    d = load(desired_dir)
    live = live_state(
        d,
        live_target(
            "ops",
            live_member("alice@example.com", ADMIN),
            live_member("bob@example.com", ADMIN),
            live_member("carol@example.com", MEMBER),
            live_member("dave@example.com", MEMBER),
        ),
    )
    p = plan(d, live, now=at("2027-03-20T00:00:00"))
    assert render_text(p).splitlines()[1] == (
        "  - bob@example.com (Administrator): expired 2027-03-15, declared at "
        f"{desired_dir}/rooms.yaml:11"
    )


def test_an_expired_entry_where_pruning_is_off_is_left_unmanaged(desired_dir: Path) -> None:
    d = load(desired_dir, prune=False)
    p = plan(d, everyone_live(d), now=at("2027-03-20T00:00:00"))
    assert p.changes == ()
    assert [str(m.ref) for m in p.targets[0].unmanaged] == ["bob@example.com"]


def test_an_expired_elevated_entry_demotes_to_the_role_of_the_other_paths(
    desired_dir: Path,
) -> None:
    d = load(desired_dir)
    p = plan(d, everyone_live(d), now=at("2027-04-01T00:00:00"))
    assert lines(p.changes) == [
        "update alice@example.com Administrator->Member",
        "delete bob@example.com Member->-",
    ]
    text = render_text(p, verbose=True).splitlines()
    assert text[1:4] == [
        "  ~ alice@example.com: Administrator -> Member: expired 2027-03-31, declared at "
        f"{desired_dir}/rooms.yaml:5",
        f"      declared at {desired_dir}/rooms.yaml:10 as Member",
        f"      expired 2027-03-31, declared at {desired_dir}/rooms.yaml:5 as Administrator, "
        "reason: incident commander rotation, ticket OPS-12",
    ]


def test_a_group_entrys_until_is_a_moment_with_its_zone(desired_dir: Path) -> None:
    d = load(desired_dir)
    # 2027-04-10T12:00+02:00 is 10:00 UTC
    assert "carol" not in str(
        lines(plan(d, everyone_live(d), now=at("2027-04-10T09:59:59")).changes)
    )
    p = plan(d, everyone_live(d), now=at("2027-04-10T10:00:00"))
    assert "delete carol@example.com Member->-" in lines(p.changes)
    assert render_text(p).splitlines()[3] == (
        "  - carol@example.com (Member): expired 2027-04-10T12:00:00+02:00, declared at "
        f"{desired_dir}/rooms.yaml:16"
    )


def test_entries_ending_within_the_warning_window_are_listed_soonest_first(
    desired_dir: Path,
) -> None:
    d = load(desired_dir)
    p = plan(d, everyone_live(d), now=at("2027-03-17T08:00:00"))
    # alice is ops's one administrator: her end makes its plan refused (QA-CJ Q-CJ-2)
    refused = (
        "; its end leaves 0 administrators, fewer than the minimum of 1 "
        "(safety.min_administrators): the plan is then refused"
    )
    assert [e.message() for e in p.expiring] == [
        f"alice@example.com in room ops: Administrator until 2027-03-31 (14 days left), "
        f"declared at {desired_dir}/rooms.yaml:5{refused}",
    ]
    text = render_text(p).splitlines()
    assert text[-4:] == [
        "Warning: 1 membership ends within 14 days:",
        f"  alice@example.com in room ops: Administrator until 2027-03-31 (14 days left), "
        f"declared at {desired_dir}/rooms.yaml:5{refused}",
        "",
        "Plan: 0 to add, 0 to change, 1 to remove.",
    ]
    # a day earlier, 15 days are left: beyond the window
    assert plan(d, everyone_live(d), now=at("2027-03-16T08:00:00")).expiring == ()


def test_the_markdown_plan_lists_reasons_and_expiring_entries(desired_dir: Path) -> None:
    d = load(desired_dir)
    md = render_markdown(plan(d, everyone_live(d), now=at("2027-04-01T00:00:00")))
    assert (
        "<!-- chime-reconciler-expiring -->\n> [!NOTE]\n> **1 membership ends within 14 days:**"
    ) in md
    assert (
        f"  # expired 2027-03-31, declared at {desired_dir}/rooms.yaml:5 as Administrator, "
        "reason: incident commander rotation, ticket OPS-12\n"
    ) in md


def test_a_saved_plan_keeps_reasons_expiries_and_warnings(desired_dir: Path) -> None:
    d = load(desired_dir)
    p = plan(d, everyone_live(d), now=at("2027-04-01T00:00:00"))
    data = plan_to_data(p)
    jsonschema.validate(data, load_schema())
    assert data["expiring"][0]["until_at"] == f"{desired_dir}/rooms.yaml:16"
    again = plan_from_data(data)
    assert again == p
    assert render_text(again, verbose=True) == render_text(p, verbose=True)


def test_without_a_clock_nothing_expires_even_long_past_entries(desired_dir: Path) -> None:
    (desired_dir / "rooms.yaml").write_text(
        "rooms:\n  ops:\n    prune: true\n"
        "    members: [{member: bob@example.com, until: 2001-01-01}]\n"
    )
    d = load_desired(desired_dir)
    live = live_state(d, live_target("ops", live_member("bob@example.com", MEMBER)))
    p = plan(d, live)  # no `now`: the planner never reads the wall clock
    assert p.changes == () and p.expiring == ()
    assert lines(plan(d, live, now=at("2001-01-02T00:00:00")).changes) == [
        "delete bob@example.com Member->-"
    ]


def test_as_of_is_idempotent(desired_dir: Path) -> None:
    d = load(desired_dir)
    now = at("2027-04-01T00:00:00")
    once = as_of(d, now)
    assert as_of(once, now) == once
    assert [str(m.ref) for m in once.targets[0].expired] == ["bob@example.com"]


def test_markdown_details_show_reasons_and_untils_without_verbose(desired_dir: Path) -> None:
    (desired_dir / "rooms.yaml").write_text(
        "rooms:\n  ops:\n    members:\n"
        "      - {member: bob@example.com, until: 2027-06-30, reason: migration, ticket: OPS-9}\n"
        "      - carol@example.com\n"
    )
    d = load_desired(desired_dir)
    md = render_markdown(plan(d, live_state(d, live_target("ops")), now=at("2027-03-01T00:00:00")))
    assert (
        "+ bob@example.com (Member)\n"
        f"  # declared at {desired_dir}/rooms.yaml:4 as Member, until 2027-06-30, reason: "
        "migration, ticket OPS-9\n"
        "+ carol@example.com (Member)\n"
    ) in md  # carol's path has nothing to add: shown with -v only


def test_an_expired_member_kept_because_the_room_does_not_prune_is_a_warning(
    desired_dir: Path,
) -> None:
    d = load(desired_dir, prune=False)
    p = plan(d, everyone_live(d), now=at("2027-03-20T00:00:00"))
    assert p.changes == ()
    kept = (
        f"bob@example.com in room ops: Member expired 2027-03-15, declared at "
        f"{desired_dir}/rooms.yaml:11; still a member: this room does not prune"
    )
    assert render_text(p).splitlines()[:5] == [
        f"# room ops (account {ACCOUNT}, id room-ops)",
        "    not in the desired state: bob@example.com (Member)",
        "",
        "Warning: 1 expired membership is still in Chime:",
        f"  {kept}",
    ]
    assert f"> **1 expired membership is still in Chime:**\n>\n> - {kept}" in (
        render_markdown(p).replace("\\_", "_")
    )
    data = plan_to_data(p)
    jsonschema.validate(data, load_schema())
    assert data["expired_kept"][0]["days_left"] == -5
    assert plan_from_data(data) == p


TWO_PATHS = """
groups:
  temp:
    - {member: carol@example.com, until: 2027-03-05}
  perm: [carol@example.com]
  contractors:
    - {member: dave@example.com, until: 2027-03-31}
rooms:
  ops:
    prune: true
    administrators: ["@temp", "@perm"]
    members:
      - {member: dave@example.com, until: 2027-01-31}
      - "@contractors"
"""


def two_paths(directory: Path) -> DesiredState:
    (directory / "rooms.yaml").write_text(textwrap.dedent(TWO_PATHS).lstrip())
    return load_desired(directory)


def two_paths_live(d: DesiredState):  # type: ignore[no-untyped-def]
    """carol an Administrator and dave a Member of ops, as TWO_PATHS declares them."""
    return live_state(
        d,
        live_target(
            "ops",
            live_member("carol@example.com", ADMIN),
            live_member("dave@example.com", MEMBER),
        ),
    )


def test_no_warning_for_a_path_ending_while_another_keeps_the_member_as_it_is(
    desired_dir: Path,
) -> None:
    """QA-F Q-F-1: carol stays an Administrator through @perm when @temp's entry ends:
    nothing about her membership ends, so no warning (it opened drift issues for
    nothing); dave's last path does end within the window, and is warned about."""
    d = two_paths(desired_dir)
    live = two_paths_live(d)
    p = plan(d, live, now=at("2027-03-20T00:00:00"))
    assert p.changes == ()
    assert [(str(e.member), str(e.until)) for e in p.expiring] == [
        ("dave@example.com", "2027-03-31")
    ]
    assert plan(d, live, now=at("2027-03-01T00:00:00")).expiring == ()  # carol's: no change


def test_a_removal_names_the_last_path_that_ended(desired_dir: Path) -> None:
    """QA-F Q-F-2: dave's own entry ended in January, his group's in March: he is removed
    because of March's, and the line says so (as the warning of a room that does not
    prune does)."""
    d = two_paths(desired_dir)
    live = two_paths_live(d)
    p = plan(d, live, now=at("2027-04-02T00:00:00"))
    assert render_text(p).splitlines()[1] == (
        f"  - dave@example.com (Member): expired 2027-03-31, declared at {desired_dir}/rooms.yaml:6"
    )


def test_an_expired_member_kept_is_not_marked_as_ending_soon(desired_dir: Path) -> None:
    """QA-FC Q-FC-5: the note on access that expired but stays (a room that does not
    prune) has no "ends soon" marker: under `drift: changes-only` the drift check would
    open "Chime memberships end soon (no drift)" for it, an issue no later plan closes."""
    d = load(desired_dir, prune=False)
    # bob expired on 2027-03-15; alice's end (2027-03-31) is 15 days away: not soon
    md = render_markdown(plan(d, everyone_live(d), now=at("2027-03-16T08:00:00")))
    assert "\n\n> [!NOTE]\n> **1 expired membership is still in Chime:**\n" in md
    assert not lists_expiring(md)
    # with a membership ending soon too, the note is marked
    assert lists_expiring(render_markdown(plan(d, everyone_live(d), now=at("2027-03-20"))))
