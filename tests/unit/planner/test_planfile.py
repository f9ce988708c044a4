"""The saved-plan file: exact round trip, and clear errors for files that cannot be used."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from jsonschema import Draft202012Validator
from planner_builders import ADMIN, desired_state, desired_target, live_member, live_state, want
from planner_builders import live_target as room
from planner_strategies import World, plans, worlds

from reconciler.errors import ReconcilerError
from reconciler.full_swap import full_swaps
from reconciler.governance.plan_json import grant_from
from reconciler.kinds import ROOM
from reconciler.plan import Action, Change, Plan, RemovalLimit, TargetPlan
from reconciler.plandoc import plan_to_data
from reconciler.planfile import (
    PlanFileError,
    PlanWriteError,
    load_plan,
    read_origin,
    save_plan,
)
from reconciler.planner import plan
from reconciler.refs import MemberKind, MemberRef, Role, TargetKey
from reconciler.render.json import load_schema, render_json
from reconciler.shard import Shard


def sample_plan() -> Plan:
    d = desired_state(
        desired_target(
            "ops", want("alice@example.com", ADMIN), want("bot:PagerBot", ADMIN), prune=True
        )
    )
    live = live_state(d, room("ops", live_member("carol@example.com"), live_member("bot:PagerBot")))
    return plan(d, live)


def round_trip(p: Plan) -> Plan:
    with tempfile.TemporaryDirectory() as tmp:
        return load_plan(save_plan(p, Path(tmp) / "plan.json"))


@settings(max_examples=80, deadline=None)
@given(plans)
def test_any_plan_survives_a_save_and_load_unchanged(p: Plan) -> None:
    assert round_trip(p) == p


@settings(max_examples=60, deadline=None)
@given(worlds())
def test_planner_output_survives_a_save_and_load_unchanged(w: World) -> None:
    p = plan(w.desired, w.live)
    assert round_trip(p) == p


def test_saved_plan_is_the_json_rendering(tmp_path: Path) -> None:
    p = sample_plan()
    path = save_plan(p, tmp_path / "plan.json")
    assert path.read_text(encoding="utf-8") == render_json(p)
    assert [f.name for f in tmp_path.iterdir()] == ["plan.json"]  # no temporary left behind


def test_saving_over_an_existing_plan_replaces_it(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("old")
    save_plan(sample_plan(), path)
    assert load_plan(path) == sample_plan()


def test_saving_into_a_missing_directory_says_so(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "plan.json"
    with pytest.raises(PlanWriteError) as exc:
        save_plan(sample_plan(), target)
    assert str(exc.value) == f"cannot save the plan to {target}: No such file or directory"


def load_error(tmp_path: Path, content: str | bytes) -> str:
    path = tmp_path / "plan.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(PlanFileError) as exc:
        load_plan(path)
    assert isinstance(exc.value, ReconcilerError) and exc.value.exit_code == 1
    return str(exc.value).removeprefix(f"Cannot use the saved plan {path}: ")


def saved(**changes: Any) -> str:
    data = json.loads(render_json(sample_plan()))
    for dotted, value in changes.items():
        node = data
        *path, last = dotted.split("__")
        for part in path:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is KeyError:
            del node[last]
        else:
            node[last] = value
    return json.dumps(data)


def version_1(**changes: Any) -> str:
    """The sample plan as format version 1 wrote it (rooms[], account, room/account)."""
    data = json.loads(saved())
    data["format_version"] = "1"
    rooms = data.pop("targets")
    for r in rooms:
        r["account"] = r.pop("scope")
        r["live_administrators"] = r.pop("live_elevated")
    for v in data["safety"]["violations"]:
        v["room"], v["account"] = v.pop("name"), v.pop("scope")
    data = {**data, "rooms": rooms}
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        node = data
        for part in path:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is KeyError:
            del node[last]
        else:
            node[last] = value
    return json.dumps(data)


def test_version_1_plan_loads_as_the_same_plan(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(version_1(), encoding="utf-8")
    assert load_plan(path) == sample_plan()


def test_plan_saved_without_live_administrators_loads_with_it_unknown(tmp_path: Path) -> None:
    # the key was added within format version 1: older files lack it
    path = tmp_path / "plan.json"
    path.write_text(version_1(rooms__0__live_administrators=KeyError), encoding="utf-8")
    assert sample_plan().targets[0].live_elevated == 0
    assert load_plan(path).targets[0].live_elevated is None
    assert load_error(tmp_path, version_1(rooms__0__live_administrators="1")) == (
        'the file is corrupt: rooms[0].live_administrators: expected an integer, got "1"'
    )
    assert load_error(tmp_path, saved(targets__0__live_elevated="1")) == (
        'the file is corrupt: targets[0].live_elevated: expected an integer, got "1"'
    )


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError) as exc:
        load_plan(tmp_path / "none.json")
    assert str(exc.value) == f"Cannot use the saved plan {tmp_path / 'none.json'}: no such file"


def test_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError) as exc:
        load_plan(tmp_path)
    assert str(exc.value) == (
        f"Cannot use the saved plan {tmp_path}: it is a directory, not a file"
    )


def test_binary_file_is_not_a_plan(tmp_path: Path) -> None:
    assert load_error(tmp_path, b"\xff\xfe\x00") == "not a plan file (not UTF-8 text)"


def test_invalid_json_is_reported_with_its_position(tmp_path: Path) -> None:
    assert load_error(tmp_path, '{\n  "format_version": "1",\n  oops\n}') == (
        "not a plan file (invalid JSON at line 3, column 3)"
    )


def test_json_that_is_not_a_plan_is_reported(tmp_path: Path) -> None:
    assert load_error(tmp_path, "[1, 2]") == "not a chime-reconciler plan (no format_version)"
    assert load_error(tmp_path, '{"rooms": []}') == (
        "not a chime-reconciler plan (no format_version)"
    )


def test_other_format_version_is_refused(tmp_path: Path) -> None:
    assert load_error(tmp_path, saved(format_version="3")) == (
        "format_version '3' is not supported; this chime-reconciler reads version '1' or "
        "'2' (make the plan again with this version)"
    )


def test_unknown_kind_or_role_is_reported_with_its_path(tmp_path: Path) -> None:
    assert load_error(tmp_path, saved(targets__0__kind="galaxy")).startswith(
        "the file is corrupt: targets[0].kind: unknown membership kind 'galaxy' (known: "
    )
    assert load_error(tmp_path, saved(targets__0__changes__0__role_after="Owner")) == (
        "the file is corrupt: targets[0].changes[0].role_after: expected one of "
        'Administrator, Member, got "Owner"'
    )


def test_missing_key_is_reported_with_its_path(tmp_path: Path) -> None:
    assert load_error(tmp_path, saved(targets__0__fingerprint=KeyError)) == (
        "the file is corrupt: targets[0]: missing 'fingerprint'"
    )


def test_bad_action_is_reported_with_its_path(tmp_path: Path) -> None:
    assert load_error(tmp_path, saved(targets__0__changes__1__action="explode")) == (
        "the file is corrupt: targets[0].changes[1].action: expected one of create, update, "
        'delete, got "explode"'
    )


def test_wrong_type_is_reported_with_its_path(tmp_path: Path) -> None:
    assert load_error(tmp_path, saved(targets__0__live_count="2")) == (
        'the file is corrupt: targets[0].live_count: expected an integer, got "2"'
    )
    assert load_error(tmp_path, saved(targets__0__live_count=True)) == (
        "the file is corrupt: targets[0].live_count: expected an integer, got true"
    )
    assert load_error(tmp_path, saved(errors={})) == (
        "the file is corrupt: errors: expected a list, got {}"
    )


def test_bad_location_is_reported(tmp_path: Path) -> None:
    bad = saved(targets__0__changes__0__provenance__0__declared_at="nowhere")
    assert load_error(tmp_path, bad) == (
        "the file is corrupt: targets[0].changes[0].provenance[0].declared_at: "
        "expected FILE:LINE, got 'nowhere'"
    )


@pytest.mark.parametrize("line", ["\u00b2", "\u0668", "1" * 101, "--3", ""])
def test_a_line_number_not_in_ascii_digits_is_corrupt_not_another_line(
    tmp_path: Path, line: str
) -> None:
    """QA-GV Q-GV-12: ``²`` passed ``str.isdigit`` and ``int()`` raised (an internal
    error); ``٨`` was read as line 8; a line of 101 digits is over the one bound."""
    bad = saved(targets__0__changes__0__provenance__0__declared_at=f"rooms.yaml:{line}")
    assert load_error(tmp_path, bad) == (
        "the file is corrupt: targets[0].changes[0].provenance[0].declared_at: "
        f"expected FILE:LINE, got {f'rooms.yaml:{line}'!r}"
    )


@pytest.mark.parametrize("line", ["\u00b2", "\u0668", "1" * 101])
def test_a_grants_until_line_not_in_ascii_digits_is_refused(line: str) -> None:
    """QA-GV Q-GV-12: a grant's ``until_at`` is read by the same check."""
    path = {"until": "2099-01-01", "ends_at": "2099-01-01T00:00:00+00:00"}
    with pytest.raises(ValueError, match="expected FILE:LINE"):
        grant_from({**path, "until_at": f"rooms.yaml:{line}"})
    assert grant_from({**path, "until_at": "rooms.yaml:12"})[0] is not None


def test_bot_without_its_prefix_is_reported(tmp_path: Path) -> None:
    bad = saved(targets__0__changes__1__member="PagerBot")
    assert load_error(tmp_path, bad) == (
        "the file is corrupt: targets[0].changes[1].member: a Bot should start with 'bot:'"
    )


@pytest.mark.parametrize(
    ("origin", "message"),
    [
        ({"desired": 5}, "origin.desired: expected a string, got 5"),
        ({"region": ["us-east-1"]}, 'origin.region: expected a string, got ["us-east-1"]'),
        ("here", 'origin: expected an object, got "here"'),
        ({"differs": "region"}, 'origin.differs: expected a list, got "region"'),
        (
            {"differs": ["now"]},
            'origin.differs[0]: expected one of desired, endpoint_url, region, got "now"',
        ),
        (
            {"made_at": "yesterday"},
            "origin.made_at: expected a date (2027-03-31) or a date and time with a zone "
            "(2027-03-31T18:00:00Z), got 'yesterday'",
        ),
        (
            {"now": "next tuesday"},
            "origin.now: expected a date (2027-03-31) or a date and time with a zone "
            "(2027-03-31T18:00:00Z), got 'next tuesday'",
        ),
    ],
)
def test_a_corrupt_origin_is_refused_as_any_corrupt_field(
    tmp_path: Path, origin: Any, message: str
) -> None:
    # QA5 Q5-12: it was read as no origin at all (apply FILE then read ./desired-state)
    assert load_error(tmp_path, saved(origin=origin)) == f"the file is corrupt: {message}"
    with pytest.raises(PlanFileError) as exc:
        read_origin(tmp_path / "plan.json")
    assert str(exc.value).endswith(f": the file is corrupt: {message}")


def test_an_origin_of_strings_and_nulls_is_read_without_its_empty_values(tmp_path: Path) -> None:
    origin = {"desired": "/d", "endpoint_url": None, "region": "", "now": "2099-03-26"}
    path = tmp_path / "plan.json"
    path.write_text(saved(origin={**origin, "made_at": "2027-03-26T07:30:00Z"}))
    assert load_plan(path) == sample_plan()
    assert read_origin(path) == {
        "desired": "/d",
        "now": "2099-03-26",
        "made_at": "2027-03-26T07:30:00Z",
    }
    path.write_text(saved(origin=None))
    assert read_origin(path) == {}


SCHEMA = Draft202012Validator(load_schema())


@settings(max_examples=60, deadline=None)
@given(worlds())
def test_saved_planner_output_validates_against_the_published_schema(w: World) -> None:
    SCHEMA.validate(json.loads(render_json(plan(w.desired, w.live))))


def test_a_protected_unmanaged_member_is_marked_and_read_back(tmp_path: Path) -> None:
    """`"protected": true` on an unmanaged member settings.yaml protects (QA round two,
    D16: `show` then says what prune would do); absent on the others, and in older files."""
    d = desired_state(desired_target("ops", prune=False), protected=["breakglass@example.com"])
    glass, erin = live_member("breakglass@example.com", ADMIN), live_member("erin@example.com")
    p = plan(d, live_state(d, room("ops", glass, erin)))
    assert p.targets[0].unmanaged_protected == (glass.ref,)
    data = json.loads(render_json(p))
    assert [m.get("protected") for m in data["targets"][0]["unmanaged"]] == [True, None]
    assert round_trip(p) == p
    del data["targets"][0]["unmanaged"][0]["protected"]  # as a plan saved before it
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_plan(tmp_path / "old.json").targets[0].unmanaged_protected == ()
    data["targets"][0]["unmanaged"][1]["protected"] = "yes"
    assert load_error(tmp_path, json.dumps(data)) == (
        'the file is corrupt: targets[0].unmanaged[1].protected: expected bool, got "yes"'
    )


def test_drift_import_adopt_refuses_is_marked_and_read_back(tmp_path: Path) -> None:
    """`"unadoptable": true` on the drift `import --adopt` refuses (``Plan.unadoptable``,
    QA-LD Q-LD-5: `show` then gives the plan's drift hint); absent on the others, and in
    older files, which read as none."""
    d = desired_state(desired_target("ops", prune=False))
    twin, erin = live_member("bot:Twin"), live_member("erin@example.com")
    made = plan(d, live_state(d, room("ops", twin, erin)))
    p = dataclasses.replace(made, unadoptable=((made.targets[0].key, twin.ref),))
    data = json.loads(render_json(p))
    assert [m.get("unadoptable") for m in data["targets"][0]["unmanaged"]] == [True, None]
    Draft202012Validator(load_schema()).validate(data)
    assert round_trip(p) == p
    del data["targets"][0]["unmanaged"][0]["unadoptable"]  # as a plan saved before it
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_plan(tmp_path / "old.json").unadoptable == ()
    data["targets"][0]["unmanaged"][1]["unadoptable"] = "yes"
    assert load_error(tmp_path, json.dumps(data)) == (
        'the file is corrupt: targets[0].unmanaged[1].unadoptable: expected bool, got "yes"'
    )


def test_a_live_name_with_a_lone_surrogate_is_saved_escaped_as_plan_json_prints_it(
    tmp_path: Path,
) -> None:
    """QA4 R4: a bot named ``a\\ud800b`` (a JSON response may carry it) made ``plan --out``
    an internal error (UnicodeEncodeError) while ``plan --format json`` printed it."""
    d = desired_state(desired_target("ops", want("alice@example.com", ADMIN), prune=True))
    bot = live_member("bot:a\ud800b", id="b1")  # Chime's id for it; the name is the bot's
    live = live_state(d, room("ops", live_member("alice@example.com", ADMIN), bot))
    p = plan(d, live)
    path = save_plan(p, tmp_path / "plan.json")
    text = path.read_text(encoding="utf-8")
    assert text == render_json(p)
    assert '"bot:a\\ud800b"' in text
    with pytest.raises(PlanFileError, match=r"contains \\ud800, half of a UTF-16 pair"):
        load_plan(path)  # and using it is refused, with where (test_hostile_plan_json)


ORIGIN = {
    "desired": "desired-state",
    "endpoint_url": "http://127.0.0.1:9",
    "region": "us-east-1",
    "now": None,
    "made_at": "2026-12-03T11:00:00Z",
}


def sharded_plan_with_a_notice() -> Plan:
    return dataclasses.replace(
        sample_plan(),
        notices=("desired-state/m.yaml:2: meeting bridge (id m-1) has ended; left out",),
        shard=Shard(1, 2),
        removal_limit=RemovalLimit(5, frozenset()),
    )


def test_a_saved_plans_keys_come_in_the_schemas_order(tmp_path: Path) -> None:
    """Q-AH-1: `origin` before `notices` and `shard`, as the schema ("Keys appear in the
    order listed here") and the README list them, not appended last."""
    path = save_plan(sharded_plan_with_a_notice(), tmp_path / "plan.json", origin=ORIGIN)
    keys = list(json.loads(path.read_text()))
    in_schema = [k for k in load_schema()["properties"] if k in keys]
    assert keys == in_schema
    assert keys[-3:] == ["origin", "notices", "shard"]


def test_a_plan_saved_with_origin_last_still_loads_the_same(tmp_path: Path) -> None:
    """Files written before Q-AH-1 (origin after notices and shard) read as before: the
    reader goes by key, never by position."""
    p = sharded_plan_with_a_notice()
    data = json.loads(save_plan(p, tmp_path / "new.json", origin=ORIGIN).read_text())
    data["origin"] = data.pop("origin")  # the old order: appended last
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data, indent=2))
    assert list(data)[-1] == "origin"
    assert load_plan(old) == p
    assert read_origin(old) == {k: v for k, v in ORIGIN.items() if v}


def full_room_swapping_its_administrator(name: str) -> TargetPlan:
    """A room at AWS's 1,000 members whose only administrator is replaced, planned with
    ``min_administrators: 1``: a full_swap warning."""
    key = TargetKey(ROOM.id, "acct", name)
    admin = Role.ADMINISTRATOR
    changes = tuple(
        Change(action, key, MemberRef.user(who), who, MemberKind.USER, before, after)
        for action, who, before, after in (
            (Action.CREATE, f"b@{name}.io", None, admin),
            (Action.DELETE, f"a@{name}.io", admin, None),
        )
    )
    return TargetPlan(
        key, f"id-{name}", "fp", changes, live_count=1_000, live_elevated=1, minimum=1
    )


def test_a_saved_plan_warns_of_every_full_room_it_warned_of(tmp_path: Path) -> None:
    """Two full rooms swapping their only administrator: the saved plan read again (show,
    merge-plans) warns of both, with the minimum each was planned with."""
    p = Plan(
        (full_room_swapping_its_administrator("ops"), full_room_swapping_its_administrator("dev"))
    )
    assert len(full_swaps(p)) == 2
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_to_data(p)))
    again = load_plan(path)
    assert [t.minimum for t in again.targets] == [1, 1]
    assert [s.target.name for s in full_swaps(again)] == ["ops", "dev"]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("1", 'expected an integer, got "1"'),
        (1.5, "expected an integer, got 1.5"),
        (True, "expected an integer, got true"),
        ([1], "expected an integer, got [1]"),
        (-1, "expected 0 or more, got -1"),
    ],
)
def test_a_full_swap_minimum_that_is_no_count_is_a_corrupt_plan_naming_it(
    tmp_path: Path, bad: object, reason: str
) -> None:
    """A hand-edited ``full_swap[0].minimum`` that is not an integer of 0 or more (as the
    schema says) is refused naming its path, never read as another minimum or met as a
    traceback when the warning is worked out again."""
    data = plan_to_data(Plan((full_room_swapping_its_administrator("ops"),)))
    data["full_swap"][0]["minimum"] = bad
    message = load_error(tmp_path, json.dumps(data))
    assert f"full_swap[0].minimum: {reason}" in message
