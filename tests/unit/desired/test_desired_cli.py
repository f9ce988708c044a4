"""`validate` and `schema` from the command line (click's CliRunner), and the example
desired-state/ with the demo seed that goes with it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from reconciler.channel_refs import user_id_of
from reconciler.cli.main import cli
from reconciler.desired.loader import load_desired
from reconciler.emulator.seed import load_seed, parse_seed
from reconciler.refs import MemberKind, MemberRef, Role

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "desired-state"
SEED = ROOT / "reconciler" / "demo" / "seed.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "desired"


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_validate_valid_state_prints_counts_and_exits_0(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run("validate")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Desired state is valid: 4 rooms, 1 channel, 1 channel moderator list, 22 memberships "
        "in 6 files."
    ]
    assert result.stderr == ""


def test_validate_says_one_room_not_one_rooms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    result = run("--desired", "valid-minimal", "validate")
    assert result.exit_code == 0
    assert result.stdout == "Desired state is valid: 1 room, 0 memberships in 3 files.\n"


def test_validate_counts_with_thousands_separators(tmp_path: Path) -> None:
    # two rooms of 600: one room holds at most 1,000 (AWS's quota, test_room_limits.py)
    members = "".join(f"    - u{i}@example.com\n" for i in range(600))
    rooms = "".join(f"  big{n}:\n    account: '1111'\n    members:\n{members}" for n in (1, 2))
    (tmp_path / "r.yaml").write_text(f"rooms:\n{rooms}")
    result = run("--desired", str(tmp_path), "validate")
    assert result.exit_code == 0
    assert result.stdout == "Desired state is valid: 2 rooms, 1,200 memberships in 1 file.\n"


def test_validate_verbose_lists_rooms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run("-v", "validate")
    assert result.stdout.splitlines()[:4] == [
        "  channel incident-chat (app instance "
        "arn:aws:chime:us-east-1:111122223333:app-instance/chat, prune): 4 members"
        "  [desired-state/chat.yaml:4]",
        "  channel moderators incident-chat (app instance "
        "arn:aws:chime:us-east-1:111122223333:app-instance/chat, prune): 2 moderators"
        "  [desired-state/chat.yaml:4]",
        "  room announcements (account 11111111-2222-3333-4444-555555555555): 6 members"
        "  [desired-state/company.yaml:7]",
        "  room incident-response (account 11111111-2222-3333-4444-555555555555, prune): "
        "4 members  [desired-state/teams/sre/sre.yaml:8]",
    ]


def test_validate_errors_go_to_stderr_with_a_count_and_exit_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURES)
    result = run("--desired", "duplicate-member", "validate")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "duplicate-member/rooms.yaml:7: rooms.incident-response.members[2]: "
        "'Bob@Example.com' is listed twice (first at line 5)",
        "duplicate-member/rooms.yaml:8: rooms.incident-response.members[3]: "
        "'@sre' is listed twice (first at line 6)",
        "Desired state is invalid: 2 errors.",
    ]


def test_validate_missing_directory_exits_1(tmp_path: Path) -> None:
    result = run("--desired", str(tmp_path / "none"), "validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"no desired-state files found in {tmp_path / 'none'} (no such directory)",
        "Desired state is invalid: 1 error.",
    ]


def test_validate_needs_no_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    assert run("--endpoint-url", "http://127.0.0.1:9", "validate").exit_code == 0


@pytest.mark.parametrize("kind", ["rooms", "settings", "restrictions"])
def test_schema_is_json_schema_2020_12(kind: str) -> None:
    result = run("schema", "--file", kind)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def schema_for(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(run("schema", "--file", kind).stdout))


def test_schema_accepts_every_example_file() -> None:
    for path in sorted(EXAMPLE.rglob("*.yaml")):
        kind = {"settings.yaml": "settings", "restrictions.yaml": "restrictions"}.get(
            path.name if path.parent == EXAMPLE else "", "rooms"
        )
        errors = list(schema_for(kind).iter_errors(yaml.safe_load(path.read_text())))
        assert errors == [], path


def test_schema_rejects_what_the_loader_rejects() -> None:
    rooms = schema_for("rooms")
    assert not rooms.is_valid({"room": {}})
    assert not rooms.is_valid({"rooms": {"x": {"administrator": []}}})
    assert not rooms.is_valid({"rooms": {"x": {"members": ["bob@"]}}})
    assert not rooms.is_valid({"rooms": {"x": {"members": ["webhook:Alerts"]}}})
    assert not rooms.is_valid({"groups": {"@sre": []}})
    assert rooms.is_valid({"groups": {"sre": ["@a", "bot:B", "c@d.io"]}, "rooms": {"x": {}}})
    settings = schema_for("settings")
    assert not settings.is_valid({"safety": {"max_removal_fraction": 1.5}})
    assert not settings.is_valid({"rooms": {}})


def test_schema_defaults_to_the_rooms_file() -> None:
    assert json.loads(run("schema").stdout)["title"] == "chime-reconciler desired-state file"


def test_example_files_carry_the_seed_comment() -> None:
    for path in [*sorted(EXAMPLE.rglob("*.yaml")), SEED]:
        head = path.read_text().split("\n\n")[0]
        other = "seed.yaml" if path != SEED else "desired-state/"
        assert other in head, path


def test_seed_has_every_user_bot_and_room_the_example_names() -> None:
    state = load_desired(EXAMPLE)
    seed = parse_seed(load_seed(SEED))
    (account,) = seed.accounts
    emails = {u.email.casefold() for u in account.users}
    bots = {b.name for b in account.bots}
    rooms_by_name = {r.name: r for r in account.rooms}
    rooms_by_id = {r.id: r for r in account.rooms}
    rooms = [t for t in state.targets if t.key.kind == "room"]
    bearers = {i.bearer for i in state.app_instances}
    refs = {m.ref for t in rooms for m in t.members} | (set(state.protected) - bearers)
    assert {r.key for r in refs if r.kind is MemberKind.USER} <= emails
    assert {r.key for r in refs if r.kind is MemberKind.BOT} <= bots
    # the channels' members are users (by id: the e-mail) and bots of the seed's app instance
    (instance,) = seed.app_instances
    channels = [t for t in state.targets if t.key.kind.startswith("channel")]
    assert {t.key.scope for t in channels} == {instance.arn}
    named = {m.ref for t in channels for m in t.members} | bearers
    assert {user_id_of(r) for r in named if r.kind is MemberKind.USER} <= {
        u.id for u in instance.users
    }
    assert {r.key for r in named if r.kind is MemberKind.BOT} <= {b.name for b in instance.bots}
    assert {c.name for c in instance.channels} == {t.key.name for t in channels}
    for target in rooms:
        assert target.key.scope == account.id
        found = rooms_by_id.get(target.target_id or "") or rooms_by_name.get(target.key.name)
        assert found is not None, target.key


def test_seed_differs_from_the_example_in_every_way_the_demo_shows() -> None:
    state = load_desired(EXAMPLE)
    (account,) = load_seed(SEED)["accounts"]  # the document as written: member references
    live = {
        r["name"]: {m["member"]: Role(m["role"]) for m in r["memberships"]}
        for r in account["rooms"]
    }
    rooms = [t for t in state.targets if t.key.kind == "room"]
    ir = {str(m.ref): m.role for m in rooms[1].members}
    assert rooms[1].key.name == "incident-response" and rooms[1].prune
    assert "bot:PagerBot" not in live["incident-response"]  # a create
    assert (live["incident-response"]["alice@example.com"], ir["alice@example.com"]) == (
        Role.MEMBER,
        Role.ADMINISTRATOR,
    )  # a promotion
    undeclared = set(live["incident-response"]) - set(ir)
    assert undeclared == {"mallory@example.com", "heidi@example.com", "breakglass@example.com"}
    assert MemberRef.user("breakglass@example.com") in state.protected  # kept though pruned
    removals = len(undeclared) - 1
    assert removals <= state.safety.max_removals
    web = {str(m.ref): m.role for m in rooms[3].members}
    assert (live["web-releases"]["frank@example.com"], web["frank@example.com"]) == (
        Role.ADMINISTRATOR,
        Role.MEMBER,
    )  # a demotion
    assert "webhook:Deploys" in live["web-releases"] and not rooms[3].prune


def test_validate_help_shows_examples_with_global_options_first() -> None:
    result = run("validate", "--help")
    assert result.exit_code == 0
    assert "Examples:\n" in result.stdout
    assert "  chime-reconciler --desired DIR validate" in result.stdout
    assert "  chime-reconciler -v validate" in result.stdout


def test_validate_verbose_counts_members_in_the_kinds_words(tmp_path: Path) -> None:
    # QA-BG Q-BG-6: a meeting's members are attendees, as everywhere else
    (tmp_path / "m.yaml").write_text(
        "meetings:\n"
        "  bridge:\n"
        "    meeting_id: 6f1c2a9e-0000-4000-8000-000000000001\n"
        "    attendees: {alice@example.com: presenter, bob@example.com: viewer}\n"
        "  solo:\n"
        "    meeting_id: 6f1c2a9e-0000-4000-8000-000000000002\n"
        "    attendees: {carol@example.com: presenter}\n"
    )
    result = run("--desired", str(tmp_path), "-v", "validate")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("  meeting bridge (meeting_id 6f1c2a9e-0000-4000-8000-000000000001")
    assert lines[0].endswith("): 2 attendees  [" + str(tmp_path / "m.yaml") + ":2]")
    assert "): 1 attendee  [" in lines[1]


def test_validate_reads_a_whole_float_as_its_number_and_refuses_nan(tmp_path: Path) -> None:
    # QA-ET Q-ET-2: JSON has one kind of number, so the schema (and an editor) takes 1.0 as
    # the integer 1: validate does too, and refuses what the schema refuses (1.5, .nan)
    (tmp_path / "settings.yaml").write_text(
        "account: '1111'\nsafety: {max_removals: 3.0, min_administrators: 2.0}\n"
        "max_grant_days: {administrators: 30.0}\nexpiry_warning_days: 7.0\n"
    )
    rooms = tmp_path / "r.yaml"
    rooms.write_text(
        "rooms:\n  r:\n    members: [a@example.com]\n    safety: {max_removals: 1.0}\n"
    )
    result = run("--desired", str(tmp_path), "validate")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "Desired state is valid: 1 room, 1 membership in 2 files.\n"
    state = load_desired(tmp_path)
    read = [
        state.safety.max_removals,
        state.safety.minimum("min_administrators"),
        state.policy.expiry_warning_days,
        *dict(state.policy.max_grant_days).values(),
        *dict(state.targets[0].safety).values(),
    ]
    assert read == [3, 2, 7, 30, 1]
    assert {type(value) for value in read} == {int}
    rooms.write_text(
        "rooms:\n  r:\n    members: [a@example.com]\n"
        "    safety: {max_removals: 1.5, max_removal_fraction: .nan}\n"
    )
    result = run("--desired", str(tmp_path), "validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{rooms}:4: rooms.r.safety.max_removals: expected a whole number, got the number 1.5",
        f"{rooms}:4: rooms.r.safety.max_removal_fraction: expected a number from 0 to 1, "
        "got the number .nan (not finite)",
        "Desired state is invalid: 2 errors.",
    ]
