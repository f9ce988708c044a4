"""`chime-reconciler audit` on this repository's example (desired-state/ with its rooms and
channel, the emulator seeded with reconciler/demo/seed.yaml), as a new user runs it after
`make demo`: a room member who is no AppInstanceUser, a protected member, the bearer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reconciler.cli.main import cli
from reconciler.emulator import EmulatorServer, load_seed

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ENV = {"CHIME_RECONCILER_RETRY_BASE_MS": "1", "CHIME_RECONCILER_RETRY_CAP_MS": "5"}


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(
        seed=load_seed(ROOT / "reconciler" / "demo" / "seed.yaml"), poll_interval=0.005
    ) as server:
        yield server


def audit(emulator: EmulatorServer, member: str) -> Result:
    argv = ["--endpoint-url", emulator.url, "--desired", str(ROOT / "desired-state")]
    return CliRunner(env=ENV).invoke(cli, [*argv, "audit", member], catch_exceptions=False)


def test_a_room_member_who_is_no_app_instance_user_is_audited_in_rooms_and_no_channel(
    emulator: EmulatorServer,
) -> None:
    result = audit(emulator, "heidi@example.com")
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert any(line.startswith("incident-response ") for line in lines), lines
    assert (
        "heidi@example.com is in 2 rooms in Chime; the desired state declares it in 0 rooms."
        in lines
    )
    assert lines[-2:] == ["heidi@example.com in Chime SDK messaging channels:", "No channels."]
    # one refused listing: her moderated channels are not asked for once the first page of
    # her memberships is refused (they were, at the same time: two refused calls)
    counted = emulator.calls()
    assert counted["ListChannelMembershipsForAppInstanceUser"] == 1
    assert "ListChannelsModeratedByAppInstanceUser" not in counted


def test_an_app_instance_user_has_both_listings_made_once_each(emulator: EmulatorServer) -> None:
    bearer = audit(emulator, "user:reconciler")
    assert bearer.exit_code == 0, bearer.stderr
    counted = emulator.calls()
    assert counted["ListChannelMembershipsForAppInstanceUser"] == 1
    assert counted["ListChannelsModeratedByAppInstanceUser"] == 1


def test_an_unknown_e_mail_is_still_an_unknown_member(emulator: EmulatorServer) -> None:
    result = audit(emulator, "nobody@example.com")
    assert result.exit_code == 1
    assert "nobody@example.com" in result.stderr
    assert "BadRequestException" not in result.stderr


def test_protected_members_and_the_bearer_are_kept_not_removed(emulator: EmulatorServer) -> None:
    room = audit(emulator, "breakglass@example.com")
    assert room.exit_code == 0, room.stderr
    row = next(line for line in room.stdout.splitlines() if line.startswith("incident-response"))
    assert "not declared: kept, protected (never removed)" in row
    bearer = audit(emulator, "user:reconciler")
    assert bearer.exit_code == 0, bearer.stderr
    rows = [line for line in bearer.stdout.splitlines() if line.startswith("incident-chat")]
    assert len(rows) == 2
    kept = "not declared: kept, protected (never removed)"
    assert all(kept in r and "removes" not in r for r in rows), rows


def test_audit_reports_its_channel_listings_and_room_listings_as_plan_does(
    emulator: EmulatorServer,
) -> None:
    """The channels' listings and ListRooms' pages are steps with progress too (a bar on a
    terminal; in a CI log with CHIME_RECONCILER_PROGRESS=1, a line each), on stderr."""
    argv = ["--endpoint-url", emulator.url, "--desired", str(ROOT / "desired-state")]
    env = os.environ | ENV | {"CHIME_RECONCILER_PROGRESS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", *argv, "audit", "heidi@example.com"],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # her two listings of the app instance: the first refused, the second not needed
    assert [line.split(" in ")[0] for line in done.stderr.splitlines()] == [
        "Reading channel memberships: 2/2",
        "Listing the member's rooms: 2",
        "Reading memberships: 2/2",
    ]
    assert "\x1b[" not in done.stderr and "Reading" not in done.stdout


def test_room_and_channel_rows_give_the_live_role_and_entry_the_same_names(
    emulator: EmulatorServer,
) -> None:
    """QA-GS Q-GS-3: in one `audit --format json` document a consumer reads the live and
    declared role and each path's target entry under one name whatever the section:
    `live`, `declared`, `declared_at[].entry` (a room row keeps its own names beside)."""
    argv = ["--endpoint-url", emulator.url, "--desired", str(ROOT / "desired-state")]
    result = CliRunner(env=ENV).invoke(
        cli, [*argv, "audit", "alice@example.com", "--format", "json"], catch_exceptions=False
    )
    assert (result.exit_code, result.stderr) == (0, "")
    document = json.loads(result.stdout)
    rows = {section: document[section] for section in ("rooms", "channels")}
    assert all(rows.values()), rows
    by_name = {
        section: [
            (row["live"], row["declared"], [(p["role"], p["entry"]) for p in row["declared_at"]])
            for row in section_rows
        ]
        for section, section_rows in rows.items()
    }
    # each path's FILE:LINE, as every section's row gives it (Q-GX-5)
    wheres = {
        section: [
            (row["where"], [f"{p['file']}:{p['line']}" for p in row["declared_at"]])
            for row in section_rows
        ]
        for section, section_rows in rows.items()
    }
    assert by_name["rooms"] == [
        (
            row["live_role"],
            row["declared_role"],
            [(p["role"], p["room_entry"]) for p in row["declared_at"]],
        )
        for row in rows["rooms"]
    ]
    assert all(where == paths for section in wheres.values() for where, paths in section)
    assert ([f"{ROOT}/desired-state/teams/sre/sre.yaml:5"],) * 2 in wheres["rooms"]
    assert ("Member", "Member", [("Member", f"{ROOT}/desired-state/company.yaml:9")]) in by_name[
        "rooms"
    ]
    assert ("DEFAULT", "DEFAULT", [("DEFAULT", f"{ROOT}/desired-state/chat.yaml:6")]) in by_name[
        "channels"
    ]
