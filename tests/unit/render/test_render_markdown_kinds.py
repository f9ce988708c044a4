"""A channel and its moderators are two targets of one name: the Markdown table tells
their rows apart by the kind's ``Words.qualifier`` (data, not a branch on the kind)."""

from __future__ import annotations

from reconciler.channel_refs import parse_channel_member
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR, DEFAULT, MODERATOR
from reconciler.plan import Action, Change, Plan, TargetPlan
from reconciler.refs import TargetKey
from reconciler.render.markdown import render_markdown

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
FP = "sha256:" + "0" * 64


def target(kind_id: str, role: str) -> TargetPlan:
    key = TargetKey(kind_id, INSTANCE, "incident-chat")
    bob = parse_channel_member("user:bob")
    add = Change(Action.CREATE, key, bob, f"{INSTANCE}/user/bob", bob.kind, None, role, ())
    return TargetPlan(key, f"{INSTANCE}/channel/c1", FP, (add,), live_count=0)


def test_a_channel_and_its_moderators_have_rows_a_reader_tells_apart() -> None:
    plan = Plan((target(CHANNEL.id, DEFAULT), target(CHANNEL_MODERATOR.id, MODERATOR)))
    rows = [line for line in render_markdown(plan).splitlines() if line.startswith("| ")]
    assert rows == [
        "| Target | Add | Change | Remove | Not declared | Unmanaged |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        "| incident-chat | 1 | 0 | 0 | 0 | 0 |",
        "| incident-chat (moderators) | 1 | 0 | 0 | 0 | 0 |",
    ]
    assert CHANNEL_MODERATOR.words.qualifier == " (moderators)"
    assert CHANNEL.words.qualifier == ""


def test_with_several_scopes_the_qualifier_stays_next_to_the_name() -> None:
    room = TargetPlan(
        TargetKey("room", "11111111-2222-3333-4444-555555555555", "ops"),
        "room-1",
        FP,
        target(CHANNEL.id, DEFAULT).changes,
    )
    plan = Plan((room, target(CHANNEL_MODERATOR.id, MODERATOR)))
    rows = [line for line in render_markdown(plan).splitlines() if line.startswith("| ")]
    assert rows[-1] == (  # as the README shows it: `incident-chat (moderators)`, then where
        "| incident-chat (moderators) (app instance arn:aws:chime:us-east-1:111122223333:"
        "app-instance/chat-1) | 1 | 0 | 0 | 0 | 0 |"
    )
