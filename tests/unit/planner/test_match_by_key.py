"""A target's declared members are found by their reference's key (``planner.match``): a
live member is the declared one only where kind and key are both its own. A bot named as
a user's e-mail is not that user, whether the files declare the user alone or both."""

from __future__ import annotations

from planner_builders import (
    ADMIN,
    MEMBER,
    desired_state,
    desired_target,
    lines,
    live_member,
    live_state,
    live_target,
    want,
)

from reconciler.planner import match, plan

NAME = "alice@example.com"


def test_a_bot_named_as_a_declared_users_email_is_not_that_user() -> None:
    desired = desired_state(desired_target("ops", want(NAME, ADMIN), prune=True))
    live = live_state(desired, live_target("ops", live_member(f"bot:{NAME}", ADMIN)))
    (tp,) = plan(desired, live).targets
    assert lines(tp.changes) == [
        f"create {NAME} -->Administrator",
        f"delete bot:{NAME} Administrator->-",
    ]


def test_a_user_and_a_bot_of_one_key_both_declared_each_match_their_own() -> None:
    desired = desired_state(
        desired_target("ops", want(NAME, ADMIN), want(f"bot:{NAME}", MEMBER), prune=True)
    )
    live = live_state(
        desired, live_target("ops", live_member(NAME, ADMIN), live_member(f"bot:{NAME}", ADMIN))
    )
    (tp,) = plan(desired, live).targets
    assert lines(tp.changes) == [f"update bot:{NAME} Administrator->Member"]
    found = match(desired.targets[0], live.targets[desired.targets[0].key])
    assert [m.ref.kind for m in found.members if m is not None] == [
        d.ref.kind for d in desired.targets[0].members
    ]
