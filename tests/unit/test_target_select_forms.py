"""The values ``--target`` hints, errors and completion offer select what they say
(QA-HJ Q-HJ-5): "did you mean" never offers a name several kinds share (its qualified
forms instead); a name as written wins over the ``WORD:`` reading; the ambiguity error
counts targets (entries), not forms, and offers only forms that select one kind; a
refused note's ``--target`` is one that selects the target alone, or none (Q-HJ-3)."""

from __future__ import annotations

from reconciler.desired.model import DesiredTarget
from reconciler.refs import Location, TargetKey
from reconciler.target_select import (
    alone_form,
    ambiguous_target_errors,
    offered,
    select,
    unknown_target_errors,
)

A1 = "11111111-2222-3333-4444-555555555555"
A2 = "22222222-2222-3333-4444-555555555555"
APP = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"


def target(kind: str, name: str, scope: str = A1, target_id: str | None = None) -> DesiredTarget:
    return DesiredTarget(TargetKey(kind, scope, name), target_id, False, (), Location("a.yaml", 1))


SHARED = [
    target("room", "incident-chat", target_id="room-incident-response"),
    target("channel", "incident-chat", APP),
    target("channel-moderator", "incident-chat", APP),
    target("meeting", "incident-chat", "meetings", "6f1c2a9e-0000-4000-8000-000000000001"),
]


def test_did_you_mean_offers_a_qualified_form_for_a_shared_name() -> None:
    for typed, hint in [
        ("Room:incident-chat", "room:incident-chat"),
        ("channels:incident-chat", "channel:incident-chat"),
    ]:
        (message,) = unknown_target_errors(SHARED, [typed])
        assert f"(did you mean '{hint}'?)" in message
    (typo,) = unknown_target_errors(SHARED, ["incident-cht"])
    assert "did you mean 'incident-chat'" not in typo


def test_a_name_as_written_wins_over_the_qualified_reading() -> None:
    declared = [
        target("room", "ops", target_id="room-web-releases"),
        target("meeting", "room:ops", "meetings", "6f1c2a9e-0000-4000-8000-000000000001"),
    ]
    assert [t.key.kind for t in select(declared, ["room:ops"])] == ["meeting"]
    assert ambiguous_target_errors(declared, ["room:ops"]) == []
    assert alone_form(declared, declared[0]) == "room:room-web-releases"
    assert alone_form(declared, declared[1]) == "meeting:room:ops"


def test_the_ambiguity_error_counts_targets_and_offers_forms_of_one_kind() -> None:
    declared = [
        target("room", "web-releases"),
        target("room", "web-releases", A2),
        target("channel", "web-releases", APP),
        target("channel-moderator", "web-releases", APP),
    ]
    (message,) = ambiguous_target_errors(declared, ["web-releases"])
    assert message == (
        "--target: 'web-releases' names 3 targets of different kinds; give --target "
        "'channel:web-releases' or --target 'room:web-releases' (several --target to "
        "select more than one)"
    )
    assert alone_form(declared, declared[0]) is None  # room:web-releases selects both rooms
    assert alone_form(declared, declared[2]) == "channel:web-releases"  # with its moderators


def test_completion_offers_qualified_forms_for_a_shared_name() -> None:
    plain, forms = offered(SHARED)
    assert "incident-chat" not in plain
    assert {"room:incident-chat", "channel:incident-chat", "meeting:incident-chat"} <= plain
    assert "room-incident-response" in plain
    assert forms == {"room:incident-chat", "channel:incident-chat", "meeting:incident-chat"}
