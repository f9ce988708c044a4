"""Where `import --out DIR` writes its files (QA-FY): never outside DIR, whatever an
app instance's label holds (Q-FY-9); never over a file that declares something else (a
hand-edited channel file, Q-FY-1; another account's room of the same name, Q-FY-7); a
file where a folder goes is named as such (Q-FY-11); and the `Next:` command can be
pasted (Q-FY-13). The real CLI and boto3 against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

A = "11111111-2222-3333-4444-555555555555"
B = "22222222-2222-3333-4444-555555555555"
NO_CHANGES = "No changes. Chime memberships match the desired state."
CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"


def _chat_seed() -> dict[str, Any]:
    return {
        "accounts": [
            {
                "id": A,
                "name": "Example Corp",
                "users": [{"id": "alice-id", "email": "alice@example.com"}],
                "rooms": [
                    {"id": "r1", "name": "ops", "memberships": [{"member": "alice@example.com"}]}
                ],
            }
        ],
        "app_instances": [
            {
                "arn": CHAT,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [{"id": "reconciler"}, {"id": "a-b"}, {"id": "x@y"}],
                "channels": [{"name": "ops", "id": "ch-1", "members": ["a-b"]}],
            }
        ],
    }


def _settings(label: str) -> str:
    return (
        f"account: {A}\napp_instances:\n"
        f'  "{label}": {{arn: "{CHAT}", bearer: "user:reconciler", user_id_from: email}}\n'
    )


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("../../escape", "escape"),
        ("a/b", "a-b"),
        ("/tmp/abs", "tmp-abs"),
        ("Chat Team", "chat-team"),
    ],
)
def test_a_label_is_made_a_file_name_inside_the_directory(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    workdir: Path,
    label: str,
    name: str,
) -> None:
    """Q-FY-9: the label was the path: `../../escape` wrote the channel file two folders
    above DIR/channels, outside DIR, while saying "under DIR" and promising No changes."""
    emulator.reset(_chat_seed())
    desired = write_desired({"settings.yaml": _settings(label)})
    before = _files(workdir)
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert _files(desired) == [f"channels/{name}.yaml", "rooms/ops.yaml", "settings.yaml"]
    assert _files(workdir) == sorted(
        [*before, f"desired-state/channels/{name}.yaml", "desired-state/rooms/ops.yaml"]
    )
    plan = cli(*UNPACED, "plan")
    assert (plan.exit_code, plan.lines[-1]) == (0, NO_CHANGES), plan.stderr


def test_labels_differing_in_case_get_two_names(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-FY-9 (note): `chat` and `Chat` are one file on a case-insensitive file system."""
    seed = _chat_seed()
    other = dict(seed["app_instances"][0], arn=f"{CHAT}2", name="chat2")
    seed["app_instances"].append(other)
    emulator.reset(seed)
    desired = write_desired(
        {
            "settings.yaml": _settings("chat")
            + f'  Chat: {{arn: "{CHAT}2", bearer: "user:reconciler", user_id_from: email}}\n'
        }
    )
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert sorted(p.name for p in (desired / "channels").iterdir()) == ["chat-2.yaml", "chat.yaml"]


def test_write_refuses_a_path_out_of_the_directory(workdir: Path) -> None:
    """Q-FY-9: a `..` in a path is refused as a link out of DIR is, with nothing written
    (it was refused, if at all, as "a symbolic link that changed while it was written")."""
    from reconciler.cli.directory import write_files
    from reconciler.errors import UsageError

    out = workdir / "out"
    out.mkdir()
    with pytest.raises(UsageError) as refused:
        write_files(out, {"rooms/ops.yaml": "rooms: {}\n", "channels/../../x.yaml": "x"}, False)
    assert str(refused.value) == (
        f"cannot write {out}/channels/../../x.yaml: it is not a path inside {out}; nothing "
        "was written"
    )
    assert list(workdir.rglob("*")) == [out]


def test_a_channel_created_after_the_import_goes_into_a_new_file(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    boto3_session: Any,
) -> None:
    """Q-FY-1: importing again failed on the existing channels/chat.yaml (nothing imported,
    a new room neither), and --force dropped the hand edits of that file."""
    emulator.reset(_chat_seed())
    desired = write_desired({"settings.yaml": _settings("chat")})
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    chat = desired / "channels" / "chat.yaml"
    edited = chat.read_text(encoding="utf-8").replace(
        "    members:", "    prune: true\n    members:"
    )
    assert "prune: true" in edited
    chat.write_text(edited, encoding="utf-8")
    messaging = boto3_session.client("chime-sdk-messaging", endpoint_url=emulator.url)
    messaging.create_channel(
        AppInstanceArn=CHAT,
        Name="fresh",
        ClientRequestToken="t1",
        ChimeBearer=f"{CHAT}/user/reconciler",
        MemberArns=[f"{CHAT}/user/a-b"],
        ModeratorArns=[f"{CHAT}/user/x@y"],
    )
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    # the summary says where the new channel went (QA-LD Q-LD-12: "1 channel file under DIR")
    assert run.lines[0].endswith(" Wrote 1 channel file (desired-state/channels/chat-2.yaml)."), (
        run.lines
    )
    assert chat.read_text(encoding="utf-8") == edited
    fresh = yaml.safe_load((desired / "channels" / "chat-2.yaml").read_text(encoding="utf-8"))
    assert list(fresh["channels"]) == ["fresh"]
    assert "Left 1 channel as it is, declared already: ops (desired-state/channels/chat.yaml:" in (
        run.stdout
    )
    plan = cli(*UNPACED, "plan")
    assert (plan.exit_code, plan.lines[-1]) == (0, NO_CHANGES), plan.stderr
    # --force keeps the hand-written prune: (QA-GT Q-GT-1: it dropped it), and leaves the
    # other as it is; without that edit, it refreshes the file of its default name
    again = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert again.exit_code == 0, again.stderr
    assert chat.read_text(encoding="utf-8") == edited
    assert any(
        line.startswith(
            "Note: desired-state/channels/chat.yaml is not written again (--force): "
            "it holds the prune: of channel ops, "
        )
        for line in again.lines
    ), again.lines
    chat.write_text("# mine\n" + edited.replace("    prune: true\n", ""), encoding="utf-8")
    again = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert again.exit_code == 0, again.stderr
    assert "# mine" not in chat.read_text(encoding="utf-8")  # imported again over it
    assert (
        "Left 1 channel as it is, declared already: fresh (desired-state/channels/chat-2.yaml:4)."
        in again.lines
    )


def _two_accounts() -> dict[str, Any]:
    return {
        "accounts": [
            {
                "id": A,
                "name": "A",
                "users": [{"id": "dave-id", "email": "dave@example.com"}],
                "rooms": [
                    {
                        "id": "room-ne",
                        "name": "noemail",
                        "memberships": [{"member": "dave@example.com", "role": "Administrator"}],
                    }
                ],
            },
            {
                "id": B,
                "name": "B",
                "users": [{"id": "x-zed", "email": "zed@example.com"}],
                "rooms": [
                    {
                        "id": "r2-ne",
                        "name": "noemail",
                        "memberships": [{"member": "zed@example.com"}],
                    }
                ],
            },
        ]
    }


@pytest.mark.parametrize("force", [False, True])
def test_a_second_account_never_writes_over_the_first_ones_room_of_that_name(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, force: bool
) -> None:
    """Q-FY-7: account B's room `noemail` went to rooms/noemail.yaml, account A's: refused,
    and with --force A's room was declared nowhere any more, without a word."""
    emulator.reset(_two_accounts())
    desired = write_desired({"settings.yaml": f"account: {A}\n"})
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    first = (desired / "rooms" / "noemail.yaml").read_text(encoding="utf-8")
    extra = ("--force",) if force else ()
    run = cli(*UNPACED, "import", "--out", "desired-state", "--account", B, *extra)
    assert run.exit_code == 0, run.stderr
    assert (desired / "rooms" / "noemail.yaml").read_text(encoding="utf-8") == first
    second = yaml.safe_load((desired / "rooms" / "noemail-r2-ne.yaml").read_text(encoding="utf-8"))
    assert second["rooms"]["noemail"]["account"] == B
    plan = cli(*UNPACED, "plan")
    assert (plan.exit_code, plan.lines[-1]) == (0, NO_CHANGES), plan.stderr


def test_a_room_differing_in_case_gets_its_own_file(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-FY-7: `--room Weird` (a room created after `weird` was imported) went to
    rooms/weird.yaml; with --force room `weird` was declared nowhere any more."""
    seed = _two_accounts()
    seed["accounts"] = seed["accounts"][:1]
    rooms = seed["accounts"][0]["rooms"]
    rooms.append({"id": "r1", "name": "weird", "memberships": [{"member": "dave@example.com"}]})
    emulator.reset(seed)
    desired = write_desired({"settings.yaml": f"account: {A}\n"})
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    rooms.append({"id": "r3", "name": "Weird", "memberships": [{"member": "dave@example.com"}]})
    emulator.reset(seed)
    weird = (desired / "rooms" / "weird.yaml").read_text(encoding="utf-8")
    run = cli(*UNPACED, "import", "--out", "desired-state", "--room", "Weird", "--force")
    assert run.exit_code == 0, run.stderr
    assert (desired / "rooms" / "weird.yaml").read_text(encoding="utf-8") == weird
    assert list(yaml.safe_load((desired / "rooms" / "weird-r3.yaml").read_text())["rooms"]) == [
        "Weird"
    ]


def test_a_file_where_a_folder_goes_is_named(
    emulator: EmulatorServer, cli: Any, workdir: Path
) -> None:
    """Q-FY-11: "cannot write DIR/rooms/ops.yaml: File exists", where DIR/rooms is a file."""
    emulator.reset(_two_accounts())
    out = workdir / "out"
    out.mkdir()
    (out / "rooms").write_text("", encoding="utf-8")
    run = cli(*UNPACED, "import", "--out", "out", "--account", A)
    assert (run.exit_code, run.err_lines) == (
        1,
        [
            "Error: cannot write out/rooms/noemail.yaml: out/rooms is a file, not a folder; "
            "nothing was written"
        ],
    )
    assert _files(out) == ["rooms"]


def test_the_next_command_quotes_the_directory(emulator: EmulatorServer, cli: Any) -> None:
    """Q-FY-13: `--desired my dir plan`, pasted, ran `--desired my` with stray arguments."""
    emulator.reset(_two_accounts())
    run = cli(*UNPACED, "import", "--out", "my dir", "--account", A)
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1] == (
        "Next: chime-reconciler --desired 'my dir' plan   (expect: No changes.)"
    )


def test_a_second_channel_of_a_declared_name_is_imported_beside_the_file(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-FY-1: with channels/chat.yaml where import put it, a second `ops` gave "1 file
    exists already" (exit 1), not the README's Note naming the entry that declares neither."""
    seed = _chat_seed()
    emulator.reset(seed)
    desired = write_desired({"settings.yaml": _settings("chat")})
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    channels = seed["app_instances"][0]["channels"]
    channels.append({"name": "ops", "id": "ch-2", "members": ["x@y"]})
    emulator.reset(seed)
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert run.lines[-2].startswith(
        "Note: desired-state/channels/chat.yaml:4: channel ops is declared by name, and 2 "
        "channels of app instance"
    )
    assert (
        run.lines[-1]
        == "Next: fix the entries named above, then: chime-reconciler --desired desired-state plan"
    )
    written = yaml.safe_load((desired / "channels" / "chat-2.yaml").read_text(encoding="utf-8"))
    assert list(written["channels"]) == ["ops (ch-1)", "ops (ch-2)"]


def test_force_never_writes_over_a_file_of_groups(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-LD Q-LD-11: a file that holds only groups (owners) at the path import chooses
    (rooms/ops.yaml, channels/chat.yaml) declared no target, so --force wrote over it and
    the groups were gone. Now it is kept, and the import takes another name beside it."""
    emulator.reset(_chat_seed())
    groups = "groups:\n  oncall:\n    members: [alice@example.com]\n"
    owners = "groups:\n  team:\n    owners: ['@org/chat']\n    members: [alice@example.com]\n"
    desired = write_desired(
        {"settings.yaml": _settings("chat"), "rooms/ops.yaml": groups, "channels/chat.yaml": owners}
    )
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert run.exit_code == 0, run.stderr
    assert (desired / "rooms" / "ops.yaml").read_text(encoding="utf-8") == groups
    assert (desired / "channels" / "chat.yaml").read_text(encoding="utf-8") == owners
    room = yaml.safe_load((desired / "rooms" / "ops-r1.yaml").read_text(encoding="utf-8"))
    assert list(room["rooms"]) == ["ops"]
    channel = yaml.safe_load((desired / "channels" / "chat-2.yaml").read_text(encoding="utf-8"))
    assert list(channel["channels"]) == ["ops"]
    plan = cli(*UNPACED, "plan")
    assert (plan.exit_code, plan.lines[-1]) == (0, NO_CHANGES), plan.stderr


def _two_channels_seed() -> dict[str, Any]:
    return {
        "accounts": [],
        "app_instances": [
            {
                "arn": CHAT,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [{"id": u} for u in ("reconciler", "alice", "bob", "carol")],
                "channels": [
                    {"name": "pub", "id": "ch-1", "members": ["alice", "bob"]}
                    | {"moderators": ["alice"]},
                    {"name": "ops", "id": "ch-3", "members": ["alice", "bob"]}
                    | {"hidden": ["carol"]},
                ],
            }
        ],
    }


@pytest.mark.parametrize("case", ["unreadable", "not-in-chime"])
def test_force_keeps_a_channel_file_declaring_a_channel_not_read(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, case: str
) -> None:
    """Q-GF-2: --force wrote channels/chat.yaml again from what it read, so a channel it
    declared that this import did not read (its HIDDEN list refused to a bearer that is no
    AppInstanceAdmin; one Chime has not) was declared nowhere any more, though import said
    only "not imported" and promised No changes."""
    emulator.reset(_two_channels_seed())
    settings = f'app_instances:\n  chat: {{arn: "{CHAT}", bearer: "user:reconciler"}}\n'
    desired = write_desired({"settings.yaml": settings})
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    chat = desired / "channels" / "chat.yaml"
    if case == "unreadable":  # a bearer that is a plain member may not list ops' HIDDEN
        (desired / "settings.yaml").write_text(
            settings.replace("user:reconciler", "user:alice"), encoding="utf-8"
        )
        missing = "ops"
    else:
        with chat.open("a", encoding="utf-8") as f:
            f.write("  gone:\n    members: [user:bob]\n")
        missing = "gone"
    before = chat.read_text(encoding="utf-8")
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert chat.read_text(encoding="utf-8") == before  # every declaration kept
    assert "Note: desired-state/channels/chat.yaml is not written again (--force): it " in (
        run.stdout
    )
    assert f"it declares {missing} (desired-state/channels/chat.yaml:" in run.stdout
    assert "which this import did not read" in run.stdout
    assert not (desired / "channels" / "chat-2.yaml").exists()  # nothing new to write


def test_a_link_to_nothing_where_a_folder_goes_is_named(
    emulator: EmulatorServer, cli: Any, workdir: Path
) -> None:
    """Q-GF-6: DIR/rooms a symbolic link to a missing DIR/nowhere was said "a file, not a
    folder", where `ls` finds no file."""
    emulator.reset(_two_accounts())
    out = workdir / "out"
    out.mkdir()
    (out / "rooms").symlink_to("nowhere")
    run = cli(*UNPACED, "import", "--out", "out", "--account", A)
    assert (run.exit_code, run.err_lines) == (
        1,
        [
            "Error: cannot write out/rooms/noemail.yaml: out/rooms is a symbolic link to "
            "out/nowhere, which does not exist; nothing was written"
        ],
    )
    assert (out / "rooms").is_symlink() and not (out / "nowhere").exists()


def test_a_channels_only_import_that_leaves_dir_invalid_says_so(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-GF-5: `The files are written, but DIR is not a valid desired state now` was said
    only when rooms were imported: a channels-only import (no account) whose file did not
    load was followed by the loader's errors alone. (A channel name longer than the loader
    takes, which the emulator lets a seed have, is such a file.)"""
    emulator.reset(
        {
            "accounts": [],
            "app_instances": [
                {
                    "arn": CHAT,
                    "name": "chat",
                    "admins": ["reconciler"],
                    "users": [{"id": "reconciler"}, {"id": "alice"}],
                    "channels": [{"name": "x" * 300, "id": "ch-1", "members": ["alice"]}],
                }
            ],
        }
    )
    settings = f'app_instances:\n  chat: {{arn: "{CHAT}", bearer: "user:reconciler"}}\n'
    desired = write_desired({"settings.yaml": settings})
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 1
    assert (desired / "channels" / "chat.yaml").exists()
    assert run.err_lines[0] == (
        "The files are written, but desired-state is not a valid desired state now: fix the "
        "problems below, then run plan."
    ), run.err_lines


def test_help_says_force_refreshes_channel_files_too(cli: Any) -> None:
    """QA-GF (note to Q-GF-2): `import --help` said --force imports again "the rooms of the
    files it writes", and of channels that "a file is never written over"."""
    run = cli("import", "--help")
    text = " ".join(run.stdout.split())
    assert "import again the rooms and channels of the files it writes" in text
    assert "--force writes LABEL.yaml again when it declares only channels read now" in text


def test_force_says_why_a_file_is_kept_when_a_later_one_is_written_again(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """REREAD item 31: Q-GF-2's Note for the kept channels/chat.yaml was dropped as soon
    as a channels/chat-2.yaml there could be written again (--force)."""
    emulator.reset(_two_channels_seed())
    settings = f'app_instances:\n  chat: {{arn: "{CHAT}", bearer: "user:reconciler"}}\n'
    desired = write_desired({"settings.yaml": settings})
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    chat = desired / "channels" / "chat.yaml"
    with chat.open("a", encoding="utf-8") as f:
        f.write("  gone:\n    members: [user:bob]\n")
    before = chat.read_text(encoding="utf-8")
    (desired / "channels" / "chat-2.yaml").write_text("# placeholder\n", encoding="utf-8")
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert chat.read_text(encoding="utf-8") == before
    assert "Note: desired-state/channels/chat.yaml is not written again (--force): it " in (
        run.stdout
    ), run.stdout
    assert "it declares gone (desired-state/channels/chat.yaml:" in run.stdout


@pytest.mark.parametrize("force", [False, True])
def test_an_empty_file_is_in_the_way_for_rooms_and_channels_alike(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, force: bool
) -> None:
    """REREAD item 21: an empty rooms/ops.yaml was in the way ("1 file exists already",
    --force wrote over it) where an empty channels/chat.yaml was passed over for a new
    channels/chat-2.yaml: one rule now for every kind (import_paths.kept)."""
    emulator.reset(_chat_seed())
    desired = write_desired(
        {"settings.yaml": _settings("chat"), "rooms/ops.yaml": "# empty\n"}
        | {"channels/chat.yaml": "# empty\n"}
    )
    run = cli(*UNPACED, "import", "--out", "desired-state", *(["--force"] if force else []))
    if force:
        assert run.exit_code == 0, run.stderr
        assert "ops:" in (desired / "channels" / "chat.yaml").read_text(encoding="utf-8")
        assert "ops:" in (desired / "rooms" / "ops.yaml").read_text(encoding="utf-8")
    else:
        assert (run.exit_code, run.err_lines[-1]) == (
            1,
            "Error: 2 files exist already: desired-state/channels/chat.yaml and "
            "desired-state/rooms/ops.yaml; nothing was written (use --force to overwrite "
            "them)",
        )
    assert not (desired / "channels" / "chat-2.yaml").exists()


def test_help_names_the_files_import_writes_as_it_names_them(cli: Any) -> None:
    """REREAD item 22: `import --help` said each room goes to DIR/rooms/NAME.yaml and that
    --force overwrites any file in the way and imports again "the rooms" only, though a
    file declaring another room is never written over (NAME-ROOMID.yaml) and --force
    refreshes channel files too."""
    text = " ".join(cli("import", "--help").stdout.split())
    assert "NAME-ROOMID.yaml where a file of that name declares another room" in text
    assert "is never written over, even with --force: import takes another name" in text
    assert "imports again the rooms and channels of the files it writes (a refresh)" in text
    assert "DIR/channels/LABEL.yaml (LABEL: the label lower-cased, made safe;" in text


def test_force_refreshes_a_file_the_loader_reads_as_targets_only(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-LE Q-LE-6: whether a file holds more than targets was decided by reading it a
    second time with PyYAML's YAML 1.1, which refuses a tab after `rooms:` that the
    loader (and validate) read: the file was taken for one holding more, kept, and the
    room not refreshed, without a word why. Now the loader's reading decides."""
    emulator.reset(_chat_seed())
    tabbed = "rooms:\t# a tab after the colon: YAML 1.2 reads it\n  ops:\n    members: []\n"
    desired = write_desired({"settings.yaml": f"account: {A}\n", "rooms/ops.yaml": tabbed})
    assert cli(*UNPACED, "validate").exit_code == 0
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert run.exit_code == 0, run.stderr
    assert "Left 1 room as they are" not in run.stdout
    assert _files(desired) == ["rooms/ops.yaml", "settings.yaml"]
    room = yaml.safe_load((desired / "rooms" / "ops.yaml").read_text(encoding="utf-8"))
    assert room["rooms"]["ops"]["members"] == ["alice@example.com"]
    plan = cli(*UNPACED, "plan")
    assert (plan.exit_code, plan.lines[-1]) == (0, NO_CHANGES), plan.stderr
