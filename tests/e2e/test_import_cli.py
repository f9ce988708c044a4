"""`chime-reconciler import` through the CLI, the real boto3 client and the emulator: the
files it writes, the round trip (import, then plan: `No changes.`), refusals, call counts."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import ACCOUNT, seed_doc
from test_create_retries_e2e import CHAT_SEED, CHAT_SETTINGS

from reconciler import atomic_file
from reconciler.cli.main import cli
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACC = "11111111-2222-3333-4444-555555555555"
ACC2 = "22222222-3333-4444-5555-666666666666"
NO_CHANGES = "No changes. Chime memberships match the desired state."
ENV = {"CHIME_RECONCILER_RETRY_BASE_MS": "1", "CHIME_RECONCILER_RETRY_CAP_MS": "5"}
BIG = 150  # members of the big room: two ListRoomMemberships pages of 99

# what import --room says after a name no room has (QA REREAD 9: as the plan says it)
NOT = ": ListRooms lists none of that name or id (names and ids are matched exactly, case included"


def account(
    ident: str,
    users: int,
    rooms: list[tuple[str, str, list[tuple[str, str]]]],
    p: str = "",
    user: str = "u",
) -> dict[str, Any]:
    """Users {user}0..{user}{n-1}@example.com; bots PagerBot, StandupBot; webhook Deploys;
    rooms as (id, name, [(member, role)]). Member ids start with ``p`` (unique ids across
    accounts)."""
    return {
        "id": ident,
        "name": f"Corp {ident[:4]}",
        "users": [{"id": f"{p}uid-{i}", "email": f"{user}{i}@example.com"} for i in range(users)],
        "bots": [
            {"id": f"{p}bid-pager", "name": "PagerBot"},
            {"id": f"{p}bid-standup", "name": "StandupBot"},
        ],
        "webhooks": [{"id": f"{p}wid-deploys", "name": "Deploys"}],
        "rooms": [
            {"id": rid, "name": name, "memberships": [{"member": m, "role": r} for m, r in ms]}
            for rid, name, ms in rooms
        ],
    }


def big_seed() -> dict[str, Any]:
    """Several rooms of every kind in one account, and a second account."""
    big = [(f"u{i}@example.com", "Administrator" if i < 3 else "Member") for i in range(BIG)]
    rooms = [
        ("r-big", "all-hands", [*big, ("bot:PagerBot", "Member"), ("webhook:Deploys", "Member")]),
        ("r-ops", "ops", [("u1@example.com", "Administrator"), ("bot:StandupBot", "Member")]),
        ("r-gen1", "general", [("u2@example.com", "Administrator")]),
        ("r-gen2", "general", [("u3@example.com", "Member"), ("webhook:Deploys", "Member")]),
        ("r-ir", "Incident Response", [("u4@example.com", "Administrator")]),
        ("r-empty", "empty", []),
    ]
    other = [("r2-ops", "ops", [("v0@example.com", "Administrator")])]
    return {"accounts": [account(ACC, BIG, rooms), account(ACC2, 1, other, "a2-", "v")]}


def small_seed() -> dict[str, Any]:
    rooms = [
        (
            "r-ops",
            "ops",
            [
                ("u1@example.com", "Member"),
                ("u0@example.com", "Administrator"),
                ("bot:PagerBot", "Member"),
                ("webhook:Deploys", "Member"),
            ],
        ),
        ("r-web", "web", [("u2@example.com", "Administrator")]),
    ]
    return {"accounts": [account(ACC, 3, rooms)]}


def run(emulator: EmulatorServer, desired: Path, *args: str) -> Result:
    argv = ["--endpoint-url", emulator.url, "--desired", str(desired), *args]
    return CliRunner(env=ENV).invoke(cli, argv, catch_exceptions=False)


def plan_after(emulator: EmulatorServer, desired: Path) -> Result:
    return run(emulator, desired, "plan", "--detailed-exitcode")


def assert_no_changes(emulator: EmulatorServer, desired: Path) -> None:
    result = plan_after(emulator, desired)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1] == NO_CHANGES


def set_prune(directory: Path, prune: bool) -> None:
    settings = directory / "settings.yaml"
    data = yaml.safe_load(settings.read_text())
    data["prune"] = prune
    settings.write_text(yaml.safe_dump(data))


def files_under(directory: Path) -> list[str]:
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())


def test_import_into_a_directory_then_plan_shows_no_changes_with_prune_off_and_on(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.reset(big_seed())
    out = tmp_path / "desired-state"
    result = run(emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(out))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"Imported 6 rooms ({BIG + 6} memberships; 2 webhooks left out) from account {ACC}. "
        f"Wrote 6 room files under {out} and {out / 'settings.yaml'}.",
        f"Next: chime-reconciler --desired {out} plan   (expect: No changes.)",
    ]
    assert files_under(out) == [
        "rooms/all-hands.yaml",
        "rooms/empty.yaml",
        "rooms/general-r-gen1.yaml",
        "rooms/general-r-gen2.yaml",
        "rooms/incident-response.yaml",
        "rooms/ops.yaml",
        "settings.yaml",
    ]
    assert (out / "rooms/general-r-gen2.yaml").read_text().splitlines()[2:] == [
        "rooms:",
        "  general (r-gen2):",
        "    id: r-gen2  # name: general",
        "    administrators: []",
        "    members:",
        "      - u3@example.com",
        "    # webhook:Deploys (Member) is left out: webhooks are never managed.",
    ]
    assert_no_changes(emulator, out)
    set_prune(out, True)
    assert_no_changes(emulator, out)


def test_import_with_prune_writes_prune_true_and_plans_no_changes(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.reset(big_seed())
    out = tmp_path / "d"
    result = run(
        emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(out), "--prune"
    )
    assert result.exit_code == 0
    assert "    prune: true" in (out / "rooms/ops.yaml").read_text().splitlines()
    assert_no_changes(emulator, out)


def test_import_of_every_account_lists_accounts_and_writes_a_folder_per_account(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.reset(big_seed())
    out = tmp_path / "d"
    result = run(emulator, tmp_path / "none", "import", "--out", str(out))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0].startswith(
        f"Imported 7 rooms ({BIG + 7} memberships; 2 webhooks left out) "
        f"from accounts {ACC}, {ACC2}."
    )
    assert files_under(out) == [
        f"rooms/{ACC}/all-hands.yaml",
        f"rooms/{ACC}/empty.yaml",
        f"rooms/{ACC}/general-r-gen1.yaml",
        f"rooms/{ACC}/general-r-gen2.yaml",
        f"rooms/{ACC}/incident-response.yaml",
        f"rooms/{ACC}/ops.yaml",
        f"rooms/{ACC2}/ops.yaml",
        "settings.yaml",
    ]
    assert yaml.safe_load((out / "settings.yaml").read_text()) == {"prune": False}
    assert_no_changes(emulator, out)
    set_prune(out, True)
    assert_no_changes(emulator, out)


def test_import_to_stdout_is_one_document_that_plans_to_no_changes(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.reset(small_seed())
    desired = tmp_path / "desired-state"
    desired.mkdir()
    (desired / "settings.yaml").write_text(f"account: {ACC}\n")
    result = run(emulator, desired, "import")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"# Imported from Chime by `chime-reconciler import`: 2 rooms of account {ACC}.",
        "# Members are listed as Chime has them; edit freely, then run `chime-reconciler plan`.",
        "rooms:",
        "  ops:  # id r-ops",
        "    administrators:",
        "      - u0@example.com",
        "    members:",
        "      - u1@example.com",
        "      - bot:PagerBot",
        "    # webhook:Deploys (Member) is left out: webhooks are never managed.",
        "  web:  # id r-web",
        "    administrators:",
        "      - u2@example.com",
        "    members: []",
    ]
    assert result.stderr == (
        f"Imported 2 rooms (4 memberships; 1 webhook left out) from account {ACC}.\n"
    )
    (desired / "rooms.yaml").write_text(result.stdout)
    assert_no_changes(emulator, desired)


def test_import_refuses_a_settings_file_the_loader_refuses_and_reads_no_account(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    """QA-AF Q-AF-3: a U+2028 pasted into a comment made the rest of it YAML to a plain
    read, so import took the `account:` written in the comment and read that account."""
    emulator.reset(big_seed())
    desired = tmp_path / "desired-state"
    desired.mkdir()
    settings = desired / "settings.yaml"
    settings.write_text(f'account: "{ACC}"   # moved from\u2028account: "{ACC2}"\n')

    result = run(emulator, desired, "import")

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(
        f"Error: cannot read the default account: {settings}:1: U+2028 LINE SEPARATOR in "
        "this line: YAML 1.1 reads it as a line break where an editor shows none;"
    )
    assert result.stderr.rstrip().endswith("(run `chime-reconciler validate`, or give --account)")
    assert ACC2 not in result.stderr
    validated = run(emulator, desired, "validate")  # the same refusal at the same line
    assert validated.exit_code == 1
    assert f"{settings}:1: U+2028 LINE SEPARATOR in this line" in validated.output


@pytest.mark.parametrize("value", ["1111", '""', "[a, b]"])
def test_import_refuses_an_account_that_is_no_account_id_rather_than_reading_every_account(
    emulator: EmulatorServer, tmp_path: Path, value: str
) -> None:
    """QA-AK Q-AK-5: `account: 1111` (a number, refused by validate) was read as no
    account at all, and import read every account's rooms."""
    emulator.reset(big_seed())
    desired = tmp_path / "desired-state"
    desired.mkdir()
    settings = desired / "settings.yaml"
    settings.write_text(f"# the default account\naccount: {value}\n")

    result = run(emulator, desired, "import")

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.rstrip() == (
        f"Error: cannot read the default account: {settings}:2: account: is not an account "
        "id (run `chime-reconciler validate`, or give --account)"
    )
    assert run(emulator, desired, "validate").exit_code == 1


SETTINGS_NOT_A_MAPPING = {
    "a list": ("- a\n", "the top level must be a mapping of keys, not a list"),
    "a value": ("just words\n", "the top level must be a mapping of keys, not a single value"),
    "a directory": (None, "cannot read file: Is a directory"),
    "a FIFO": ("fifo", "cannot read file: not a regular file"),
}


@pytest.mark.parametrize("what", SETTINGS_NOT_A_MAPPING)
def test_import_refuses_a_settings_file_that_is_no_mapping_rather_than_reading_every_account(
    emulator: EmulatorServer, tmp_path: Path, what: str
) -> None:
    """QA-CF Q-CF-2: a settings.yaml that is a list (or a directory) was read as no
    account at all, and import read every account's rooms (ListAccounts)."""
    emulator.reset(big_seed())
    desired = tmp_path / "desired-state"
    desired.mkdir()
    settings = desired / "settings.yaml"
    text, problem = SETTINGS_NOT_A_MAPPING[what]
    if text is None:
        settings.mkdir()
    elif text == "fifo":
        os.mkfifo(settings)
    else:
        settings.write_text(text)

    result = run(emulator, desired, "import")

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.rstrip() == (
        f"Error: cannot read the default account: {settings}:1: {problem} "
        "(run `chime-reconciler validate`, or give --account)"
    )
    assert "ListAccounts" not in emulator.calls()


def test_import_to_stdout_of_several_accounts_names_each_account(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.reset(big_seed())
    result = run(emulator, tmp_path / "none", "import", "--room", "ops")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[2:] == [
        "rooms:",
        "  ops (r-ops):",
        "    id: r-ops  # name: ops",
        f"    account: {ACC}",
        "    administrators:",
        "      - u1@example.com",
        "    members:",
        "      - bot:StandupBot",
        "  ops (r2-ops):",
        "    id: r2-ops  # name: ops",
        f"    account: {ACC2}",
        "    administrators:",
        "      - v0@example.com",
        "    members: []",
    ]
    desired = tmp_path / "d"
    desired.mkdir()
    (desired / "rooms.yaml").write_text(result.stdout)
    assert_no_changes(emulator, desired)


def test_import_refuses_to_overwrite_files_unless_forced_and_keeps_settings(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.reset(small_seed())
    out = tmp_path / "d"
    (out / "rooms").mkdir(parents=True)
    (out / "rooms/ops.yaml").write_text("# mine\n")
    settings = f"account: {ACC}\nprune: true\nprotected: [u0@example.com]\n"
    (out / "settings.yaml").write_text(settings)

    refused = run(emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(out))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: 1 file exists already: {out / 'rooms/ops.yaml'}; nothing was written "
        "(use --force to overwrite them)\n"
    )
    assert files_under(out) == ["rooms/ops.yaml", "settings.yaml"]
    assert (out / "rooms/ops.yaml").read_text() == "# mine\n"

    forced = run(
        emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(out), "--force"
    )
    assert (forced.exit_code, forced.stderr) == (0, "")
    assert forced.stdout.splitlines()[0] == (
        f"Imported 2 rooms (4 memberships; 1 webhook left out) from account {ACC}. "
        f"Wrote 2 room files ({out / 'rooms/ops.yaml'}, {out / 'rooms/web.yaml'}; "
        f"kept {out / 'settings.yaml'})."
    )
    assert (out / "settings.yaml").read_text() == settings
    assert "account:" not in (out / "rooms/ops.yaml").read_text()
    assert_no_changes(emulator, out)


def test_import_one_room_into_an_existing_desired_state(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.reset(small_seed())
    out = tmp_path / "d"
    out.mkdir()
    (out / "settings.yaml").write_text(f"account: {ACC}\n")
    first = run(emulator, out, "import", "--room", "web", "--out", str(out))
    assert first.exit_code == 0
    assert files_under(out) == ["rooms/web.yaml", "settings.yaml"]
    second = run(emulator, out, "import", "--room", "r-ops", "--out", str(out))
    assert second.exit_code == 0
    assert files_under(out) == ["rooms/ops.yaml", "rooms/web.yaml", "settings.yaml"]
    assert_no_changes(emulator, out)


def test_import_of_an_unknown_room_is_an_error(emulator: EmulatorServer, tmp_path: Path) -> None:
    emulator.reset(small_seed())
    result = run(
        emulator, tmp_path / "none", "import", "--account", ACC, "--room", "nope", "--room", "ops"
    )
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: no Chime room named 'nope' in account {ACC}{NOT})\n"


def test_import_of_a_misspelt_room_says_did_you_mean(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    """QA-LF Q-LF-3: a misspelt --room name was "not found" with no suggestion, where plan's
    --target and audit offer the nearest name; now each name gets the closest name or id
    of a room read, in the same words (a name with none close gets none)."""
    emulator.reset(small_seed())
    result = run(emulator, tmp_path / "none", "import", "--account", ACC, "--room", "opz")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: no Chime room named 'opz' in account {ACC}{NOT}: did you mean 'ops'?)\n"
    )
    rooms = ("--room", "nope", "--room", "r-webb", "--room", "OPS")
    result = run(emulator, tmp_path / "none", "import", "--account", ACC, *rooms)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: no Chime room named 'OPS' in account {ACC}{NOT}: did you mean 'ops'?)\n"
        f"Error: no Chime room named 'nope' in account {ACC}{NOT})\n"
        f"Error: no Chime room named 'r-webb' in account {ACC}{NOT}: did you mean 'r-web'?)\n"
    )


def test_import_of_an_unknown_room_quotes_each_value_cut(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    """QA-GK Q-GK-1: a --room value naming no room was echoed whole and bare (300
    characters on one line; a newline put the rest on a line of its own; `'ops, dev'`
    read as two values); now each is quoted, a long one cut to 80 and its length."""
    emulator.reset(small_seed())
    long = "y" * 300
    for values, names in (
        ((long,), [f"{'y' * 80!r}…(300 characters)"]),
        (("a\nb",), ["'a\\nb'"]),
        (("ops, dev", "nope"), ["'nope'", "'ops, dev'"]),
        (("",), ["''"]),
    ):
        rooms = [a for v in values for a in ("--room", v)]
        result = run(emulator, tmp_path / "none", "import", "--account", ACC, *rooms)
        assert (result.exit_code, result.stdout) == (1, "")
        said = [f"Error: no Chime room named {n} in account {ACC}{NOT})\n" for n in names]
        assert result.stderr == "".join(said)


def test_import_into_a_desired_state_leaves_the_rooms_it_declares_as_they_are(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    """Adopting the rest of the rooms: `import --out DIR` into a managed directory writes
    only the rooms DIR does not declare yet (by name or by id), so DIR stays valid."""
    emulator.reset(small_seed())
    out = tmp_path / "d"
    (out / "teams").mkdir(parents=True)
    (out / "settings.yaml").write_text(f"account: {ACC}\n")
    mine = "rooms:\n  web:\n    administrators: [u2@example.com]\n"
    (out / "teams/web.yaml").write_text(mine)

    result = run(emulator, out, "import", "--out", str(out))

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"Imported 1 room (3 memberships; 1 webhook left out) from account {ACC}. "
        f"Wrote 1 room file ({out / 'rooms/ops.yaml'}; kept {out / 'settings.yaml'}).",
        f"Left 1 room as it is, declared already: web ({out / 'teams/web.yaml'}:2).",
        f"Next: chime-reconciler --desired {out} plan   (expect: no changes to the rooms written)",
    ]
    assert files_under(out) == ["rooms/ops.yaml", "settings.yaml", "teams/web.yaml"]
    assert (out / "teams/web.yaml").read_text() == mine
    assert_no_changes(emulator, out)


def test_import_skips_a_room_declared_by_id_and_says_when_nothing_is_left(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.reset(small_seed())
    out = tmp_path / "d"
    out.mkdir()
    (out / "settings.yaml").write_text(f"account: {ACC}\n")
    (out / "mine.yaml").write_text("rooms:\n  operations: {id: r-ops}\n")

    result = run(emulator, out, "import", "--room", "ops", "--out", str(out))

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "Nothing imported.",  # not `0 rooms ... Wrote 0 room files`: QA-FX Q-FX-4
        f"Left 1 room as it is, declared already: ops ({out / 'mine.yaml'}:2).",
    ]
    assert files_under(out) == ["mine.yaml", "settings.yaml"]


def test_import_into_an_invalid_desired_state_writes_nothing(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    """Which rooms it declares cannot be known: writing could declare a room twice."""
    emulator.reset(small_seed())
    out = tmp_path / "d"
    out.mkdir()
    (out / "settings.yaml").write_text(f"account: {ACC}\n")
    (out / "mine.yaml").write_text("rooms:\n  web: {members: [nobody]}\n")

    result = run(emulator, out, "import", "--out", str(out))

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        f"Nothing was written: {out} is not a valid desired state, so the rooms it declares "
        "are unknown. Fix the problems below (or import into another directory):",
        f"{out / 'mine.yaml'}:2: rooms.web.members[0]: malformed email address 'nobody'",
        "Desired state is invalid: 1 error.",
    ]
    assert files_under(out) == ["mine.yaml", "settings.yaml"]


def test_an_invalid_directory_of_channels_only_is_said_to_declare_channels(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    """QA-LE Q-LE-8 (a): a DIR of channels only was said to declare "rooms"; the kinds
    named are those whose scope its settings.yaml names."""
    emulator.reset(small_seed())
    out = tmp_path / "d"
    out.mkdir()
    chat = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
    (out / "settings.yaml").write_text(
        f'app_instances:\n  chat: {{arn: "{chat}", bearer: "user:reconciler"}}\n'
    )
    (out / "mine.yaml").write_text("channels:\n  web: {members: [nobody]}\n")

    result = run(emulator, out, "import", "--out", str(out))

    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"Nothing was written: {out} is not a valid desired state, so the channels it "
        "declares are unknown. Fix the problems below (or import into another directory):"
    )
    assert files_under(out) == ["mine.yaml", "settings.yaml"]


def test_import_again_adopts_only_new_rooms_and_keeps_hand_edits(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.reset(small_seed())
    out = tmp_path / "d"
    first = run(emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(out))
    assert first.exit_code == 0
    edited = (out / "rooms/ops.yaml").read_text() + "# hand edit: keep\n"
    (out / "rooms/ops.yaml").write_text(edited)
    seed = small_seed()
    new_room = {"id": "r-new", "name": "new", "memberships": [{"member": "u1@example.com"}]}
    seed["accounts"][0]["rooms"].append(new_room)
    emulator.reset(seed)

    again = run(emulator, out, "import", "--out", str(out))
    assert (again.exit_code, again.stderr) == (0, "")
    assert (out / "rooms/ops.yaml").read_text() == edited
    assert files_under(out) == [
        "rooms/new.yaml",
        "rooms/ops.yaml",
        "rooms/web.yaml",
        "settings.yaml",
    ]
    assert_no_changes(emulator, out)


def test_import_forced_over_its_own_files_rewrites_the_rooms_they_declare(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    """With --force, a room declared in the very file the import writes is imported again
    over it (a refresh); without it, that room is left as it is."""
    emulator.reset(small_seed())
    out = tmp_path / "d"
    first = run(emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(out))
    assert first.exit_code == 0
    (out / "rooms/ops.yaml").write_text("rooms:\n  ops: {}\n")

    kept = run(emulator, out, "import", "--out", str(out))
    assert (kept.exit_code, kept.stderr) == (0, "")
    assert (out / "rooms/ops.yaml").read_text() == "rooms:\n  ops: {}\n"

    forced = run(emulator, out, "import", "--out", str(out), "--force")
    assert (forced.exit_code, forced.stderr) == (0, "")
    assert "declared already" not in forced.stdout
    assert "u0@example.com" in (out / "rooms/ops.yaml").read_text()
    assert_no_changes(emulator, out)


def test_import_calls_list_rooms_once_and_memberships_by_pages_of_99(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.reset(big_seed())
    emulator.reset_calls()
    result = run(emulator, tmp_path / "none", "import", "--account", ACC)
    assert result.exit_code == 0
    # all-hands has 152 members (2 pages); the 5 other rooms one page each; ListBots once:
    # rooms with bots, whose names another bot of the account may have (Q-EY-2)
    assert emulator.calls() == {"ListRooms": 1, "ListRoomMemberships": 7, "ListBots": 1}
    emulator.reset_calls()
    result = run(emulator, tmp_path / "none", "import")
    assert result.exit_code == 0
    # ListBots for the first account only: the second's room has no bot
    assert emulator.calls() == {
        "ListAccounts": 1,
        "ListRooms": 2,
        "ListRoomMemberships": 8,
        "ListBots": 1,
    }


def test_import_of_two_accounts_round_trips_when_one_email_is_a_different_user_in_each(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    seed = big_seed()
    other = [("r2-ops", "ops", [("u0@example.com", "Administrator")])]
    seed["accounts"][1] = account(ACC2, 1, other, "a2-", "u")
    emulator.reset(seed)
    out = tmp_path / "d"
    result = run(emulator, tmp_path / "none", "import", "--out", str(out))
    assert (result.exit_code, "Warning" in result.stderr) == (0, False)
    assert_no_changes(emulator, out)


def test_import_round_trips_under_throttling(emulator: EmulatorServer, tmp_path: Path) -> None:
    emulator.reset(big_seed())
    emulator.set_faults(throttle_rate=0.3, seed=7)
    out = tmp_path / "d"
    result = run(emulator, tmp_path / "none", "import", "--out", str(out))
    assert (result.exit_code, result.stderr) == (0, "")
    assert emulator.calls()["Throttled"] > 0
    emulator.set_faults()
    assert_no_changes(emulator, out)


def test_import_that_cannot_write_a_file_puts_back_those_it_wrote(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.reset(small_seed())
    scratch = tmp_path / "scratch"
    assert run(emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(scratch))
    names = files_under(scratch)  # what import writes, in the order it writes them
    out = tmp_path / "d"
    # not settings.yaml: a directory in its place is refused before any write (Q-CF-2)
    rooms = [n for n in names if n != "settings.yaml"]
    assert len(rooms) > 1
    first, last = out / rooms[0], out / rooms[-1]
    first.parent.mkdir(parents=True, exist_ok=True)
    first.write_text("# mine\n")
    last.mkdir(parents=True)  # a directory where the last file goes: it cannot be written
    forced = run(
        emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(out), "--force"
    )
    assert forced.exit_code == 1
    assert forced.stderr.startswith(f"Error: cannot write {last}: ")
    assert forced.stderr.endswith("; nothing was written\n")
    assert first.read_text() == "# mine\n"  # overwritten, then put back
    assert files_under(out) == [names[0]]  # the others written before it: removed


def folders_under(directory: Path) -> list[str]:
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_dir())


@pytest.mark.parametrize("yours", [False, True])
def test_import_that_cannot_write_removes_the_folders_it_made_and_only_those(
    emulator: EmulatorServer, tmp_path: Path, yours: bool
) -> None:
    """Two accounts: a folder per account under rooms/. The second account's folder cannot
    be made (a file is in the way), so the first account's files, written already, are
    removed, and so is the folder made for them; rooms/, which was there before, stays,
    and so does an empty folder that was there before (``yours``)."""
    emulator.reset(big_seed())
    out = tmp_path / "d"
    (out / "rooms").mkdir(parents=True)
    (out / "rooms" / ACC2).write_text("# in the way\n")
    if yours:
        (out / "rooms" / ACC).mkdir()
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    failed = run(emulator, tmp_path / "none", "import", "--out", str(out))
    assert failed.exit_code == 1
    assert failed.stderr == (
        f"Error: cannot write {out / 'rooms' / ACC2 / 'ops.yaml'}: {out / 'rooms' / ACC2} "
        "is a file, not a folder; nothing was written\n"  # not "File exists" (Q-FY-11)
    )
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert folders_under(out) == (["rooms", f"rooms/{ACC}"] if yours else ["rooms"])


@pytest.mark.parametrize("fault", [KeyboardInterrupt, OSError])
def test_import_into_a_new_folder_interrupted_or_failing_leaves_no_folder(
    emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: type
) -> None:
    """`--out new/d` where neither exists: a Ctrl-C (or a full disk) at the second
    account's file, once every folder is made and the first account's files are written,
    leaves none of them behind, not even empty."""
    emulator.reset(big_seed())
    out = tmp_path / "new" / "d"
    write = atomic_file.write_atomically
    written: list[Path] = []

    def second_account_fails(
        path: Path, content: str | bytes, within: atomic_file.Within | None = None
    ) -> None:
        if path.is_relative_to(out):
            written.append(path)
            if path.parent.name == ACC2:
                raise fault() if fault is KeyboardInterrupt else OSError(28, "No space left")
        write(path, content, within)

    monkeypatch.setattr(atomic_file, "write_atomically", second_account_fails)
    done = run(emulator, tmp_path / "none", "import", "--out", str(out))
    assert {p.parent.name for p in written} == {ACC, ACC2}  # both folders were made
    assert done.exit_code == (130 if fault is KeyboardInterrupt else 1)
    assert done.stderr.splitlines()[-1] == (
        "Error: Interrupted before import finished: nothing in Chime was changed (import "
        "only reads it), and nothing was written."
        if fault is KeyboardInterrupt
        else f"Error: cannot write {out / 'rooms' / ACC2 / 'ops.yaml'}: No space left; "
        "nothing was written"
    )
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("force", [False, True])
def test_import_of_rooms_and_channels_writes_both_or_neither(
    emulator: EmulatorServer, write_desired: Any, cli: Any, workdir: Path, force: bool
) -> None:
    """The channels' file and the rooms' files are one write: a room file that cannot be
    written (in the way without --force; a folder where it goes with it) leaves no
    channel file behind either, and no channels/ folder."""
    emulator.reset(
        {**seed_doc(users=("alice",), rooms={"ops": [("alice", "Member")]}), **CHAT_SEED}
    )
    settings = f"account: {ACCOUNT}\n" + textwrap.dedent(CHAT_SETTINGS)
    write_desired({"settings.yaml": settings, "teams/other.yaml": "rooms:\n  other: {}\n"})
    out = workdir / "desired-state"
    if force:
        (out / "rooms" / "ops.yaml").mkdir(parents=True)
    else:
        (out / "rooms").mkdir()
        (out / "rooms" / "ops.yaml").write_text("# mine\n")
    before = {p: p.read_bytes() if p.is_file() else None for p in out.rglob("*")}
    run = cli("import", "--out", "desired-state", *(["--force"] if force else []))
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.err_lines[-1] == (
        "Error: cannot write desired-state/rooms/ops.yaml: Is a directory; nothing was written"
        if force
        else "Error: 1 file exists already: desired-state/rooms/ops.yaml; nothing was "
        "written (use --force to overwrite them)"
    )
    assert {p: p.read_bytes() if p.is_file() else None for p in out.rglob("*")} == before


@pytest.mark.parametrize("device", ["/dev/null", "link-to-null"])
def test_import_out_a_device_is_not_a_directory(
    ops: Any, cli: Any, workdir: Path, device: str
) -> None:
    """QA DM Q-DM-7: ``--out /dev/null`` (or a link to it) said "cannot write
    /dev/null/rooms/...: File exists"; click's check of a file lets a device through."""
    (workdir / "link-to-null").symlink_to("/dev/null")
    run = cli("import", "--out", device)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines[-1] == (
        f"Error: Invalid value for '--out': Directory '{device}' is not a directory."
    )
