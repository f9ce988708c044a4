"""import --adopt: the members Chime has that no file declares are written into the files
that declare their rooms (for a pull request), after which plan finds no drift."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer, load_seed

pytestmark = pytest.mark.e2e


ACCOUNT = "11111111-2222-3333-4444-555555555555"
DEMO_SEED = Path(__file__).parents[2] / "reconciler" / "demo" / "seed.yaml"


def carol_made_administrator_of_releases(cli: Any) -> None:
    """Out of band, through boto3: carol made an administrator of releases (prune is off
    there), a member no file declares."""
    chime = boto3.client(
        "chime",
        endpoint_url=cli.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    chime.create_room_membership(
        AccountId=ACCOUNT, RoomId="room-releases", MemberId="uid-carol", Role="Administrator"
    )


def test_adopt_writes_drift_into_the_declaring_file_and_plan_then_has_none(
    ops: Any, cli: Any, workdir: Path
) -> None:
    carol_made_administrator_of_releases(cli)
    before = cli(*UNPACED, "plan")
    assert "    not in the desired state: carol@example.com (Administrator)" in before.lines
    rooms = workdir / "desired-state" / "rooms.yaml"
    original = rooms.read_text()

    run = cli(*UNPACED, "import", "--adopt")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.lines == [
        "Adopted 2 members into 1 file (1 to administrators, 1 to members):",
        "  desired-state/rooms.yaml:7: administrators += carol@example.com",
        "  desired-state/rooms.yaml:8: members += erin@example.com",
        "Next: review the change (git diff), commit it and open a pull request; "
        "plan then finds no drift there.",
    ]
    assert rooms.read_text() == original.replace(
        "administrators: [dave@example.com]",
        "administrators: [dave@example.com, carol@example.com]",
    ).replace("members: [frank@example.com]", "members: [frank@example.com, erin@example.com]")
    lines = rooms.read_text().splitlines()  # the lines reported are the lines edited
    assert "carol@example.com" in lines[7 - 1] and "erin@example.com" in lines[8 - 1]

    after = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert not any("not in the desired state" in line for line in after.lines)
    assert after.lines[-1] == before.lines[-1]  # the same changes, and only them
    again = cli(*UNPACED, "import", "--adopt")
    assert again.lines == [
        "Nothing to adopt: Chime has no member the desired state does not declare."
    ]


def test_adopt_does_not_combine_with_the_import_options(ops: Any, cli: Any) -> None:
    run = cli(*UNPACED, "import", "--adopt", "--out", "elsewhere")
    assert (run.exit_code, run.err_lines) == (
        1,
        [
            "Error: --adopt edits the files of the --desired directory: it does not combine "
            "with --account, --out, --force or --prune"
        ],
    )


def test_adopt_keeps_a_files_crlf_line_endings(ops: Any, cli: Any, workdir: Path) -> None:
    carol_made_administrator_of_releases(cli)
    rooms = workdir / "desired-state" / "rooms.yaml"
    rooms.write_bytes(rooms.read_bytes().replace(b"\n", b"\r\n"))  # written on Windows
    run = cli(*UNPACED, "import", "--adopt")
    assert run.exit_code == 0
    adopted = rooms.read_bytes()
    assert b"carol@example.com" in adopted
    assert adopted.count(b"\n") == adopted.count(b"\r\n")  # every line still ends CRLF


def test_adopt_keeps_a_files_lone_cr_line_endings_and_reports_the_lines_validate_counts(
    ops: Any, cli: Any, workdir: Path
) -> None:
    carol_made_administrator_of_releases(cli)
    rooms = workdir / "desired-state" / "rooms.yaml"
    rooms.write_bytes(rooms.read_bytes().replace(b"\n", b"\r"))  # written on an old Mac
    run = cli(*UNPACED, "import", "--adopt")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.lines[1:3] == [
        "  desired-state/rooms.yaml:7: administrators += carol@example.com",
        "  desired-state/rooms.yaml:8: members += erin@example.com",
    ]
    adopted = rooms.read_bytes()
    assert b"\n" not in adopted  # every line still ends with a lone CR
    lines = adopted.split(b"\r")  # the lines reported are the lines edited
    assert b"carol@example.com" in lines[7 - 1] and b"erin@example.com" in lines[8 - 1]
    assert "not in the desired state" not in cli(*UNPACED, "plan").stdout


def test_adopt_with_a_room_it_cannot_read_says_so_and_adopts_nothing(
    ops: Any, cli: Any, workdir: Path
) -> None:
    rooms = workdir / "desired-state" / "rooms.yaml"
    (workdir / "desired-state" / "ghost.yaml").write_text(
        "rooms:\n  ghost:\n    members: [erin@example.com]\n"
    )
    original = rooms.read_bytes()
    run = cli(*UNPACED, "import", "--adopt")  # releases has erin, whom no file declares there
    assert run.exit_code == 1
    assert run.stderr.splitlines()[-2:] == [
        f"Error: desired-state/ghost.yaml:2: no Chime room named 'ghost' in account {ACCOUNT}"
        ": ListRooms lists none of that name (names are matched exactly, case included)",
        "Error: Nothing was adopted: the plan has 1 error (above); fix them and run import "
        "--adopt again.",
    ]
    assert rooms.read_bytes() == original


def test_adopt_never_writes_into_a_list_another_room_shares_through_an_anchor(
    ops: Any, cli: Any, workdir: Path
) -> None:
    rooms = workdir / "desired-state" / "rooms.yaml"
    rooms.write_text(
        rooms.read_text()
        .replace("administrators: [dave@example.com]", "administrators: &leads [dave@example.com]")
        .replace("administrators: [frank@example.com]", "administrators: *leads")
    )
    carol_made_administrator_of_releases(cli)  # made an administrator of releases only
    original = rooms.read_bytes()
    quiet_before = cli(*UNPACED, "plan", "--target", "quiet").lines
    run = cli(*UNPACED, "import", "--adopt", "--room", "releases")
    assert (run.exit_code, run.stdout, run.err_lines) == (
        1,
        "",
        [
            "Error: desired-state/rooms.yaml:7: the administrators list of releases is shared "
            "through the YAML anchor &leads: adding to it would add to every place that uses "
            "it, so nothing was written; add carol@example.com by hand where it belongs"
        ],
    )
    assert rooms.read_bytes() == original
    assert (
        cli(*UNPACED, "plan", "--target", "quiet").lines == quiet_before
    )  # no administrator there


def test_adopt_into_block_lists_with_comments_after_them_and_no_final_newline(
    ops: Any, cli: Any, workdir: Path
) -> None:
    carol_made_administrator_of_releases(cli)
    rooms = workdir / "desired-state" / "rooms.yaml"
    rooms.write_text(
        "rooms:\n"
        "  releases:\n"
        "    administrators:\n"
        "      - dave@example.com   # lead\n"
        "      # end of list\n"
        "    members:\n"
        "      - member: frank@example.com\n"
        "        reason: releases\n"
        "      # end of list\n"
        "  quiet: {administrators: [frank@example.com]}\n"
        "  incident:  # prune off: bob and carol are drift here\n"
        "    administrators: [alice@example.com]\n"
        "    members:\n"
        '      - "bot:PagerBot"\n'
        "      - dave@example.com"  # no final newline
    )
    assert cli(*UNPACED, "validate").exit_code == 0
    run = cli(*UNPACED, "import", "--adopt")
    assert run.exit_code == 0, run.stderr
    assert run.lines[1:5] == [
        "  desired-state/rooms.yaml:5: administrators += carol@example.com",
        "  desired-state/rooms.yaml:10: members += erin@example.com",
        "  desired-state/rooms.yaml:14: administrators += bob@example.com",
        "  desired-state/rooms.yaml:18: members += carol@example.com",
    ]
    lines = rooms.read_text().splitlines()
    assert lines[4:11] == [
        "      - carol@example.com",
        "      # end of list",
        "    members:",
        "      - member: frank@example.com",
        "        reason: releases",
        "      - erin@example.com",
        "      # end of list",
    ]
    assert lines[13] == "    administrators: [alice@example.com, bob@example.com]"
    assert lines[-2:] == ["      - dave@example.com", "      - carol@example.com"]
    after = cli(*UNPACED, "plan")
    assert not any("not in the desired state" in line for line in after.lines)


def test_adopt_of_a_room_no_file_declares_names_the_option_typed(
    ops: Any, cli: Any, workdir: Path
) -> None:
    run = cli(*UNPACED, "import", "--adopt", "--room", "releasse")
    assert (run.exit_code, run.err_lines) == (
        1,
        [
            "Error: --room: no room named 'releasse' is declared (did you mean "
            "'releases'?); --room takes a room's name (its key in the YAML) or the id written "
            "there, not the id Chime gave a room declared by name"
        ],
    )


# erin's entry in releases expired (2020): releases does not prune, so Chime still has her
EXPIRED_ERIN = "members: [frank@example.com, {member: erin@example.com, until: 2020-01-01}]"
ERIN_REFUSED = (
    "Warning: erin@example.com in room releases: its entry at desired-state/rooms.yaml:8 "
    "expired 2020-01-01 and Chime still has it (Member): extend its until: to keep the "
    "access, or remove it from Chime (prune: true) to end it; not adopted"
)


def test_adopt_refuses_a_member_whose_entry_expired_and_adopts_the_rest(
    ops: Any, cli: Any, workdir: Path
) -> None:
    """QA D18: erin's entry in releases expired (releases does not prune, so Chime still
    has her): adopt wrote a second erin entry, the files did not load, and it called that
    its own bug. Now erin is refused by name and line, and carol is adopted."""
    rooms = workdir / "desired-state" / "rooms.yaml"
    rooms.write_text(rooms.read_text().replace("members: [frank@example.com]", EXPIRED_ERIN))
    carol_made_administrator_of_releases(cli)
    plan = cli(*UNPACED, "plan")
    assert "    not in the desired state: erin@example.com (Member)" in plan.lines
    original = rooms.read_text()

    run = cli(*UNPACED, "import", "--adopt")
    assert (run.exit_code, run.err_lines) == (0, [ERIN_REFUSED])
    assert run.lines[:2] == [
        "Adopted 1 member into 1 file (1 to administrators):",
        "  desired-state/rooms.yaml:7: administrators += carol@example.com",
    ]
    assert rooms.read_text() == original.replace(
        "administrators: [dave@example.com]\n    members: [frank",
        "administrators: [dave@example.com, carol@example.com]\n    members: [frank",
    )
    after = cli(*UNPACED, "plan")
    assert "    not in the desired state: carol@example.com (Administrator)" not in after.lines
    assert "    not in the desired state: erin@example.com (Member)" in after.lines


def test_adopt_with_only_expired_members_adopts_nothing_and_says_why(
    ops: Any, cli: Any, workdir: Path
) -> None:
    rooms = workdir / "desired-state" / "rooms.yaml"
    rooms.write_text(rooms.read_text().replace("members: [frank@example.com]", EXPIRED_ERIN))
    original = rooms.read_bytes()
    run = cli(*UNPACED, "import", "--adopt")
    assert (run.exit_code, run.stdout, run.err_lines) == (
        1,
        "",
        [
            ERIN_REFUSED,
            "Error: Nothing was adopted: 1 member not in the desired state cannot be "
            "adopted (above).",
        ],
    )
    assert rooms.read_bytes() == original


def test_adopt_names_the_role_chime_has_an_expired_member_in_not_the_one_declared(
    ops: Any, cli: Any, workdir: Path
) -> None:
    """Q-M-1: carol's members entry in releases expired, and out of band she was made an
    administrator there: the warning says Chime has her as Administrator (as plan says),
    not Member, the role her expired entry declared."""
    rooms = workdir / "desired-state" / "rooms.yaml"
    expired_carol = "members: [frank@example.com, {member: carol@example.com, until: 2020-01-01}]"
    rooms.write_text(rooms.read_text().replace("members: [frank@example.com]", expired_carol))
    carol_made_administrator_of_releases(cli)
    assert (
        "    not in the desired state: carol@example.com (Administrator)"
        in cli(*UNPACED, "plan").lines
    )

    run = cli(*UNPACED, "import", "--adopt")
    assert (run.exit_code, run.err_lines) == (
        0,
        [
            "Warning: carol@example.com in room releases: its entry at "
            "desired-state/rooms.yaml:8 expired 2020-01-01 and Chime still has it "
            "(Administrator): extend its until: to keep the access, or remove it from Chime "
            "(prune: true) to end it; not adopted"
        ],
    )
    assert run.lines[:2] == [
        "Adopted 1 member into 1 file (1 to members):",
        "  desired-state/rooms.yaml:8: members += erin@example.com",
    ]


def test_adopt_refuses_a_channel_member_and_moderator_whose_entries_expired(
    emulator: EmulatorServer, cli: Any, write_desired: Any
) -> None:
    """QA D18 in a channel: alice's members and moderators entries expired (prune off, so
    she is still both): two "listed twice" errors and "a bug" before."""
    emulator.reset(load_seed(DEMO_SEED))  # incident-chat: alice is a member and moderator
    root = write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                app_instances:
                  chat:
                    arn: arn:aws:chime:us-east-1:111122223333:app-instance/chat
                    bearer: user:reconciler
                """,
            "chat.yaml": """
                channels:
                  incident-chat:
                    members:
                      - {member: alice@example.com, until: 2026-01-01}
                      - mallory@example.com
                      - user:reconciler
                    hidden: [dave@example.com]
                    moderators:
                      - {member: alice@example.com, until: 2026-01-01}
                      - user:reconciler
                """,
        }
    )
    original = (root / "chat.yaml").read_bytes()
    run = cli(*UNPACED, "import", "--adopt", "--now", "2026-06-01")
    tail = (
        "expired 2026-01-01 and Chime still has it ({}): extend its until: to keep the "
        "access, or remove it from Chime (prune: true) to end it; not adopted"
    )
    assert (run.exit_code, run.err_lines) == (
        1,
        [
            "Warning: alice@example.com in channel incident-chat: its entry at "
            "desired-state/chat.yaml:4 " + tail.format("DEFAULT"),
            "Warning: alice@example.com in channel moderators incident-chat: its entry at "
            "desired-state/chat.yaml:9 " + tail.format("Moderator"),
            "Error: Nothing was adopted: 1 member and 1 moderator not in the desired state "
            "cannot be adopted (above).",
        ],
    )
    assert (root / "chat.yaml").read_bytes() == original


def test_adopt_names_the_until_line_of_an_expired_group_entry(
    emulator: EmulatorServer, cli: Any, write_desired: Any
) -> None:
    """Q-H-9: alice is a moderator through the group `leads`, whose entry for her expired:
    the warning names the group entry's line, where the until: to extend is (as the
    plan's warning does), not the `moderators:` line, which has no until:."""
    emulator.reset(load_seed(DEMO_SEED))  # incident-chat: alice is a member and moderator
    root = write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                app_instances:
                  chat:
                    arn: arn:aws:chime:us-east-1:111122223333:app-instance/chat
                    bearer: user:reconciler
                """,
            "chat.yaml": """
                groups:
                  leads:
                    - {member: alice@example.com, until: 2026-01-01}
                channels:
                  incident-chat:
                    members: [alice@example.com, mallory@example.com, user:reconciler]
                    hidden: [dave@example.com]
                    moderators: ["@leads", user:reconciler]
                """,
        }
    )
    original = (root / "chat.yaml").read_bytes()
    run = cli(*UNPACED, "import", "--adopt", "--now", "2026-06-01")
    assert (run.exit_code, run.err_lines[0]) == (
        1,
        "Warning: alice@example.com in channel moderators incident-chat: its entry at "
        "desired-state/chat.yaml:3 expired 2026-01-01 and Chime still has it (Moderator): "
        "extend its until: to keep the access, or remove it from Chime (prune: true) to end "
        "it; not adopted",
    )
    assert (root / "chat.yaml").read_bytes() == original


def test_adopt_edits_a_list_whose_anchor_no_alias_uses(ops: Any, cli: Any, workdir: Path) -> None:
    """QA D19: `members: &m [...]` with no `*m` anywhere was refused as "shared"."""
    rooms = workdir / "desired-state" / "rooms.yaml"
    rooms.write_text(rooms.read_text().replace("members: [frank", "members: &m [frank"))
    run = cli(*UNPACED, "import", "--adopt")
    assert (run.exit_code, run.stderr) == (0, "")
    assert "    members: &m [frank@example.com, erin@example.com]" in rooms.read_text()
    assert not any("not in the desired state" in line for line in cli(*UNPACED, "plan").lines)
