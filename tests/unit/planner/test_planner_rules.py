"""The planner's rules, one by one, with plain values."""

from __future__ import annotations

from planner_builders import (
    ADMIN,
    FILE,
    MEMBER,
    desired_state,
    desired_target,
    key,
    lines,
    live_member,
    live_state,
    live_target,
    member_id,
    ref,
    want,
)

from reconciler.live import LiveProblem, LiveState
from reconciler.plan import Action
from reconciler.planner import plan
from reconciler.refs import Location, MemberKind, Provenance


def test_missing_member_is_created_with_its_resolved_id_and_provenance() -> None:
    d = desired_state(desired_target("ops", want("alice@example.com", ADMIN, line=7)))
    p = plan(d, live_state(d, live_target("ops")))
    [change] = p.changes
    assert change.action is Action.CREATE
    assert change.member == ref("alice@example.com")
    assert change.member_id == "user-alice-at-example.com"
    assert change.member_kind is MemberKind.USER
    assert (change.role_before, change.role_after) == (None, ADMIN)
    assert change.provenance == (Provenance(ADMIN, Location(FILE, 7)),)
    assert change.target == key("ops")


def test_unresolved_member_is_skipped_and_its_problem_reported() -> None:
    d = desired_state(desired_target("ops", want("ghost@example.com"), want("bob@example.com")))
    problem = LiveProblem(key("ops"), Location(FILE, 3), "no Chime user with e-mail ghost")
    live = live_state(d, live_target("ops"), unresolved=["ghost@example.com"], problems=[problem])
    p = plan(d, live)
    assert lines(p.changes) == ["create bob@example.com -->Member"]
    assert p.errors == (f"{FILE}:3: no Chime user with e-mail ghost",)


def test_member_with_a_lower_role_is_promoted() -> None:
    d = desired_state(desired_target("ops", want("bob@example.com", ADMIN)))
    p = plan(d, live_state(d, live_target("ops", live_member("bob@example.com", MEMBER))))
    assert lines(p.changes) == ["update bob@example.com Member->Administrator"]
    assert p.changes[0].member_id == member_id(ref("bob@example.com"))


def test_member_with_a_higher_role_is_demoted() -> None:
    d = desired_state(desired_target("ops", want("bob@example.com", MEMBER)))
    p = plan(d, live_state(d, live_target("ops", live_member("bob@example.com", ADMIN))))
    assert lines(p.changes) == ["update bob@example.com Administrator->Member"]
    assert p.changes[0].is_removal


def test_bot_role_change_is_an_update_of_a_bot() -> None:
    d = desired_state(desired_target("ops", want("bot:PagerBot", ADMIN)))
    p = plan(d, live_state(d, live_target("ops", live_member("bot:PagerBot", MEMBER))))
    [change] = p.changes
    assert (change.action, change.member_kind) == (Action.UPDATE, MemberKind.BOT)
    assert (change.role_before, change.role_after) == (MEMBER, ADMIN)


def test_member_with_the_declared_role_is_left_alone() -> None:
    d = desired_state(desired_target("ops", want("bob@example.com", ADMIN), prune=True))
    p = plan(d, live_state(d, live_target("ops", live_member("bob@example.com", ADMIN))))
    assert p.changes == ()
    assert not p.has_changes
    assert p.summary.line() == "No changes. Chime memberships match the desired state."


def test_emails_match_whatever_their_case() -> None:
    d = desired_state(desired_target("ops", want("Bob@Example.COM", ADMIN), prune=True))
    live = live_state(d, live_target("ops", live_member("bob@example.com", ADMIN)))
    assert plan(d, live).changes == ()


def test_prune_on_deletes_undeclared_members() -> None:
    d = desired_state(desired_target("ops", want("alice@example.com"), prune=True))
    live = live_state(
        d,
        live_target(
            "ops",
            live_member("alice@example.com"),
            live_member("carol@example.com", ADMIN),
            live_member("bot:OldBot"),
        ),
    )
    p = plan(d, live)
    assert lines(p.changes) == [
        "delete bot:OldBot Member->-",
        "delete carol@example.com Administrator->-",
    ]
    assert p.changes[1].member_id == "user-carol-at-example.com"
    assert p.targets[0].unmanaged == ()


def test_prune_off_leaves_unmanaged_members() -> None:
    d = desired_state(desired_target("ops", want("alice@example.com"), prune=False))
    carol = live_member("carol@example.com", ADMIN)
    p = plan(d, live_state(d, live_target("ops", live_member("alice@example.com"), carol)))
    assert p.changes == ()
    assert p.targets[0].unmanaged == (carol,)


def test_webhooks_are_never_pruned() -> None:
    d = desired_state(desired_target("ops", want("alice@example.com"), prune=True))
    hook = live_member("webhook:Alerts")
    p = plan(d, live_state(d, live_target("ops", live_member("alice@example.com"), hook)))
    assert p.changes == ()
    assert p.targets[0].unmanaged == (hook,)


def test_protected_member_is_not_pruned_and_listed_as_protected() -> None:
    d = desired_state(
        desired_target("ops", want("alice@example.com"), prune=True),
        protected=["BreakGlass@example.com"],
    )
    glass = live_member("breakglass@example.com", ADMIN)
    p = plan(d, live_state(d, live_target("ops", live_member("alice@example.com"), glass)))
    assert p.changes == ()
    assert p.targets[0].protected == (glass,)
    assert p.targets[0].unmanaged == ()


def test_protected_member_with_prune_off_is_only_unmanaged() -> None:
    d = desired_state(desired_target("ops", prune=False), protected=["breakglass@example.com"])
    glass = live_member("breakglass@example.com", ADMIN)
    p = plan(d, live_state(d, live_target("ops", glass)))
    assert (p.targets[0].unmanaged, p.targets[0].protected) == ((glass,), ())
    # marked, so that no hint says prune removes it (QA round two, D16)
    assert p.targets[0].unmanaged_protected == (glass.ref,)


def test_protected_member_declared_with_a_lower_role_is_not_demoted() -> None:
    d = desired_state(
        desired_target("ops", want("breakglass@example.com", MEMBER), prune=True),
        protected=["breakglass@example.com"],
    )
    glass = live_member("breakglass@example.com", ADMIN)
    p = plan(d, live_state(d, live_target("ops", glass)))
    assert p.changes == ()
    # declared: not listed as protected on every plan (`explain` says it is kept)
    assert p.targets[0].protected == ()


def test_protected_member_can_be_promoted_and_added() -> None:
    d = desired_state(
        desired_target("ops", want("breakglass@example.com", ADMIN), want("bot:Guard", ADMIN)),
        protected=["breakglass@example.com", "bot:Guard"],
    )
    live = live_state(d, live_target("ops", live_member("breakglass@example.com", MEMBER)))
    assert lines(plan(d, live).changes) == [
        "create bot:Guard -->Administrator",
        "update breakglass@example.com Member->Administrator",
    ]


def test_changes_are_ordered_creates_updates_deletes_then_kind_and_member() -> None:
    d = desired_state(
        desired_target(
            "ops",
            want("zoe@example.com"),
            want("bot:Zed"),
            want("amy@example.com"),
            want("bob@example.com", ADMIN),
            want("bot:Ace", ADMIN),
            prune=True,
        )
    )
    live = live_state(
        d,
        live_target(
            "ops",
            live_member("bob@example.com"),
            live_member("bot:Ace"),
            live_member("yan@example.com"),
            live_member("bot:Old"),
            live_member("abe@example.com"),
        ),
    )
    assert lines(plan(d, live).changes) == [
        "create bot:Zed -->Member",
        "create amy@example.com -->Member",
        "create zoe@example.com -->Member",
        "update bot:Ace Member->Administrator",
        "update bob@example.com Member->Administrator",
        "delete bot:Old Member->-",
        "delete abe@example.com Member->-",
        "delete yan@example.com Member->-",
    ]


def test_targets_are_sorted_and_carry_live_id_fingerprint_and_count() -> None:
    d = desired_state(
        desired_target("zulu", want("a@example.com")),
        desired_target("alpha", want("a@example.com")),
    )
    alpha = live_target("alpha", live_member("b@example.com"), live_member("c@example.com"))
    zulu = live_target("zulu", id="room-z")
    p = plan(d, live_state(d, zulu, alpha))
    assert [t.key.name for t in p.targets] == ["alpha", "zulu"]
    assert (p.targets[0].target_id, p.targets[0].fingerprint) == ("room-alpha", alpha.fingerprint)
    assert (p.targets[0].live_count, p.targets[1].live_count) == (2, 0)
    assert p.targets[1].target_id == "room-z"


def test_plan_records_the_desired_digest() -> None:
    d = desired_state(desired_target("ops"), digest="sha256:abc")
    assert plan(d, live_state(d, live_target("ops"))).desired_digest == "sha256:abc"


def test_room_reported_missing_by_the_provider_is_left_out_with_its_error() -> None:
    d = desired_state(desired_target("ops", want("a@example.com")), desired_target("gone"))
    problem = LiveProblem(key("gone"), Location(FILE, 9), "no Chime room named gone")
    p = plan(d, live_state(d, live_target("ops"), problems=[problem]))
    assert [t.key.name for t in p.targets] == ["ops"]
    assert p.errors == (f"{FILE}:9: no Chime room named gone",)


def test_room_missing_from_live_without_a_problem_is_still_reported() -> None:
    d = desired_state(desired_target("gone", want("a@example.com"), line=12))
    p = plan(d, live_state(d))
    assert p.targets == ()
    assert p.errors == (
        f"{FILE}:12: room 'gone' was not read from Chime; it is left out of this plan",
    )


def test_errors_are_in_file_and_line_order_without_duplicates() -> None:
    d = desired_state(desired_target("ops"))
    problems = [
        LiveProblem(None, None, "unlocated"),
        LiveProblem(key("ops"), Location("b.yaml", 2), "second"),
        LiveProblem(key("ops"), Location("a.yaml", 10), "first, line 10"),
        LiveProblem(key("ops"), Location("a.yaml", 9), "first, line 9"),
        LiveProblem(key("ops"), Location("a.yaml", 9), "first, line 9"),
    ]
    p = plan(d, live_state(d, live_target("ops"), problems=problems))
    assert p.errors == (
        "a.yaml:9: first, line 9",
        "a.yaml:10: first, line 10",
        "b.yaml:2: second",
        "unlocated",
    )


def test_target_option_plans_only_the_named_targets() -> None:
    d = desired_state(
        desired_target("ops", want("a@example.com")),
        desired_target("dev", want("a@example.com")),
        desired_target("by-id", want("a@example.com"), target_id="room-42"),
    )
    live = live_state(d, live_target("ops"), live_target("dev"), live_target("by-id"))
    p = plan(d, live, targets=["dev", "room-42"])
    assert [t.key.name for t in p.targets] == ["by-id", "dev"]
    assert p.errors == ()


def test_target_option_with_an_unknown_name_is_an_error_with_a_suggestion() -> None:
    d = desired_state(desired_target("incident-response"), desired_target("ops"))
    live = live_state(d, live_target("incident-response"), live_target("ops"))
    p = plan(d, live, targets=["incident-respons", "nothing-like-it"])
    assert p.targets == ()
    # both declared by name: the id Chime gave them is not matched, and that is said
    not_live_ids = (
        "; --target takes a target's name (its key in the YAML) or the id written there, "
        "not the id Chime gave a target declared by name"
    )
    assert p.errors == (
        "--target: no target named 'incident-respons' is declared "
        "(did you mean 'incident-response'?)" + not_live_ids,
        "--target: no target named 'nothing-like-it' is declared" + not_live_ids,
    )


def test_target_option_with_some_targets_declared_by_name_explains_the_ids_chime_gave() -> None:
    # Q-AN-1: one room by `id:`, one by name: `room-ops` (the id Chime gave `ops`, as the
    # plan's header shows it) is not matched, and the error says why
    d = desired_state(desired_target("ops"), desired_target("incident", target_id="room-7"))
    live = live_state(d, live_target("ops"), live_target("incident"))
    p = plan(d, live, targets=["room-ops"])
    assert p.targets == ()
    [error] = p.errors
    assert error.startswith("--target: no target named 'room-ops' is declared")
    assert error.endswith(
        "; --target takes a target's name (its key in the YAML) or the id written there, "
        "not the id Chime gave a target declared by name"
    )


def test_target_option_with_every_target_declared_by_id_says_only_what_is_unknown() -> None:
    d = desired_state(desired_target("ops", target_id="room-1"))
    p = plan(d, live_state(d, live_target("ops")), targets=["room-2"])
    assert p.errors == ("--target: no target named 'room-2' is declared (did you mean 'room-1'?)",)


def test_target_option_keeps_only_the_problems_of_the_named_targets() -> None:
    d = desired_state(desired_target("ops"), desired_target("dev"))
    problems = [
        LiveProblem(key("dev"), Location(FILE, 1), "dev problem"),
        LiveProblem(key("ops"), Location(FILE, 2), "ops problem"),
        LiveProblem(None, None, "general problem"),
    ]
    live = live_state(d, live_target("ops"), live_target("dev"), problems=problems)
    assert plan(d, live, targets=["ops"]).errors == (f"{FILE}:2: ops problem", "general problem")


def test_same_room_name_in_two_accounts_are_two_targets() -> None:
    d = desired_state(
        desired_target("ops", want("a@example.com"), scope="acct-2"),
        desired_target("ops", want("a@example.com"), scope="acct-1"),
    )
    live = live_state(d, live_target("ops", scope="acct-2"), live_target("ops", scope="acct-1"))
    p = plan(d, live, targets=["ops"])
    assert [(t.key.scope, len(t.changes)) for t in p.targets] == [("acct-1", 1), ("acct-2", 1)]


def test_second_live_membership_of_the_same_member_is_pruned() -> None:
    d = desired_state(desired_target("ops", want("bot:Twin", ADMIN), prune=True))
    first = live_member("bot:Twin", ADMIN, id="bot-1")
    second = live_member("bot:Twin", MEMBER, id="bot-2")
    p = plan(d, live_state(d, live_target("ops", second, first)))
    assert [(c.action, c.member_id) for c in p.changes] == [(Action.DELETE, "bot-2")]


def test_member_resolved_only_in_another_account_is_not_created() -> None:
    """zed@globex.io is a user of acct-2 only: acct-1's room must not get acct-2's user id
    (the provider reports the unknown e-mail for acct-1; the plan adds nothing there)."""
    d = desired_state(
        desired_target("ops", want("zed@globex.io"), scope="acct-1"),
        desired_target("general", want("zed@globex.io"), scope="acct-2"),
    )
    zed = ref("zed@globex.io")
    problem = LiveProblem(key("ops", "acct-1"), Location(FILE, 3), "no Chime user zed")
    live = LiveState(
        {
            key("ops", "acct-1"): live_target("ops", scope="acct-1"),
            key("general", "acct-2"): live_target("general", scope="acct-2"),
        },
        member_ids={zed: "acct2-zed"},  # the unscoped view: unambiguous across accounts
        problems=(problem,),
        scoped_member_ids={("acct-2", zed): "acct2-zed"},
    )
    p = plan(d, live)
    assert [(t.key.scope, lines(t.changes)) for t in p.targets] == [
        ("acct-1", []),
        ("acct-2", ["create zed@globex.io -->Member"]),
    ]
    assert p.errors == (f"{FILE}:3: no Chime user zed",)


def full_room(prune: bool) -> list[str]:
    """A room declaring AWS's 1,000 members (m0 not live yet); live, 999 of them and
    breakglass, who is protected: the errors of its plan (QA-A Q-A-3)."""
    team = [f"m{i}@example.com" for i in range(1_000)]
    d = desired_state(
        desired_target("ops", *(want(m) for m in team), prune=prune, line=3),
        protected=["breakglass@example.com"],
    )
    live = [live_member(m) for m in team[1:]] + [live_member("breakglass@example.com", ADMIN)]
    p = plan(d, live_state(d, live_target("ops", *live)))
    assert bool(p.targets) is not bool(p.errors)  # over the maximum: not planned
    return list(p.errors)


def test_a_target_at_the_maximum_with_a_protected_member_kept_is_over_it() -> None:
    error = (
        f"{FILE}:3: room 'ops' would have 1,001 members after this apply, more than AWS's "
        "maximum of 1,000: 1,000 declared, and 1 kept that no file declares there "
        "(breakglass@example.com: protected); apply would fail for the 1 over it"
    )
    assert full_room(prune=True) == [error]
    # prune off: breakglass stays, protected or not, as any member no file declares:
    # someone else's, not counted; the plan is made (QA-CY Q-CY-1)
    assert full_room(prune=False) == []


def test_over_the_maximum_names_three_kept_members_and_counts_the_others() -> None:
    # Q-EG-5: five protected members no file declares kept in a full room: three named,
    # "and 2 more", so that the user knows how many to free
    team = [f"m{i}@example.com" for i in range(1_000)]
    guards = [f"guard{i}@example.com" for i in range(1, 6)]
    d = desired_state(
        desired_target("ops", *(want(m) for m in team), prune=True, line=3), protected=guards
    )
    live = [live_member(m) for m in team[1:]] + [live_member(g, ADMIN) for g in guards]
    p = plan(d, live_state(d, live_target("ops", *live)))
    assert p.targets == ()
    assert p.errors == (
        f"{FILE}:3: room 'ops' would have 1,005 members after this apply, more than AWS's "
        "maximum of 1,000: 1,000 declared, and 5 kept that no file declares there "
        "(guard1@example.com: protected, guard2@example.com: protected, "
        "guard3@example.com: protected and 2 more); apply would fail for the 5 over it",
    )


def test_members_someone_else_added_do_not_count_where_pruning_is_off() -> None:
    # breakglass unprotected and undeclared, prune off: someone else's member, unmanaged;
    # AWS refuses the add over the maximum at apply (as when the target fills up meanwhile)
    team = [f"m{i}@example.com" for i in range(1_000)]
    d = desired_state(desired_target("ops", *(want(m) for m in team), prune=False))
    live = [live_member(m) for m in team[1:]] + [live_member("other@example.com")]
    p = plan(d, live_state(d, live_target("ops", *live)))
    assert p.errors == () and lines(p.changes) == ["create m0@example.com -->Member"]


def test_over_the_maximum_counts_the_declared_members_refused_and_the_kept_ones() -> None:
    """QA-GQ Q-GQ-2: 1,000 declared, ghost among them (Chime knows no such user: refused,
    not added); live m2..m998 and two protected guards no file declares, kept: m0 and m1
    added make 1,001. The message's counts add up to it: 1,000 declared, 1 of them
    refused, and 2 kept."""
    team = [f"m{i}@example.com" for i in range(999)]
    guards = ["guard1@example.com", "guard2@example.com"]
    d = desired_state(
        desired_target("ops", *(want(m) for m in [*team, "ghost@example.com"]), prune=True, line=3),
        protected=guards,
    )
    live = [live_member(m) for m in team[2:]] + [live_member(g, ADMIN) for g in guards]
    p = plan(d, live_state(d, live_target("ops", *live), unresolved=["ghost@example.com"]))
    assert p.targets == ()
    assert (
        f"{FILE}:3: room 'ops' would have 1,001 members after this apply, more than AWS's "
        "maximum of 1,000: 1,000 declared, 1 of them refused by this plan (not added), and 2 "
        "kept that no file declares there (guard1@example.com: protected and "
        "guard2@example.com: protected); apply would fail for the 1 over it"
    ) in p.errors
