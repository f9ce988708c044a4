"""A channel's and a meeting's own ``safety:`` (as a room's: ``test_safety_overrides.py``):
read from the YAML by the real loader, applied to that target only, named in the messages
as its own; a channel's members and moderators count together against its own
``max_removals``; a setting another kind's (``min_administrators`` in a channel) is an
error at its line."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Hashable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from reconciler import kinds
from reconciler.capabilities import BUILTIN_PROFILES
from reconciler.channel_refs import parse_channel_member
from reconciler.cli.main import cli
from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState, Safety, safety_settings
from reconciler.desired.sections import section_spec
from reconciler.desired.target_safety import TargetSafetySpec
from reconciler.errors import DesiredStateError
from reconciler.kinds.channels import DEFAULT, HIDDEN, MODERATOR
from reconciler.kinds.meetings import meeting_member
from reconciler.live import LiveMember, LiveState, LiveTarget
from reconciler.plan import Plan
from reconciler.planner import plan
from reconciler.refs import MemberRef, TargetKey

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
MEETING_A = "6f1c2a9e-0000-4000-8000-000000000001"
MEETING_B = "6f1c2a9e-0000-4000-8000-000000000002"
SETTINGS = f"""\
    account: acc-1
    prune: true
    safety: {{max_removals: 3}}
    app_instances:
      chat: {{arn: "{INSTANCE}", bearer: user:reconciler}}
    """
PRESENTER = BUILTIN_PROFILES["presenter"]
VIEWER = BUILTIN_PROFILES["viewer"]


def load(tmp_path: Path, members_file: str) -> DesiredState:
    root = tmp_path / "ds"
    root.mkdir()
    (root / "settings.yaml").write_text(textwrap.dedent(SETTINGS), encoding="utf-8")
    (root / "targets.yaml").write_text(textwrap.dedent(members_file), encoding="utf-8")
    return load_desired(root)


def channel_key(kind_id: str, name: str) -> TargetKey:
    return TargetKey(kind_id, INSTANCE, name)


def live(
    key: TargetKey, parse: Callable[[str], MemberRef], *members: tuple[str, Hashable]
) -> LiveTarget:
    found = [LiveMember(parse(t), f"id-{parse(t).key}", parse(t).kind, r) for t, r in members]
    return LiveTarget(key, f"id-{key.name}", tuple(sorted(found)))


def planned(d: DesiredState, *targets: LiveTarget) -> Plan:
    ids = {m.ref: f"id-{m.ref.key}" for t in d.targets for m in t.members}
    return plan(d, LiveState({t.key: t for t in targets}, ids))


def messages(p: Plan) -> list[str]:
    return [str(v) for v in p.violations]


def users(prefix: str, n: int, role: str) -> list[tuple[str, Hashable]]:
    return [(f"user:{prefix}{i}", role) for i in range(n)]


CHANNELS = """\
    channels:
      big:
        safety: {max_removals: 5, max_removal_fraction: 1.0, min_moderators: 0}
        members: [user:keep]
      small:
        members: [user:keep]
    """


def channel_lives(big_members: int, big_moderators: int, small_members: int) -> list[LiveTarget]:
    """Live channels with undeclared members and moderators a plan removes (prune)."""
    m, c = kinds.CHANNEL_MODERATOR.id, kinds.CHANNEL.id
    return [
        live(channel_key(c, "big"), parse_channel_member, ("user:keep", DEFAULT),
             *users("b", big_members, DEFAULT)),
        live(channel_key(m, "big"), parse_channel_member, *users("bm", big_moderators, MODERATOR)),
        live(channel_key(c, "small"), parse_channel_member, ("user:keep", DEFAULT),
             *users("s", small_members, HIDDEN)),
        live(channel_key(m, "small"), parse_channel_member),
    ]  # fmt: skip


def test_a_channels_own_limits_apply_to_its_members_and_its_moderators(tmp_path: Path) -> None:
    d = load(tmp_path, CHANNELS)
    own = Safety(max_removals=5, max_removal_fraction=1.0, min_moderators=0)
    assert d.safety_for(channel_key("channel", "big")) == own
    assert d.safety_for(channel_key("channel-moderator", "big")) == own
    assert d.safety_for(channel_key("channel", "small")) == Safety(max_removals=3)


def test_a_channel_within_its_own_limit_leaves_the_plan_wide_count(tmp_path: Path) -> None:
    d = load(tmp_path, CHANNELS)
    # big: 3 members and 2 moderators removed (5, its own limit; over the plan-wide 3),
    # every moderator among them (its own min_moderators: 0); small: 3 (the plan-wide 3)
    p = planned(d, *channel_lives(3, 2, 3))
    assert sum(len(t.changes) for t in p.targets) == 3 + 2 + 3
    assert messages(p) == []


def test_a_channels_members_and_moderators_count_together_against_its_limit(
    tmp_path: Path,
) -> None:
    d = load(tmp_path, CHANNELS)
    # big: 4 members + 2 moderators = 6, over its own 5 (neither alone is); small is
    # unaffected: its 3 are within the plan-wide 3, which big's 6 do not join
    assert messages(planned(d, *channel_lives(4, 2, 3))) == [
        "[big] Too many removals: 6 is over this channel's limit of 5 "
        "(channels.big.safety.max_removals)",
    ]
    # and small over the plan-wide limit is reported as before, on its own
    assert messages(planned(d, *channel_lives(4, 2, 4))) == [
        "Too many removals: 4 is over the limit of 3 (safety.max_removals)",
        "[big] Too many removals: 6 is over this channel's limit of 5 "
        "(channels.big.safety.max_removals)",
    ]


def test_a_channels_own_min_moderators_and_fraction_replace_the_settings(tmp_path: Path) -> None:
    d = load(
        tmp_path,
        """\
        channels:
          big:
            safety: {max_removals: 100, max_removal_fraction: 0.5, min_moderators: 2}
            members: [user:keep]
            moderators: [user:keep]
          small:
            members: [user:keep]
        """,
    )
    m, c = kinds.CHANNEL_MODERATOR.id, kinds.CHANNEL.id
    lives = [
        live(channel_key(c, "big"), parse_channel_member, ("user:keep", DEFAULT),
             *users("b", 11, DEFAULT)),
        live(channel_key(m, "big"), parse_channel_member, ("user:keep", MODERATOR),
             *users("bm", 2, MODERATOR)),
        live(channel_key(c, "small"), parse_channel_member, ("user:keep", DEFAULT)),
        live(channel_key(m, "small"), parse_channel_member, *users("sm", 1, MODERATOR)),
    ]  # fmt: skip
    assert messages(planned(d, *lives)) == [
        # small's last moderator: the settings' min_moderators (1), its plan-wide count 1
        "[channel big] Too many removals: 91.67% is over 50.00% (11/12) "
        "(channels.big.safety.max_removal_fraction)",
        "[big] Would leave 1 moderator (now 3), fewer than the minimum of 2 "
        "(channels.big.safety.min_moderators)",
        "[small] Would leave 0 moderators (now 1), fewer than the minimum of 1 "
        "(safety.min_moderators)",
    ]


MEETINGS = f"""\
    meetings:
      town-hall:
        meeting_id: {MEETING_A}
        safety: {{max_removals: 2, max_removal_fraction: 1.0}}
        attendees: {{keep@example.com: viewer, lead@example.com: viewer}}
      standup:
        meeting_id: {MEETING_B}
        attendees: {{keep@example.com: viewer}}
    """


def meeting_lives(town_hall: int, standup: int) -> list[LiveTarget]:
    """town-hall: lead a presenter (declared a viewer: a demotion) and ``town_hall``
    undeclared attendees; standup: ``standup`` undeclared attendees."""
    a = TargetKey(kinds.MEETING.id, MEETING_A, "town-hall")
    b = TargetKey(kinds.MEETING.id, MEETING_B, "standup")
    return [
        live(a, meeting_member, ("keep@example.com", VIEWER), ("lead@example.com", PRESENTER),
             *[(f"t{i}@example.com", VIEWER) for i in range(town_hall)]),
        live(b, meeting_member, ("keep@example.com", VIEWER),
             *[(f"s{i}@example.com", VIEWER) for i in range(standup)]),
    ]  # fmt: skip


def test_a_meetings_own_limit_counts_a_presenters_demotion_and_spares_the_others(
    tmp_path: Path,
) -> None:
    d = load(tmp_path, MEETINGS)
    assert d.safety_for(TargetKey("meeting", MEETING_A, "town-hall")) == Safety(
        max_removals=2, max_removal_fraction=1.0
    )
    assert messages(planned(d, *meeting_lives(1, 3))) == []  # 1 + the demotion: 2
    assert messages(planned(d, *meeting_lives(2, 3))) == [
        "[town-hall] Too many removals: 3 (1 of them a demotion as presenter) is over this "
        "meeting's limit of 2 (meetings.town-hall.safety.max_removals)",
    ]


def test_a_meetings_own_fraction_replaces_the_settings(tmp_path: Path) -> None:
    own = "{max_removals: 100, max_removal_fraction: 0.1}"
    d = load(tmp_path, MEETINGS.replace("{max_removals: 2, max_removal_fraction: 1.0}", own))
    assert messages(planned(d, *meeting_lives(1, 0))) == []  # 3 attendees: under 10
    assert messages(planned(d, *meeting_lives(8, 0))) == [
        "[meeting town-hall] Too many removals: 90.00% is over 10.00% (9/10, 1 of them a demotion "
        "as presenter) (meetings.town-hall.safety.max_removal_fraction)",
    ]


@pytest.mark.parametrize(
    ("section", "setting", "line", "why"),
    [
        ("channels", "min_administrators", 4, "a channel, whose safety: takes max_removals, "
         "max_removal_fraction, min_moderators"),
        ("meetings", "min_moderators", 5, "a meeting, whose safety: takes max_removals, "
         "max_removal_fraction"),
        ("meetings", "min_administrators", 5, "a meeting, whose safety: takes max_removals, "
         "max_removal_fraction"),
        ("rooms", "min_moderators", 4, "a room, whose safety: takes max_removals, "
         "max_removal_fraction, min_administrators"),
    ],
)  # fmt: skip
def test_a_setting_that_does_not_apply_to_the_kind_is_an_error_at_its_line(
    tmp_path: Path, section: str, setting: str, line: int, why: str
) -> None:
    id_line = f"    meeting_id: {MEETING_A}\n" if section == "meetings" else ""
    text = f"{section}:\n  x:\n{id_line}    safety:\n      {setting}: 1\n"
    with pytest.raises(DesiredStateError) as exc:
        load(tmp_path, text)
    assert [str(p) for p in exc.value.problems] == [
        f"{tmp_path}/ds/targets.yaml:{line}: {section}.x.safety: unknown key {setting!r} "
        f"(does not apply to {why})"
    ]


def test_bad_values_in_a_channels_or_meetings_safety_are_located(tmp_path: Path) -> None:
    text = f"""\
        channels:
          c:
            safety: {{max_removals: -1, min_moderators: "2"}}
        meetings:
          m:
            meeting_id: {MEETING_A}
            safety:
              max_removal_fraction: 1.5
        """
    with pytest.raises(DesiredStateError) as exc:
        load(tmp_path, text)
    assert [str(p) for p in exc.value.problems] == [
        f"{tmp_path}/ds/targets.yaml:3: channels.c.safety.max_removals: must be at least 0, got -1",
        f"{tmp_path}/ds/targets.yaml:3: channels.c.safety.min_moderators: expected a whole "
        "number, got the string '2'",
        f"{tmp_path}/ds/targets.yaml:8: meetings.m.safety.max_removal_fraction: must be at "
        "most 1.0, got 1.5",
    ]


def test_each_sections_safety_takes_exactly_the_settings_its_kinds_use() -> None:
    """The per-target settings of a section are the removal limits plus the minimum of each
    kind declared there (``Kind.minimum_setting``), and nothing of another kind's."""
    for section, declared in kinds.sections().items():
        model = section_spec(declared).model_fields["safety"].annotation
        spec = next(a for a in getattr(model, "__args__", (model,)) if a is not type(None))
        assert issubclass(spec, TargetSafetySpec), section
        minimums = {k.minimum_setting for k in declared if k.minimum_setting is not None}
        assert set(spec.model_fields) == {"max_removals", "max_removal_fraction"} | minimums
        assert minimums <= safety_settings()


def test_the_schema_command_gives_each_kind_its_own_safety_settings() -> None:
    result = CliRunner().invoke(cli, ["schema"], catch_exceptions=False)
    assert result.exit_code == 0
    schema = Draft202012Validator(json.loads(result.stdout))
    meeting = {"meeting_id": MEETING_A}
    assert schema.is_valid(
        {
            "rooms": {"r": {"safety": {"max_removals": 5, "min_administrators": 2}}},
            "channels": {"c": {"safety": {"max_removal_fraction": 0.5, "min_moderators": 2}}},
            "meetings": {"m": {**meeting, "safety": {"max_removals": 5}}},
        }
    )
    assert not schema.is_valid({"channels": {"c": {"safety": {"min_administrators": 1}}}})
    assert not schema.is_valid({"meetings": {"m": {**meeting, "safety": {"min_moderators": 1}}}})
    assert not schema.is_valid({"rooms": {"r": {"safety": {"min_moderators": 1}}}})
    assert not schema.is_valid({"channels": {"c": {"safety": {"max_removals": -1}}}})


def test_the_settings_fraction_names_the_kind_of_a_room_and_a_channel_sharing_a_name(
    tmp_path: Path,
) -> None:
    """Names are unique per kind only: the settings-wide fraction's refusal names the kind
    as the plan's header does, so the room's and the channel's lines differ (QA-HF Q-HF-2)."""
    d = load(
        tmp_path,
        """\
        rooms:
          big: {members: [keep@example.com]}
        channels:
          big: {members: [user:keep]}
        """,
    )
    d = replace(d, safety=replace(d.safety, max_removals=100, max_removal_fraction=0.25))
    room = TargetKey(kinds.ROOM.id, "acc-1", "big")
    lives = [
        live(room, MemberRef.parse, ("keep@example.com", "Member"),
             *((f"r{i}@example.com", "Member") for i in range(10))),
        live(channel_key(kinds.CHANNEL.id, "big"), parse_channel_member,
             ("user:keep", DEFAULT), *users("c", 11, DEFAULT)),
    ]  # fmt: skip
    assert messages(planned(d, *lives)) == [
        "[channel big] Too many removals: 91.67% is over 25.00% (11/12) "
        "(safety.max_removal_fraction)",
        "[room big] Too many removals: 90.91% is over 25.00% (10/11) (safety.max_removal_fraction)",
    ]
