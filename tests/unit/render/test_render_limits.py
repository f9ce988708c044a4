"""The line under the safety refusals names where the broken limits come from:
settings.yaml, the target's own ``safety:`` in its file, or both; in text, Markdown and
JSON (each violation's ``setting``)."""

from __future__ import annotations

import json
from dataclasses import replace

from render_samples import PLAN, UNSAFE, room

from reconciler.plan import Plan, SafetyViolation
from reconciler.refs import TargetKey
from reconciler.render.json import render_json
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text

ALL_HANDS = SafetyViolation(
    "max_removals",
    room("all-hands"),
    "[all-hands] Too many removals: 60 is over this room's limit of 50 "
    "(rooms.all-hands.safety.max_removals)",
)
# a room's limit from settings.yaml: a per-target rule, not the target's own limit
FRACTION = SafetyViolation(
    "max_removal_fraction",
    room("crowd"),
    "[crowd] Too many removals: 83.33% is over 25.00% (10/12) (safety.max_removal_fraction)",
)


def unsafe(*violations: SafetyViolation) -> Plan:
    return replace(PLAN, violations=violations)


def hint(plan: Plan) -> str:
    return render_text(plan).splitlines()[-1]


def test_a_targets_own_limit_is_named_not_settings_yaml() -> None:
    assert hint(unsafe(ALL_HANDS)) == (
        "This plan is refused by 1 safety rule (the `safety:` of rooms.all-hands in its "
        "file): apply applies it only with --allow-unsafe."
    )


def test_a_per_target_rule_with_the_settings_yaml_limit_names_settings_yaml() -> None:
    assert hint(unsafe(FRACTION)) == (
        "This plan is refused by 1 safety rule (settings.yaml `safety:`): "
        "apply applies it only with --allow-unsafe."
    )


def test_both_sources_are_named_when_both_are_broken() -> None:
    assert hint(unsafe(FRACTION, ALL_HANDS)) == (
        "This plan is refused by 2 safety rules (settings.yaml `safety:` and the `safety:` "
        "of rooms.all-hands in its file): apply applies it only with --allow-unsafe."
    )


def test_several_targets_are_each_named_once_then_counted() -> None:
    instance = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
    own = [  # a channel's memberships and moderators: one entry, one owner
        SafetyViolation(
            "max_removal_fraction",
            TargetKey(kind, instance, "big"),
            "[big] Too many removals: 50.00% is over 40.00% (2/4) "
            "(channels.big.safety.max_removal_fraction)",
        )
        for kind in ("channel", "channel-moderator")
    ]
    rooms = [
        SafetyViolation("max_removals", room(n), f"[{n}] ... (rooms.{n}.safety.max_removals)")
        for n in ("a", "b", "c")
    ]
    assert hint(unsafe(*own, *rooms)) == (
        "This plan is refused by 5 safety rules (the `safety:` of channels.big, rooms.a, "
        "rooms.b and 1 more in their files): apply applies it only with --allow-unsafe."
    )


def test_markdown_callout_names_the_source_with_names_escaped() -> None:
    odd = SafetyViolation(
        "max_removals",
        room("on_call"),
        "[on_call] Too many removals: 3 is over this room's limit of 2 "
        "(rooms.on_call.safety.max_removals)",
    )
    refused = render_markdown(unsafe(odd)).splitlines()  # below the plan's error callout
    assert refused[refused.index("> [!CAUTION]", 6) + 1] == (
        "> **This plan is refused by 1 safety rule** (the `safety:` of rooms.on\\_call in its "
        "file): apply applies it only with `--allow-unsafe`."
    )
    allowed = render_markdown(
        replace(unsafe(FRACTION, odd), errors=()), allow_unsafe=True
    ).splitlines()
    assert allowed[allowed.index("> [!CAUTION]") + 1] == (
        "> **This plan is refused by 2 safety rules** (settings.yaml `safety:` and the "
        "`safety:` of rooms.on\\_call in its file): proceeding anyway, as `--allow-unsafe` "
        "was given."
    )


def test_markdown_with_errors_does_not_say_allow_unsafe_proceeds() -> None:
    """QA-HB Q-HB-6: with an error apply refuses the plan, --allow-unsafe or not; the
    callout said "proceeding anyway" under "apply refuses this plan"."""
    text = render_markdown(unsafe(FRACTION), allow_unsafe=True)
    assert "proceeding anyway" not in text
    lines = text.splitlines()
    assert lines[lines.index("> [!CAUTION]", 6) + 1] == (
        "> **This plan is refused by 1 safety rule** (settings.yaml `safety:`): overridden by "
        "`--allow-unsafe`, but the errors above stop it all the same."
    )


def test_text_says_the_override_allowed_in_markdown_s_words() -> None:
    """Q-RR-8: text said ``Proceeding anyway: --allow-unsafe was given.`` where Markdown
    said ``...: proceeding anyway, as `--allow-unsafe` was given.``: one clause now, after
    the same count and source."""
    lines = render_text(replace(unsafe(FRACTION), errors=()), allow_unsafe=True).splitlines()
    assert lines[-1] == (
        "This plan is refused by 1 safety rule (settings.yaml `safety:`): proceeding anyway, "
        "as --allow-unsafe was given."
    )


def test_json_gives_each_violation_its_setting() -> None:
    doc = json.loads(render_json(unsafe(FRACTION, ALL_HANDS)))
    assert [v["setting"] for v in doc["safety"]["violations"]] == [
        "safety.max_removal_fraction",
        "rooms.all-hands.safety.max_removals",
    ]


def test_a_message_naming_no_setting_has_none() -> None:
    edited = SafetyViolation("max_removals", room("all-hands"), "[all-hands] too many")
    assert edited.setting is None
    assert edited.owner is None
    assert UNSAFE.violations[1].setting == "safety.min_administrators"


def test_two_targets_are_named_as_every_short_list_is() -> None:
    """QA-LF Q-LF-10: "rooms.a, rooms.b" where every other list says "a and b"
    (``prose.listed_first``, the one wording of a list, cut short or not)."""
    rooms = [
        SafetyViolation("max_removals", room(n), f"[{n}] ... (rooms.{n}.safety.max_removals)")
        for n in ("a", "b")
    ]
    assert hint(unsafe(*rooms)) == (
        "This plan is refused by 2 safety rules (the `safety:` of rooms.a and rooms.b in "
        "their files): apply applies it only with --allow-unsafe."
    )
