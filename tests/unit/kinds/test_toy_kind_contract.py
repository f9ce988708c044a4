"""The contract every membership kind meets, shown with a toy kind (``toy_kind.py``) that
differs from rooms wherever a kind may: the loader, resolver, planner, safety rules,
applier, renderers and plan file read the kind's description and never ask which kind it
is; its provider is reached through the provider registry."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import Field
from toy_kind import READ, TOY, WRITE, Access, ToyKind, ToyProvider, ToySpec, toy_id

from reconciler import kinds
from reconciler.applier import NoProviderError, apply
from reconciler.channel_refs import parse_channel_member
from reconciler.cli.kind_help import id_keys, kind_examples, section_keys, target_nouns
from reconciler.desired.loader import load_desired
from reconciler.desired.member_entries import MemberList
from reconciler.desired.model import DesiredState, Safety
from reconciler.desired.schema_export import json_schema
from reconciler.desired.spec_base import NonBlank, Strict
from reconciler.desired.target_safety import TargetSafetySpec
from reconciler.errors import DesiredStateError
from reconciler.live import LiveMember, LiveTarget, merged
from reconciler.plan import Action, Plan
from reconciler.planfile import load_plan, save_plan
from reconciler.planner import plan
from reconciler.refs import MemberKind, MemberRef, Role, TargetKey
from reconciler.render import format_plan
from reconciler.render.json import load_schema
from reconciler.target_select import unknown_target_errors
from reconciler.typed_number import LIMIT

PEOPLE = frozenset(f"{n}@example.com" for n in ("ann", "bob", "cid", "dan", "eve", "fay"))


@pytest.fixture(autouse=True)
def toy_registered() -> Iterator[None]:
    with kinds.registered(TOY):
        yield


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "ds"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


SETTINGS = "account: acc-1\nprune: true\n"
TOYS = """\
    groups:
      crew: [ann@example.com, bob@example.com]
    toys:
      kite:
        space: sky
        readers: ["@crew", cid@example.com]
        writers: [dan@example.com]
    rooms:
      ops:
        administrators: [ann@example.com]
    """


def desired(tmp_path: Path, toys: str = TOYS) -> DesiredState:
    return load_desired(write(tmp_path, {"settings.yaml": SETTINGS, "toys.yaml": toys}))


def user(email: str) -> MemberRef:
    return MemberRef.user(email)


def kite(**members: Access) -> ToyProvider:
    """The toy kite in space sky (id toy-kite) with these members (local part -> role)."""
    live = {toy_id(user(f"{n}@example.com")): role for n, role in members.items()}
    return ToyProvider({("sky", "kite"): ("toy-kite", live)}, PEOPLE)


# --- loader and resolver ----------------------------------------------------------------


def test_a_kinds_section_is_read_into_targets_of_that_kind(tmp_path: Path) -> None:
    d = desired(tmp_path)
    by_kind = {t.key.kind: t for t in d.targets}
    toy = by_kind["toy"]
    assert toy.key == TargetKey("toy", "sky", "kite")  # its own scope field wins
    assert toy.prune is True  # settings' default
    assert {str(m.ref): m.role for m in toy.members} == {
        "ann@example.com": READ,
        "bob@example.com": READ,
        "cid@example.com": READ,
        "dan@example.com": WRITE,
    }
    assert by_kind["room"].key == TargetKey("room", "acc-1", "ops")  # rooms alongside


def test_conflicting_roles_are_an_error_at_the_second_entry_naming_the_first(
    tmp_path: Path,
) -> None:
    toys = """\
        groups:
          crew: [ann@example.com, bob@example.com]
        toys:
          boat:
            readers: [ann@example.com]
            writers: ["@crew"]
        """
    with pytest.raises(DesiredStateError) as exc:
        desired(tmp_path, toys)
    assert [str(p) for p in exc.value.problems] == [
        f"{tmp_path}/ds/toys.yaml:6: toys.boat.writers[0]: ann@example.com: conflicting "
        f"roles read and write in toy 'boat' (read at {tmp_path}/ds/toys.yaml:5; write via "
        f"@crew at {tmp_path}/ds/toys.yaml:2)"
    ]


def test_a_target_without_a_scope_uses_the_kinds_message(tmp_path: Path) -> None:
    root = write(tmp_path, {"toys.yaml": "toys:\n  boat:\n    readers: [ann@example.com]\n"})
    with pytest.raises(DesiredStateError) as exc:
        load_desired(root)
    assert [str(p) for p in exc.value.problems] == [
        f"{root}/toys.yaml:2: toys.boat: toy has no space: set `space:` here or `account:` "
        "in settings.yaml"
    ]


def test_a_bad_entry_is_located_and_the_rest_still_checked(tmp_path: Path) -> None:
    toys = "toys:\n  boat:\n    space: s\n    readers: [not-an-address, ann@example.com]\n"
    root = write(tmp_path, {"toys.yaml": toys, "more.yaml": "toys:\n  boat: {space: s}\n"})
    with pytest.raises(DesiredStateError) as exc:
        load_desired(root)
    assert [str(p) for p in exc.value.problems] == [
        f"{root}/toys.yaml:2: toys.boat: toy 'boat' is already declared at {root}/more.yaml:2",
        f"{root}/toys.yaml:4: toys.boat.readers[0]: malformed email address 'not-an-address'",
    ]


# --- planner and safety -----------------------------------------------------------------


def test_roles_are_compared_by_value_and_a_role_change_is_not_a_removal(tmp_path: Path) -> None:
    d = desired(tmp_path)
    provider = kite(ann=WRITE, cid=READ, eve=READ)  # ann: write -> read; eve undeclared
    p = plan(d, provider.read(d))
    [toy] = [t for t in p.targets if t.key.kind == "toy"]
    assert [(c.action, str(c.member), c.role_before, c.role_after) for c in toy.changes] == [
        (Action.CREATE, "bob@example.com", None, READ),
        (Action.CREATE, "dan@example.com", None, WRITE),
        (Action.UPDATE, "ann@example.com", WRITE, READ),
        (Action.DELETE, "eve@example.com", READ, None),
    ]
    assert [c.is_removal for c in toy.changes] == [False, False, False, True]
    assert toy.live_elevated is None  # no elevated role: none to count (JSON null)


def test_no_minimum_rule_for_a_kind_without_an_elevated_role(tmp_path: Path) -> None:
    d = desired(tmp_path, "toys:\n  kite: {space: sky}\n")
    p = plan(d, kite(ann=WRITE, bob=WRITE).read(d))
    assert p.summary.remove == 2
    assert p.violations == ()  # min_administrators is a room setting


def test_removal_caps_apply_to_every_kind(tmp_path: Path) -> None:
    d = desired(tmp_path, "toys:\n  kite: {space: sky}\n")
    strict = DesiredState(d.targets, Safety(max_removals=1), d.protected, d.digest)
    p = plan(strict, kite(ann=WRITE, bob=WRITE).read(strict))
    assert [str(v) for v in p.violations] == [
        "Too many removals: 2 is over the limit of 1 (safety.max_removals)"
    ]


def test_protected_members_are_kept_in_any_kind(tmp_path: Path) -> None:
    d = desired(tmp_path, "toys:\n  kite: {space: sky}\n")
    guarded = DesiredState(d.targets, d.safety, frozenset({user("ann@example.com")}), d.digest)
    [toy] = plan(guarded, kite(ann=WRITE, bob=READ).read(guarded)).targets
    assert [str(c.member) for c in toy.changes] == ["bob@example.com"]
    assert [str(m.ref) for m in toy.protected] == ["ann@example.com"]


# --- applier ----------------------------------------------------------------------------


class RoomLog:
    """A room writer that only records, sharing the toy's log: to see the phase order."""

    def __init__(self, log: list[tuple[Any, ...]]) -> None:
        self.log = log

    def create_members(self, target: TargetKey, target_id: str, items: Any) -> dict[str, Any]:
        self.log.append(("create", target.name, "room", tuple(mid for mid, _ in items)))
        return {}

    def update_role(self, *args: Any) -> None:
        raise AssertionError("no room updates in this plan")

    def delete_member(self, *args: Any) -> None:
        raise AssertionError("no room deletes in this plan")

    def member_role(self, *args: Any) -> None:
        return None


def rooms_and_toys(tmp_path: Path) -> tuple[Plan, ToyProvider]:
    toys = """\
        toys:
          kite:
            space: sky
            readers: [ann@example.com, bob@example.com, cid@example.com]
            writers: [dan@example.com, eve@example.com]
        rooms:
          ops:
            members: [fay@example.com]
        """
    d = desired(tmp_path, toys)
    provider = kite(ann=WRITE, fay=READ)
    ops = TargetKey("room", "acc-1", "ops")
    room_live = LiveTarget(ops, "room-ops", ())
    live = merged([provider.read(d), _room_state(room_live, user("fay@example.com"))])
    return plan(d, live), provider


def _room_state(target: LiveTarget, ref: MemberRef) -> Any:
    from reconciler.live import LiveState

    return LiveState({target.key: target}, {}, (), {(target.key.scope, ref): "uid-fay"})


def test_creates_are_batched_by_role_and_a_role_change_is_delete_then_create(
    tmp_path: Path,
) -> None:
    p, provider = rooms_and_toys(tmp_path)
    log = provider.log
    result = apply(p, {"room": RoomLog(log), "toy": provider}, parallelism=1)
    assert result.ok
    assert log == [
        ("create", "ops", "room", ("uid-fay",)),  # phase 0: rooms
        ("delete", "kite", "toy-fay@example.com"),  # prune: deletes without elevated first
        ("delete", "kite", "toy-ann@example.com"),  # ann: write -> read, not in place
        # batches of 2, one role; ann's re-creation first (it takes back the place its
        # delete freed, before a new member can: Q-O-1)
        ("create", "kite", "read", ("toy-ann@example.com", "toy-bob@example.com")),
        ("create", "kite", "read", ("toy-cid@example.com",)),
        ("create", "kite", "write", ("toy-dan@example.com", "toy-eve@example.com")),
    ]
    assert provider.toys[("sky", "kite")][1] == {
        "toy-ann@example.com": READ,
        "toy-bob@example.com": READ,
        "toy-cid@example.com": READ,
        "toy-dan@example.com": WRITE,
        "toy-eve@example.com": WRITE,
    }


def test_an_item_error_fails_that_member_only(tmp_path: Path) -> None:
    p, provider = rooms_and_toys(tmp_path)
    provider.item_errors["toy-dan@example.com"] = "Forbidden"
    result = apply(p, {"room": RoomLog(provider.log), "toy": provider}, parallelism=1)
    assert [(str(r.change.member), r.error_code) for r in result.failed] == [
        ("dan@example.com", "Forbidden")
    ]
    assert result.total == 7  # the room's create and the toy's six changes


def test_a_kind_without_a_provider_is_refused_before_any_change(tmp_path: Path) -> None:
    p, provider = rooms_and_toys(tmp_path)
    with pytest.raises(NoProviderError, match="no provider for the 'toy' targets"):
        apply(p, {"room": RoomLog(provider.log)})
    assert provider.log == []


# --- renderers and plan file ------------------------------------------------------------


def toy_plan(tmp_path: Path) -> Plan:
    d = desired(tmp_path, "toys:\n  kite:\n    space: sky\n    readers: [ann@example.com]\n")
    return plan(d, kite(ann=WRITE, bob=READ).read(d))


def test_text_uses_the_kinds_words_and_role_text(tmp_path: Path) -> None:
    assert format_plan(toy_plan(tmp_path), "text", verbose=True).splitlines() == [
        "# toy kite (space sky, id toy-kite)",
        "  ~ ann@example.com: write -> read (replace: toys never change in place)",
        f"      declared at {tmp_path}/ds/toys.yaml:4 as read",
        "  - bob@example.com (read)",
        "      not declared, and prune is on for this toy",
        "",
        "Plan: 0 to add, 1 to change, 1 to remove.",
    ]


def test_markdown_names_the_kind(tmp_path: Path) -> None:
    text = format_plan(toy_plan(tmp_path), "markdown")
    assert "| Toy | Add | Change | Remove | Not declared | Unmanaged |" in text
    assert "<details><summary>toy kite: 1 to change, 1 to remove</summary>" in text


def test_json_writes_the_kind_and_its_roles_and_follows_the_schema(tmp_path: Path) -> None:
    doc = json.loads(format_plan(toy_plan(tmp_path), "json"))
    Draft202012Validator(load_schema()).validate(doc)
    [target] = doc["targets"]
    assert (target["kind"], target["scope"], target["name"], target["id"]) == (
        "toy",
        "sky",
        "kite",
        "toy-kite",
    )
    assert [(c["action"], c["role_before"], c["role_after"]) for c in target["changes"]] == [
        ("update", {"access": "write"}, {"access": "read"}),
        ("delete", {"access": "read"}, None),
    ]


def test_the_plan_file_round_trips_a_kinds_roles(tmp_path: Path) -> None:
    p = toy_plan(tmp_path)
    assert load_plan(save_plan(p, tmp_path / "p.json")) == p


def test_a_room_role_in_a_toy_target_is_refused_when_loading(tmp_path: Path) -> None:
    path = save_plan(toy_plan(tmp_path), tmp_path / "p.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["targets"][0]["changes"][0]["role_after"] = Role.ADMINISTRATOR.value
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(Exception, match=r"targets\[0\].changes\[0\].role_after: expected one of"):
        load_plan(path)


def test_the_fingerprint_reads_roles_through_the_kind() -> None:
    a = LiveMember(user("ann@example.com"), "m1", MemberKind.USER, READ)
    b = LiveMember(user("ann@example.com"), "m1", MemberKind.USER, WRITE)
    key = TargetKey("toy", "sky", "kite")
    assert LiveTarget(key, "t", (a,)).fingerprint != LiveTarget(key, "t", (b,)).fingerprint


# --- the tool itself (QA-AM Q-AM-4) -------------------------------------------------------


@dataclass(frozen=True)
class KeptToyKind(ToyKind):
    """The toy kind acting as ann in space sky: its own member there."""

    def own_members(self, settings: Any) -> Mapping[str, frozenset[MemberRef]]:
        return {"sky": frozenset({user("ann@example.com")})}


KEPT_TOY = KeptToyKind(**{f.name: getattr(TOY, f.name) for f in fields(TOY)})


def test_a_kinds_own_member_is_kept_and_never_listed_pruned_or_not(tmp_path: Path) -> None:
    with kinds.registered(KEPT_TOY):
        d = desired(tmp_path, "toys:\n  kite: {space: sky}\n")
        assert user("ann@example.com") in d.protected
        [pruned] = plan(d, kite(ann=WRITE, bob=READ).read(d)).targets
        assert [str(c.member) for c in pruned.changes] == ["bob@example.com"]
        assert pruned.protected == ()  # the tool itself: not shown as kept on every plan
        (tmp_path / "off").mkdir()
        d = desired(tmp_path / "off", "toys:\n  kite: {space: sky, prune: false}\n")
        [kept] = plan(d, kite(ann=WRITE, bob=READ).read(d)).targets
        assert [str(m.ref) for m in kept.unmanaged] == ["bob@example.com"]  # ann: never drift


# --- restrictions.yaml (QA-AM Q-AM-3) ---------------------------------------------------


def test_a_rule_names_a_kinds_targets_and_their_ids_with_no_field_added(tmp_path: Path) -> None:
    rules = "restrictions:\n  - path: 'teams/**'\n    toys: ['^kite']\n    ids: {toys: [toy-9]}\n"
    toys = (
        "toys:\n"
        "  kite: {space: sky}\n"
        "  drone: {space: sky}\n"
        "  kite-2: {space: sky, id: toy-9}\n"
        "  kite-3: {space: sky, id: toy-8}\n"
    )
    root = write(tmp_path, {"settings.yaml": SETTINGS, "restrictions.yaml": rules})
    (root / "teams").mkdir()
    (root / "teams" / "t.yaml").write_text(toys, encoding="utf-8")
    with pytest.raises(DesiredStateError) as caught:
        load_desired(root)
    rule = f"the rule at {root}/restrictions.yaml:2 (path 'teams/**')"
    assert [str(p) for p in caught.value.problems] == [
        f"{root}/teams/t.yaml:3: toys.drone: toy 'drone' may not be defined in teams/t.yaml: "
        f"{rule} allows toys matching '^kite'",
        f"{root}/teams/t.yaml:5: toys.kite-3.id: toy id 'toy-8' may not be declared in "
        f"teams/t.yaml: {rule} allows the toy ids 'toy-9' (a toy declared by `id:` is "
        "whichever toy has that id, whatever its key: list the ids this rule's files may "
        "declare under its `ids: {toys: [...]}`)",
    ]


# --- a kind's minimum in settings.yaml (QA-AM Q-AM-3) -------------------------------------

MIN_TOY = replace(
    TOY, elevated=frozenset({WRITE}), minimum_setting="min_writers", minimum_default=2
)


def test_a_kinds_minimum_is_a_setting_with_its_default_and_no_field_added(tmp_path: Path) -> None:
    with kinds.registered(MIN_TOY):
        assert desired(tmp_path).safety.minimum("min_writers") == 2
        (tmp_path / "set").mkdir()
        root = write(tmp_path / "set", {"settings.yaml": SETTINGS + "safety: {min_writers: 1}\n"})
        assert load_desired(root).safety.minimum("min_writers") == 1
        safety = json_schema("settings")["$defs"]["SafetySpec"]["properties"]
        assert safety["min_writers"] == {
            "default": 2,
            "exclusiveMaximum": LIMIT,  # a count of more than 100 digits is refused (Q-GV-1)
            "minimum": 0,
            "title": "Min Writers",
            "type": "integer",
        }


class SafeToySpec(ToySpec):
    """A toy that may have its own ``safety:``."""

    safety: TargetSafetySpec | None = None


SAFE_TOY = replace(MIN_TOY, spec=SafeToySpec)


def test_a_kinds_minimum_is_a_setting_of_its_targets_own_safety(tmp_path: Path) -> None:
    with kinds.registered(SAFE_TOY):
        d = desired(tmp_path, "toys:\n  kite: {space: sky, safety: {min_writers: 0}}\n")
        [kite] = [t for t in d.targets if t.key.kind == "toy"]
        assert d.safety_for(kite.key).minimum("min_writers") == 0
        (tmp_path / "other").mkdir()
        with pytest.raises(DesiredStateError) as caught:
            desired(
                tmp_path / "other", "toys:\n  kite: {space: sky, safety: {min_moderators: 0}}\n"
            )
        assert [p.message for p in caught.value.problems] == [
            "toys.kite.safety: unknown key 'min_moderators' (does not apply to a "
            "toy, whose safety: takes max_removals, max_removal_fraction, min_writers)"
        ]


# --- audit's JSON rows (QA-BG Q-BG-4) -----------------------------------------------------


def test_a_kind_whose_words_give_two_audit_row_keys_one_name_is_refused_at_registration() -> None:
    # a target that is its own scope, worded so: its name would overwrite its scope
    same = replace(TOY, words=replace(TOY.words, scope="toy box", noun="toy box"))
    with pytest.raises(ValueError) as caught:
        kinds.register(same)
    assert str(caught.value) == (
        "kind 'toy': audit's JSON rows would have the key 'toy_box' twice (from Words.scope "
        "'toy box', the entry noun 'toy box', id_key ''): give them different words"
    )
    assert kinds.get("toy") is TOY  # not registered
    noted = replace(TOY, words=replace(TOY.words, id_key="note"))
    with pytest.raises(ValueError, match="the key 'note' twice"):
        kinds.register(noted)
    assert TOY.words.audit_keys == ("space", "toy", "toy_id")


# --- a kind's own words: plurals and articles (QA-BG Q-BG-5) ------------------------------

# an irregular plural and a vowel-initial noun: no message may glue "s" or "a " to them
OX = replace(
    SAFE_TOY,
    words=replace(TOY.words, noun="ox", plural="oxen", id_word=("brand", "brands")),
)


def test_restriction_messages_use_the_kinds_plural_and_article(tmp_path: Path) -> None:
    rules = "restrictions:\n  - path: 'teams/**'\n    toys: ['^kite']\n    ids: {toys: [toy-9]}\n"
    toys = "toys:\n  drone: {space: sky}\n  kite-3: {space: sky, id: toy-8}\n"
    root = write(tmp_path, {"settings.yaml": SETTINGS, "restrictions.yaml": rules})
    (root / "teams").mkdir()
    (root / "teams" / "t.yaml").write_text(toys, encoding="utf-8")
    with kinds.registered(OX), pytest.raises(DesiredStateError) as caught:
        load_desired(root)
    rule = f"the rule at {root}/restrictions.yaml:2 (path 'teams/**')"
    assert [str(p) for p in caught.value.problems] == [
        f"{root}/teams/t.yaml:2: toys.drone: ox 'drone' may not be defined in teams/t.yaml: "
        f"{rule} allows oxen matching '^kite'",
        f"{root}/teams/t.yaml:3: toys.kite-3.id: ox brand 'toy-8' may not be declared in "
        f"teams/t.yaml: {rule} allows the ox brands 'toy-9' (an ox declared by `id:` is "
        "whichever ox has that brand, whatever its key: list the brands this rule's files "
        "may declare under its `ids: {toys: [...]}`)",
    ]


def test_a_targets_own_safety_names_the_kind_with_its_article(tmp_path: Path) -> None:
    with kinds.registered(OX):
        with pytest.raises(DesiredStateError) as caught:
            desired(tmp_path, "toys:\n  kite: {space: sky, safety: {min_moderators: 0}}\n")
        assert [p.message for p in caught.value.problems] == [
            "toys.kite.safety: unknown key 'min_moderators' (does not apply to an "
            "ox, whose safety: takes max_removals, max_removal_fraction, min_writers)"
        ]
        members = json_schema("rooms")["$defs"]
        [own] = [d for name, d in members.items() if name.startswith("OxSafety")]
        assert own["description"] == "An ox's own safety limits."
        ids = json_schema("restrictions")["$defs"]["RestrictionIds"]
        assert "an ox's `id:`" in ids["description"]
        assert ids["properties"]["toys"]["description"] == (
            "Ox brands (`id:`) the files may declare."
        )


def test_an_unknown_target_is_explained_with_the_nouns_article(tmp_path: Path) -> None:
    with kinds.registered(OX):
        d = desired(tmp_path, "toys:\n  kite: {space: sky}\n")
        [message] = unknown_target_errors(d.targets, ["kyte"], "--room", "ox")
    assert message == (
        "--room: no ox named 'kyte' is declared (did you mean 'kite'?); --room takes an "
        "ox's name (its key in the YAML) or the id written there, not the id Chime gave an "
        "ox declared by name"
    )


# --- lists of kinds derived from the registry (QA-BG Q-BG-7) -------------------------------


def test_a_kinds_section_in_settings_yaml_points_to_other_files(tmp_path: Path) -> None:
    root = write(tmp_path, {"settings.yaml": SETTINGS + "toys: {}\n"})
    with pytest.raises(DesiredStateError) as caught:
        load_desired(root)
    assert [str(p) for p in caught.value.problems] == [
        f"{root}/settings.yaml:3: unknown key 'toys' (rooms, channels, meetings, toys and "
        "groups belong in other files)"
    ]


# a kind whose lists take channel users (user:ID), as a channel's do
USER_TOY = replace(
    TOY,
    member_parser=parse_channel_member,
    words=replace(TOY.words, entry="app instance", entries="app instances"),
)


def test_user_id_in_a_group_names_every_kind_whose_lists_take_it(tmp_path: Path) -> None:
    with kinds.registered(USER_TOY), pytest.raises(DesiredStateError) as caught:
        desired(tmp_path, "groups:\n  crew: ['user:bob']\n")
    assert [p.message for p in caught.value.problems] == [
        "groups.crew[0]: 'user:bob' names a channel user: only a channel's and an app "
        "instance's own lists and settings.yaml's `protected:` take user:ID and "
        "AppInstanceUser ARNs (a room and a group, shared by every kind, take e-mail "
        "addresses and bot:NAME)"
    ]


def test_help_texts_list_every_registered_kind() -> None:
    assert section_keys() == ["rooms:", "channels:", "meetings:", "toys:"]
    assert target_nouns() == "a room, channel, meeting or toy"
    assert id_keys() == ["id", "arn", "meeting_id"]  # the toy's key is a room's
    with kinds.registered(replace(TOY, words=replace(TOY.words, noun="ox", plural="oxen"))):
        assert target_nouns() == "a room, channel, meeting or ox"
    # the forms --target's help offers are the words target_select reads (QA REREAD 11)
    from reconciler import target_select

    assert kind_examples() == "channel:NAME, meeting:NAME, room:NAME or toy:NAME"
    assert [f"{w}:NAME" for w in target_select.kind_words()] == kind_examples().replace(
        " or ", ", "
    ).split(", ")


# --- a kind whose target is its scope (QA-BG Q-BG-3) ---------------------------------------


class SpaceSpec(Strict):
    """A space's own toy: no id key, the space is the target."""

    space: NonBlank | None = None
    prune: bool | None = None
    readers: MemberList = Field(default_factory=list)
    writers: MemberList = Field(default_factory=list)


@dataclass(frozen=True)
class SpaceKind(ToyKind):
    """The toy of a space: its id is its scope (as an app instance's admins are)."""

    def target_id_of(self, spec: Any, settings: Any = None) -> str | None:
        return self.scope_of(spec, settings)


SPACE_TOY = SpaceKind(
    **{f.name: getattr(TOY, f.name) for f in fields(TOY)} | {"id_field": None, "spec": SpaceSpec}
)


def test_one_scope_declared_twice_is_a_validate_error(tmp_path: Path) -> None:
    toys = "toys:\n  kite: {readers: [ann@example.com]}\n  kite-b: {space: acc-1}\n"
    with kinds.registered(SPACE_TOY), pytest.raises(DesiredStateError) as caught:
        desired(tmp_path, toys)  # kite: settings.yaml's account, acc-1
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path}/ds/toys.yaml:3: toys.kite-b: toy id 'acc-1' is already declared at "
        f"{tmp_path}/ds/toys.yaml:2"
    ]


def test_a_kind_without_an_id_key_is_restricted_by_its_scope_under_ids(tmp_path: Path) -> None:
    """QA-BS Q-BS-1: a target that is its scope has a key that is only a label; a file
    under a rule naming only `^kite` declared (and, pruning, emptied) any space under an
    innocent key. The rule's `ids:` now lists the scopes its files may declare."""
    with kinds.registered(SPACE_TOY):
        ids = json_schema("restrictions")["$defs"]["RestrictionIds"]
        assert "`space:`" in ids["properties"]["toys"]["description"]
        rules = "restrictions:\n  - path: 'teams/**'\n    toys: ['^kite']\n"
        root = write(tmp_path, {"settings.yaml": SETTINGS, "restrictions.yaml": rules})
        (root / "teams").mkdir()
        (root / "teams" / "t.yaml").write_text("toys:\n  kite-innocent: {space: prod}\n")
        with pytest.raises(DesiredStateError) as caught:
            load_desired(root)
        rule = f"the rule at {root}/restrictions.yaml:2 (path 'teams/**')"
        assert [str(p) for p in caught.value.problems] == [
            f"{root}/teams/t.yaml:2: toys.kite-innocent.space: toy id 'prod' may not be "
            f"declared in teams/t.yaml: {rule} allows no toy ids (a toy declared by `space:` "
            "is whichever toy has that id, whatever its key: list the ids this rule's files "
            "may declare under its `ids: {toys: [...]}`)"
        ]
        (root / "restrictions.yaml").write_text(rules + "    ids: {toys: [sky]}\n")
        (root / "teams" / "t.yaml").write_text("toys:\n  kite: {space: sky}\n  kite-2: {}\n")
        with pytest.raises(DesiredStateError) as caught:
            load_desired(root)  # kite-2: settings.yaml's account, acc-1, not listed
        assert [str(p) for p in caught.value.problems] == [
            f"{root}/teams/t.yaml:3: toys.kite-2: toy id 'acc-1' may not be declared in "
            f"teams/t.yaml: {rule} allows the toy ids 'sky' (a toy declared by `space:` is "
            "whichever toy has that id, whatever its key: list the ids this rule's files "
            "may declare under its `ids: {toys: [...]}`)"
        ]
        (root / "teams" / "t.yaml").write_text("toys:\n  kite: {space: sky}\n")
        [kite] = [t for t in load_desired(root).targets if t.key.kind == "toy"]
        assert (kite.key, kite.target_id) == (TargetKey("toy", "sky", "kite"), "sky")


def test_the_real_kinds_restrictions_schema_has_no_scope_text() -> None:
    ids = json_schema("restrictions")["$defs"]["RestrictionIds"]
    assert "is its scope" not in ids["description"]
