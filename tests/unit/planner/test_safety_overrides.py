"""Safety limits overridden per target (``safety:`` in a room, as octoDNS allows per zone):
read from the YAML, applied to that room only, named in the messages as the room's own."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from planner_builders import ACCOUNT, ADMIN, MEMBER, live_member, live_state, live_target

from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState, Safety
from reconciler.errors import DesiredStateError
from reconciler.live import LiveMember
from reconciler.planner import plan
from reconciler.refs import TargetKey

SETTINGS = f"account: {ACCOUNT}\nprune: true\nsafety: {{max_removals: 1}}\n"


def load(tmp_path: Path, rooms: str) -> DesiredState:
    root = tmp_path / "ds"
    root.mkdir()
    (root / "settings.yaml").write_text(SETTINGS, encoding="utf-8")
    (root / "rooms.yaml").write_text(textwrap.dedent(rooms), encoding="utf-8")
    return load_desired(root)


def crowd(name: str, n: int, admins: int = 0) -> list[LiveMember]:
    """``n`` live members nobody declares, the first ``admins`` of them administrators."""
    return [
        live_member(f"{name}{i}@example.com", ADMIN if i < admins else MEMBER) for i in range(n)
    ]


ROOMS = """\
    rooms:
      big:
        safety: {max_removals: 12, max_removal_fraction: 1.0, min_administrators: 0}
        members: [keep@example.com]
      small:
        members: [keep@example.com]
    """


def messages(d: DesiredState, *targets: object) -> list[str]:
    return [str(v) for v in plan(d, live_state(d, *targets)).violations]  # type: ignore[arg-type]


def test_a_rooms_own_limits_are_read_and_merged_with_the_settings(tmp_path: Path) -> None:
    d = load(tmp_path, ROOMS)
    big = TargetKey("room", ACCOUNT, "big")
    assert d.safety_for(big) == Safety(
        max_removals=12, max_removal_fraction=1.0, min_administrators=0
    )
    assert d.safety_for(TargetKey("room", ACCOUNT, "small")) == Safety(max_removals=1)


def test_a_room_with_its_own_max_removals_leaves_the_plan_wide_count(tmp_path: Path) -> None:
    d = load(tmp_path, ROOMS)
    # big loses 10 (under its own 12; plan-wide only 1), small loses 1: within both limits
    big = live_target("big", live_member("keep@example.com"), *crowd("b", 10, admins=2))
    small = live_target("small", live_member("keep@example.com"), *crowd("s", 1))
    assert messages(d, big, small) == []


def test_the_rooms_own_limit_is_named_when_broken(tmp_path: Path) -> None:
    d = load(tmp_path, ROOMS.replace("max_removals: 12", "max_removals: 3"))
    big = live_target("big", live_member("keep@example.com"), *crowd("b", 4, admins=1))
    small = live_target("small", live_member("keep@example.com"), *crowd("s", 2))
    assert messages(d, big, small) == [
        "Too many removals: 2 is over the limit of 1 (safety.max_removals)",
        "[big] Too many removals: 4 is over this room's limit of 3 (rooms.big.safety.max_removals)",
    ]


def test_own_fraction_and_minimum_replace_the_settings_for_that_room(tmp_path: Path) -> None:
    rooms = """\
        rooms:
          big:
            safety: {max_removals: 100, max_removal_fraction: 0.1, min_administrators: 2}
            administrators: [keep@example.com]
        """
    d = load(tmp_path, rooms)
    big = live_target("big", live_member("keep@example.com", ADMIN), *crowd("b", 10, admins=2))
    assert messages(d, big) == [
        "[room big] Too many removals: 90.91% is over 10.00% (10/11) "
        "(rooms.big.safety.max_removal_fraction)",
        "[big] Would leave 1 administrator (now 3), fewer than the minimum of 2 "
        "(rooms.big.safety.min_administrators)",
    ]


def test_an_unknown_or_negative_limit_is_a_located_error(tmp_path: Path) -> None:
    rooms = """\
        rooms:
          big:
            safety: {max_removal: 3, min_administrators: -1}
        """
    with pytest.raises(DesiredStateError) as exc:
        load(tmp_path, rooms)
    assert [str(p) for p in exc.value.problems] == [
        f"{tmp_path}/ds/rooms.yaml:3: rooms.big.safety.min_administrators: must be at least "
        "0, got -1",
        f"{tmp_path}/ds/rooms.yaml:3: rooms.big.safety: unknown key 'max_removal' (did you "
        "mean 'max_removals'?)",
    ]
