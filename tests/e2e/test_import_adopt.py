"""import --adopt: the members Chime has that no file declares are written into the files
that declare their rooms (for a pull request), after which plan finds no drift."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"


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
    before = cli("plan")
    assert "    not in the desired state: carol@example.com (Administrator)" in before.lines
    rooms = workdir / "desired-state" / "rooms.yaml"
    original = rooms.read_text()

    run = cli("import", "--adopt")
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

    after = cli("plan", "--detailed-exitcode")
    assert not any("not in the desired state" in line for line in after.lines)
    assert after.lines[-1] == before.lines[-1]  # the same changes, and only them
    again = cli("import", "--adopt")
    assert again.lines == [
        "Nothing to adopt: Chime has no member the desired state does not declare."
    ]


def test_adopt_does_not_combine_with_the_import_options(ops: Any, cli: Any) -> None:
    run = cli("import", "--adopt", "--out", "elsewhere")
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
    run = cli("import", "--adopt")
    assert run.exit_code == 0
    adopted = rooms.read_bytes()
    assert b"carol@example.com" in adopted
    assert adopted.count(b"\n") == adopted.count(b"\r\n")  # every line still ends CRLF


def test_adopt_with_a_room_it_cannot_read_says_so_and_adopts_nothing(
    ops: Any, cli: Any, workdir: Path
) -> None:
    rooms = workdir / "desired-state" / "rooms.yaml"
    (workdir / "desired-state" / "ghost.yaml").write_text(
        "rooms:\n  ghost:\n    members: [erin@example.com]\n"
    )
    original = rooms.read_bytes()
    run = cli("import", "--adopt")  # releases has erin, whom no file declares there
    assert run.exit_code == 1
    assert run.stderr.splitlines()[-2:] == [
        f"Error: desired-state/ghost.yaml:2: no Chime room named ghost in account {ACCOUNT}",
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
    quiet_before = cli("plan", "--target", "quiet").lines
    run = cli("import", "--adopt", "--room", "releases")
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
    assert cli("plan", "--target", "quiet").lines == quiet_before  # no administrator there


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
    assert cli("validate").exit_code == 0
    run = cli("import", "--adopt")
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
    after = cli("plan")
    assert not any("not in the desired state" in line for line in after.lines)


def test_adopt_of_a_room_no_file_declares_names_the_option_typed(
    ops: Any, cli: Any, workdir: Path
) -> None:
    run = cli("import", "--adopt", "--room", "releasse")
    assert (run.exit_code, run.err_lines) == (
        1,
        ["Error: --room releasse: no room named 'releasse' is declared (did you mean 'releases'?)"],
    )
