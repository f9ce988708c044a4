"""`chime-reconciler explain MEMBER` through the CLI, the real boto3 client and the
emulator: per room the declared role and every path (file, line, group chain, until,
reason, ticket; expired ones too), the live role, and what the plan does. The clock is
fixed with --now."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

NOW = ("--now", "2027-03-20")
D = "desired-state"

FILES = {
    "settings.yaml": "account: 11111111-2222-3333-4444-555555555555\n",
    "groups.yaml": """
        groups:
          contractors:
            owners: [example-org/vendor-managers]
            members:
              - {member: carol@example.com, until: 2027-03-01, reason: quarterly audit}
          sre: [alice@example.com]
    """,
    "rooms.yaml": """
        rooms:
          ops:
            prune: true
            owners: [alice, example-org/sre]
            administrators:
              - member: alice@example.com
                until: 2027-03-31
                reason: incident commander rotation
                ticket: OPS-12
            members: ["@sre", bob@example.com, "@contractors"]
          web:
            members: [alice@example.com]
          quiet:
            members: [bob@example.com]
    """,
}


@pytest.fixture
def scenario(seed: Any, write_desired: Any) -> None:
    seed(
        users=["alice", "bob", "carol"],
        rooms={
            "ops": [("alice", "Member"), ("carol", "Member")],
            "web": [("alice", "Member"), ("carol", "Member")],
            "quiet": [("bob", "Member")],
            "lounge": [("alice", "Member")],
        },
    )
    write_desired(FILES)


def test_explain_lists_each_room_with_paths_until_reason_live_role_and_plan(
    scenario: None, cli: Any
) -> None:
    run = cli(*NOW, "explain", "alice@example.com")
    assert run.exit_code == 0, run.stderr
    assert run.lines == [
        "Explaining alice@example.com as of 2027-03-20T00:00:00Z.",
        "",
        "# room ops (account 11111111-2222-3333-4444-555555555555, id room-ops)",
        f"  declared in {D}/rooms.yaml:2; owners: @alice, @example-org/sre",
        "  role: Administrator",
        f"    Administrator at {D}/rooms.yaml:6, until 2027-03-31 (11 days left), reason: "
        "incident commander rotation, ticket OPS-12",
        f"    Member via @sre at {D}/groups.yaml:6 (from {D}/rooms.yaml:10)",
        "  live: Member",
        "  plan: the plan changes its role Member -> Administrator",
        "",
        "# room web (account 11111111-2222-3333-4444-555555555555, id room-web)",
        f"  declared in {D}/rooms.yaml:11",
        "  role: Member",
        f"    Member at {D}/rooms.yaml:12",
        "  live: Member",
        "  plan: in sync: no change",
        "",
        (
            "Of the desired state's targets, alice@example.com is declared in 2 and live in 2 "
            "(audit reads the rooms and channels outside them too)."
        ),
    ]  # lounge is live but not declared: `audit` lists rooms outside the desired state, and
    # the closing line says it counts the desired state's targets only (QA-LE Q-LE-9)


def test_explain_says_why_an_expired_member_goes_and_where_it_stays(
    scenario: None, cli: Any
) -> None:
    run = cli(*NOW, "explain", "carol@example.com")
    assert run.lines[2:] == [
        "# room ops (account 11111111-2222-3333-4444-555555555555, id room-ops)",
        f"  declared in {D}/rooms.yaml:2; owners: @alice, @example-org/sre",
        "  role: not declared",
        f"    expired 2027-03-01: Member via @contractors at {D}/groups.yaml:5 (from "
        f"{D}/rooms.yaml:10), reason: quarterly audit",
        "  live: Member",
        "  plan: the plan removes it (prune is on)",
        "",
        "# room web (account 11111111-2222-3333-4444-555555555555, id room-web)",
        f"  declared in {D}/rooms.yaml:11",
        "  role: not declared",
        "  live: Member",
        "  plan: kept: not declared, and this target does not prune",
        "",
        (
            "Of the desired state's targets, carol@example.com is declared in 0 and live in 2 "
            "(audit reads the rooms and channels outside them too)."
        ),
    ]


def test_explain_after_the_until_shows_the_demotion_and_json(scenario: None, cli: Any) -> None:
    run = cli("--now", "2027-04-01", "explain", "alice@example.com", "--target", "ops",
              "--format", "json")  # fmt: skip
    doc = json.loads(run.stdout)
    [ops] = doc["targets"]
    assert (ops["role"], ops["live"], ops["plan"]["outcome"]) == (
        "Member",
        {"role": "Member", "read": True},
        "in-sync",
    )
    assert [(p["role"], p["expired"], p["until"], p["via"]) for p in ops["paths"]] == [
        ("Member", False, None, ["sre"]),
        ("Administrator", True, "2027-03-31", []),
    ]
    assert doc["summary"] == {"declared": 1, "live": 1}


def test_explain_a_declared_member_chime_does_not_know(
    scenario: None, cli: Any, write_desired: Any
) -> None:
    write_desired({"rooms.yaml": "rooms:\n  web:\n    members: [zed@example.com]\n"})
    run = cli(*NOW, "explain", "zed@example.com")
    assert run.exit_code == 0
    assert run.lines[-3:] == [
        "  plan: the plan cannot add it: Chime has no such member (see `plan`)",
        "",
        (
            "Of the desired state's targets, zed@example.com is declared in 1 and live in 0 "
            "(audit reads the rooms and channels outside them too)."
        ),
    ]


def test_explain_unknown_target_or_member_is_a_usage_error(scenario: None, cli: Any) -> None:
    bad_target = cli(*NOW, "explain", "alice@example.com", "--target", "nope")
    assert (bad_target.exit_code, bad_target.err_lines) == (
        1,
        [
            "Error: --target: no target named 'nope' is declared; --target takes a "
            "target's name (its key in the YAML) or the id written there, not the id Chime "
            "gave a target declared by name"
        ],
    )
    # any text of 2 to 64 characters is a meeting attendee (an ExternalUserId): "x" is not,
    # and no kind reads it: the message is the rooms' one (explain keeps the rooms' words)
    bad_member = cli(*NOW, "explain", "x")
    assert bad_member.exit_code == 1
    assert bad_member.err_lines == [
        "Error: MEMBER 'x': malformed email address (give an e-mail address, bot:NAME or user:ID)"
    ]
    # longer text could be an attendee's ExternalUserId, but no meeting is declared: as
    # audit, the rooms' words, before any call (QA-GP Q-GP-1)
    not_email = cli(*NOW, "explain", "not an email")
    assert (not_email.exit_code, not_email.stdout) == (1, "")
    assert not_email.err_lines == [
        "Error: MEMBER 'not an email': malformed email address (give an e-mail address, "
        "bot:NAME or user:ID)"
    ]


def test_explain_refuses_a_bad_member_with_target_too(scenario: None, cli: Any) -> None:
    # --target does not make a typo in MEMBER pass as "not declared, not live" (Q-H-13)
    run = cli(*NOW, "explain", "not an email", "--target", "ops")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [  # no meeting declared: the rooms' words (QA-GP Q-GP-1)
        "Error: MEMBER 'not an email': malformed email address (give an e-mail address, "
        "bot:NAME or user:ID)"
    ]
