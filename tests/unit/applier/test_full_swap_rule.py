"""Q-AT-2: the plan warns of a full meeting's swap that apply cannot make (its last
presenter that stays replaced by a new one), by the rule apply orders its removals with
(``reconciler.apply_places``): removals of non-presenters first, then of presenters while
a presenter stays. A swap apply makes (a second presenter staying, a non-presenter's
removal freeing the place, a room in the meeting) is not warned of. Q-BB-1: a full room
likewise, by its ``min_administrators`` (``TargetPlan.minimum``, the planner's)."""

from __future__ import annotations

import pytest

from reconciler.apply_places import making_room
from reconciler.capabilities import BUILTIN_PROFILES
from reconciler.create_batches import create_batches
from reconciler.full_swap import full_swap_lines, full_swap_target
from reconciler.kinds import MEETING, ROOM
from reconciler.kinds.channels import CHANNEL_MODERATOR, MODERATOR
from reconciler.plan import Action, Change, Plan, TargetPlan
from reconciler.refs import MemberKind, MemberRef, Role, TargetKey

PRESENTER = BUILTIN_PROFILES["presenter"]
VIEWER = BUILTIN_PROFILES["viewer"]
KEY = TargetKey(MEETING.id, "m-1", "bridge")
ID = "6f1c2a9e-0000-4000-8000-000000000001"


def change(action: Action, who: str, before: object = None, after: object = None) -> Change:
    return Change(action, KEY, MemberRef.user(who), who, MemberKind.USER, before, after)  # type: ignore[arg-type]


def add(who: str, role: object = PRESENTER) -> Change:
    return change(Action.CREATE, who, after=role)


def remove(who: str, role: object = PRESENTER) -> Change:
    return change(Action.DELETE, who, before=role)


def meeting(*changes: Change, live: int, presenters: int, most: int | None = 1) -> TargetPlan:
    return TargetPlan(
        KEY, ID, "fp", changes, live_count=live, live_elevated=presenters, max_members=most
    )


def test_the_only_presenter_replaced_in_a_full_meeting_is_warned_of() -> None:
    tp = meeting(add("bob@example.com"), remove("alice@example.com"), live=1, presenters=1)
    found = full_swap_target(tp)
    assert found is not None
    assert (found.refused, [str(m) for m in found.adds], [str(m) for m in found.kept]) == (
        1,
        ["bob@example.com"],
        ["alice@example.com"],
    )
    lines = full_swap_lines(Plan((tp,)))
    assert lines[0].startswith("1 target has adds that do not fit, and apply cannot make")
    message = lines[1]
    assert f"meeting 'bridge' (id {ID}) has no place for its add (1 attendee now, the " in (message)
    assert "AWS will refuse bob@example.com (LimitExceeded), alice@example.com kept" in message
    assert found.applies is None
    assert message.endswith(
        "To converge: make a place first (apply with 1 attendee fewer), or keep another "
        "attendee a presenter meanwhile."
    )


def test_at_aws_maximum_too() -> None:
    """No MaxCount of its own: AWS's 250."""
    tp = meeting(
        add("new@example.com"), remove("old@example.com"), live=250, presenters=1, most=None
    )
    found = full_swap_target(tp)
    assert found is not None and (found.maximum, found.own_maximum) == (250, False)


@pytest.mark.parametrize(
    "tp",
    [
        # a second presenter stays: apply removes alice first
        meeting(add("bob@example.com"), remove("alice@example.com"), live=2, presenters=2, most=2),
        # a viewer's removal frees the place first
        meeting(
            add("bob@example.com"),
            remove("alice@example.com"),
            remove("vic@example.com", VIEWER),
            live=2,
            presenters=1,
            most=2,
        ),
        # a place is free
        meeting(add("bob@example.com"), remove("alice@example.com"), live=1, presenters=1, most=2),
        # a viewer promoted in place keeps a presenter meanwhile
        meeting(
            add("bob@example.com"),
            change(Action.UPDATE, "vic@example.com", VIEWER, PRESENTER),
            remove("alice@example.com"),
            live=2,
            presenters=1,
            most=2,
        ),
        # the new one is no presenter: the meeting is left without one after, so apply
        # may remove alice first (the floor is the fewer of before and after)
        meeting(add("bob@example.com", VIEWER), remove("alice@example.com"), live=1, presenters=1),
        # over the maximum whatever the order: ``over_maximum``'s warning, not this one
        meeting(add("bob@example.com"), live=1, presenters=1),
        # no adds
        meeting(remove("alice@example.com"), live=1, presenters=1),
    ],
    ids=[
        "second-presenter",
        "viewer-removed",
        "place-free",
        "promoted-in-place",
        "no-presenter-after",
        "over-maximum",
        "no-adds",
    ],
)
def test_a_swap_apply_makes_is_not_warned_of(tp: TargetPlan) -> None:
    assert full_swap_target(tp) is None
    assert full_swap_lines(Plan((tp,))) == []


ROOM_KEY = TargetKey(ROOM.id, "acct", "ops")
ADMIN = Role.ADMINISTRATOR


def room_change(action: Action, who: str, before: Role | None, after: Role | None) -> Change:
    ref = MemberRef.user(who)
    return Change(action, ROOM_KEY, ref, who, MemberKind.USER, before, after)


def full_room(*changes: Change, admins: int = 1, minimum: int | None = 1) -> TargetPlan:
    """A room at AWS's 1,000 members, ``minimum``: its ``min_administrators`` as the
    planner read it (None: a plan file's, which does not keep it)."""
    return TargetPlan(
        ROOM_KEY, "ops", "fp", changes, live_count=1_000, live_elevated=admins, minimum=minimum
    )


SWAP = (
    room_change(Action.CREATE, "b@x.io", None, ADMIN),
    room_change(Action.DELETE, "a@x.io", ADMIN, None),
)


def test_a_full_room_whose_only_administrator_is_replaced_is_warned_of() -> None:
    """Q-BB-1: ``min_administrators: 1`` keeps a@x.io until the adds are made, and AWS
    refuses b@x.io on every apply."""
    found = full_swap_target(full_room(*SWAP))
    assert found is not None
    assert ([str(m) for m in found.refused_adds], [str(m) for m in found.kept]) == (
        ["b@x.io"],
        ["a@x.io"],
    )
    assert (found.floor, found.keeps, found.applies) == (1, True, None)
    message = found.message()
    assert message.startswith("room 'ops' (id ops) has no place for its add (1,000 members now")
    assert "AWS will refuse b@x.io (ResourceLimitExceeded), a@x.io kept, on this apply and" in (
        message
    )
    assert message.endswith("or keep another member an administrator meanwhile.")


def test_a_plain_member_refused_in_a_full_room_says_a_second_apply_completes_it() -> None:
    """m@x.io's removal frees one place: the new administrator goes out first and takes
    it, the plain member after it is refused: this apply still removes a@x.io after them,
    the next adds c@x.io (repro1)."""
    found = full_swap_target(
        full_room(
            *SWAP[:1],
            room_change(Action.CREATE, "c@x.io", None, Role.MEMBER),
            *SWAP[1:],
            room_change(Action.DELETE, "m@x.io", Role.MEMBER, None),
        )
    )
    assert found is not None
    assert ([str(m) for m in found.refused_adds], found.keeps, found.applies) == (
        ["c@x.io"],
        False,
        2,
    )


@pytest.mark.parametrize(
    "tp",
    [
        # min_administrators: 0: apply removes a@x.io first, making the place
        full_room(*SWAP, minimum=0),
        # a second administrator stays: apply removes a@x.io first
        full_room(*SWAP, admins=2),
        # a plain member's removal frees the place first
        full_room(*SWAP, room_change(Action.DELETE, "m@x.io", Role.MEMBER, None)),
        # a plan file's room: its minimum is not kept there, so it is not judged
        full_room(*SWAP, minimum=None),
    ],
    ids=["minimum-0", "second-admin", "member-removed", "plan-file"],
)
def test_a_room_swap_apply_makes_or_cannot_judge_is_not_warned_of(tp: TargetPlan) -> None:
    assert full_swap_target(tp) is None


def test_a_presenter_among_the_adds_aws_takes_lets_a_second_apply_complete_it() -> None:
    """Q-AX-1: AWS takes bob (first to go out), refuses carol: this apply keeps alice (a
    presenter's add failed), the next removes her first; Q-AX-2: not "full"."""
    tp = meeting(
        add("bob@example.com"),
        add("carol@example.com"),
        remove("alice@example.com"),
        live=1,
        presenters=1,
        most=2,
    )
    found = full_swap_target(tp)
    assert found is not None
    assert ([str(m) for m in found.refused_adds], found.keeps, found.applies) == (
        ["carol@example.com"],
        True,
        2,
    )
    message = found.message()
    assert "has no place for 1 of its 2 adds (1 attendee now" in message
    assert "is full" not in message and "every later" not in message
    assert message.endswith(
        "this apply keeps alice@example.com (adding a presenter failed first). A second "
        "apply completes the plan."
    )


def test_a_viewer_refused_lets_this_apply_remove_the_old_presenter() -> None:
    tp = meeting(
        add("bob@example.com"),
        add("carol@example.com", VIEWER),
        remove("alice@example.com"),
        remove("dial-in-1", VIEWER),
        live=2,
        presenters=1,
        most=2,
    )
    found = full_swap_target(tp)
    assert found is not None and (found.keeps, found.applies) == (False, 2)
    assert "this apply still removes alice@example.com after them" in found.message()


@pytest.mark.parametrize(
    ("n", "later"),
    [(2, "The next apply makes more of the plan"), (3, "The next 2 applies make more of the plan")],
)
def test_the_applies_that_still_make_progress_are_counted_in_plain_words(
    n: int, later: str
) -> None:
    """Q-BI wording: ``min_administrators: n`` keeps n administrators while n new ones and
    a member are swapped in a full room: each apply adds some of the plan, then they stop.
    The warning says how many later applies still do, in agreeing words ("The next apply
    makes", "The next 2 applies make"), never "The next 1 later apply make"."""
    found = full_swap_target(
        full_room(
            *(room_change(Action.CREATE, f"b{i}@x.io", None, ADMIN) for i in range(n)),
            room_change(Action.CREATE, "n@x.io", None, Role.MEMBER),
            *(room_change(Action.DELETE, f"a{i}@x.io", ADMIN, None) for i in range(n)),
            room_change(Action.DELETE, "m@x.io", Role.MEMBER, None),
            admins=n,
            minimum=n,
        )
    )
    assert found is not None and (found.applies, found.progress) == (None, n)
    assert f"(adding an administrator failed first). {later}, then every apply fails the " in (
        found.message()
    )


def test_an_administrators_add_refused_among_others_keeps_the_old_administrators() -> None:
    """AWS refuses b2@x.io (an administrator) and m1@x.io (a member): since an
    administrator's add failed, this apply keeps the administrators it would remove after
    the adds, and the warning says so (not "this apply still removes a2, a3")."""
    found = full_swap_target(
        full_room(
            room_change(Action.CREATE, "b1@x.io", None, ADMIN),
            room_change(Action.CREATE, "b2@x.io", None, ADMIN),
            room_change(Action.CREATE, "m1@x.io", None, Role.MEMBER),
            *(room_change(Action.DELETE, f"a{i}@x.io", ADMIN, None) for i in (1, 2, 3)),
            admins=3,
            minimum=2,
        )
    )
    assert found is not None
    assert ([str(m) for m in found.refused_adds], found.keeps) == (["b2@x.io", "m1@x.io"], True)
    assert "this apply keeps a2@x.io and a3@x.io" in found.message()


def test_the_warning_names_three_members_then_counts_the_rest() -> None:
    """Four administrators swapped for four in a full room with ``min_administrators: 4``:
    the warning names three of each and counts the fourth."""
    found = full_swap_target(
        full_room(
            *(room_change(Action.CREATE, f"b{i}@x.io", None, ADMIN) for i in range(1, 5)),
            *(room_change(Action.DELETE, f"a{i}@x.io", ADMIN, None) for i in range(1, 5)),
            admins=4,
            minimum=4,
        )
    )
    assert found is not None and found.refused == 4
    message = found.message()
    assert "it removes a1@x.io, a2@x.io, a3@x.io and 1 more only after the adds" in message
    assert "AWS will refuse b1@x.io, b2@x.io, b3@x.io and 1 more (ResourceLimitExceeded)" in (
        message
    )


def test_a_members_removal_already_made_frees_the_place_so_no_administrator_goes_first() -> None:
    """A member's removal (made first) freed the one place the one add needs: apply removes
    no administrator before the add, so if b1@x.io's add then fails the room still has
    a1@x.io and a2@x.io. Without that removal, one administrator must go first."""
    changes = (
        room_change(Action.DELETE, "x1@x.io", Role.MEMBER, None),
        room_change(Action.DELETE, "a1@x.io", ADMIN, None),
        room_change(Action.DELETE, "a2@x.io", ADMIN, None),
        room_change(Action.CREATE, "b1@x.io", None, ADMIN),
    )
    tp = full_room(*changes, admins=3, minimum=1)
    deletes = [(i, c) for i, c in enumerate(changes) if c.action is Action.DELETE]
    assert making_room(tp, deletes, 1, freed=1, promoted=0, made={0}, minimum=1) == []
    assert making_room(tp, deletes, 1, freed=0, promoted=0, made=set(), minimum=1) == [deletes[1]]


def test_a_role_changed_by_delete_and_create_is_added_back_before_new_members() -> None:
    """A member whose role change is a delete and a create goes back in before the new
    members, so it takes back the place its own delete freed even if the room filled up
    since the plan (it is not left out while a newcomer takes its place)."""
    items = [
        (0, room_change(Action.CREATE, "new@x.io", None, Role.MEMBER)),
        (1, room_change(Action.UPDATE, "bot@x.io", ADMIN, Role.MEMBER)),
        (2, room_change(Action.CREATE, "new2@x.io", None, ADMIN)),
    ]
    assert [i for batch in create_batches(ROOM, items) for i, _ in batch] == [1, 0, 2]


def test_a_full_channels_moderator_swap_names_moderators_not_members() -> None:
    """Q-BS-4: the moderator kind's members are moderators: "(1,000 moderators now", "with
    1 moderator fewer", "keep another moderator meanwhile" (not "member a moderator")."""
    key = TargetKey(CHANNEL_MODERATOR.id, "arn:app-instance/chat", "ops")

    def moderator(action: Action, who: str) -> Change:
        before, after = (None, MODERATOR) if action is Action.CREATE else (MODERATOR, None)
        return Change(action, key, MemberRef.user(who), who, MemberKind.USER, before, after)

    tp = TargetPlan(
        key,
        "arn:app-instance/chat/channel/ops",
        "fp",
        (moderator(Action.CREATE, "b"), moderator(Action.DELETE, "a")),
        live_count=CHANNEL_MODERATOR.max_members or 0,
        live_elevated=1,
        minimum=1,
    )
    found = full_swap_target(tp)
    assert found is not None
    message = found.message()
    most = f"{CHANNEL_MODERATOR.max_members:,}"
    assert f"has no place for its add ({most} moderators now, AWS's maximum of {most})" in message
    assert message.endswith(
        "To converge: make a place first (apply with 1 moderator fewer), or keep another "
        "moderator meanwhile."
    )


@pytest.mark.parametrize("live", [0, 1, 2])
def test_adds_with_a_place_each_are_not_warned_of_and_apply_is_not_simulated(
    live: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adds that fit with no one removed first: nothing is refused, so no warning, and
    the rounds of apply are not run to find that out (a plan of 300 rooms x 200 members
    spent 10 ms of its rendering there, after the last answer)."""
    import reconciler.full_swap as full_swap

    changes = (add("bob@example.com"), remove("alice@example.com"))
    tp = meeting(*changes, live=live, presenters=min(live, 1), most=live + 1)
    assert full_swap_target(tp) is None

    def simulated(*_: object) -> None:
        raise AssertionError("apply simulated for adds that fit")

    monkeypatch.setattr(full_swap, "_one_apply", simulated)
    assert full_swap_target(tp) is None
    # one over: the rounds of apply decide (the only presenter swapped: refused)
    with pytest.raises(AssertionError):
        full_swap_target(meeting(*changes, live=live + 1, presenters=1, most=live + 1))
