"""`explain` and `audit` of a member whose removal only another target's own `safety:`
refuses: apply refuses the plan as a whole and changes nothing there either, so they say
that the plan is refused by a rule other targets break, and how to apply this target alone;
not "the plan removes it" (QA-HF Q-HF-3). The target's own and the plan-wide rules are
said as before (QA-CJ Q-CJ-2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer, load_seed

pytestmark = pytest.mark.e2e

DEMO_SEED = Path(__file__).parents[2] / "reconciler" / "demo" / "seed.yaml"
SETTINGS = """
    account: 11111111-2222-3333-4444-555555555555
    protected: [breakglass@example.com]
    """
ROOMS = """
    rooms:
      incident-response:
        prune: true
        safety: {max_removals: 1}
        administrators: [dave@example.com]
        members: [alice@example.com, bob@example.com]
      web-releases:
        prune: true
        administrators: [carol@example.com, frank@example.com]
        members: [bot:PagerBot]
    """
OWN = (
    "[incident-response] Too many removals: 2 is over this room's limit of 1 "
    "(rooms.incident-response.safety.max_removals)"
)
ELSEWHERE = (
    f"but the plan is refused by a rule other targets break: {OWN} (apply changes nothing "
    "without --allow-unsafe; --target 'room:web-releases' applies this room alone)"
)


@pytest.fixture
def refused(emulator: EmulatorServer, write_desired: Any) -> EmulatorServer:
    emulator.reset(load_seed(DEMO_SEED))
    write_desired({"settings.yaml": SETTINGS, "rooms.yaml": ROOMS})
    return emulator


def test_explain_says_another_targets_rule_refuses_the_plan(refused: Any, cli: Any) -> None:
    run = cli("explain", "heidi@example.com")
    assert run.exit_code == 0, run.stderr
    plans = [line for line in run.lines if line.startswith("  plan: ")]
    assert plans == [
        f"  plan: the plan removes it (prune is on), but the plan is refused: {OWN} (apply "
        "changes nothing without --allow-unsafe)",
        f"  plan: the plan removes it (prune is on), {ELSEWHERE}",
    ]
    doc = json.loads(cli("explain", "heidi@example.com", "--format", "json").stdout)
    web = next(t for t in doc["targets"] if t["name"] == "web-releases")
    # its own rules apart from another target's, whose it is said (REREAD-7)
    assert web["plan"]["refused_by"] == []
    assert web["plan"]["refused_elsewhere"] == [
        {
            "kind": "room",
            "scope": "11111111-2222-3333-4444-555555555555",
            "name": "incident-response",
            "rule": "max_removals",
            "setting": "rooms.incident-response.safety.max_removals",
            "message": OWN,
        }
    ]
    own = next(t for t in doc["targets"] if t["name"] == "incident-response")
    assert [r["message"] for r in own["plan"]["refused_by"]] == [OWN]
    assert own["plan"]["refused_elsewhere"] == []


def test_audit_says_so_and_apply_indeed_changes_nothing_there(refused: Any, cli: Any) -> None:
    run = cli("audit", "heidi@example.com")
    assert run.exit_code == 0, run.stderr
    row = next(line for line in run.lines if line.startswith("web-releases "))
    assert f"not declared: plan removes it (prune), {ELSEWHERE}" in row
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 1
    web = ("11111111-2222-3333-4444-555555555555", "room-web-releases")
    assert "user-heidi" in refused.backend.room_members(*web)  # apply changed nothing
    alone = cli("apply", "--auto-approve", "--target", "room:web-releases")
    assert alone.exit_code == 0, alone.stdout + alone.stderr
    assert "user-heidi" not in refused.backend.room_members(*web)  # removed, alone


OTHER = "22222222-2222-3333-4444-555555555555"
OTHER_ROOM = f"""
    rooms:
      web-releases:
        account: {OTHER}
        prune: true
        safety: {{max_removals: 1}}
        administrators: [alice@example.com]
    """


@pytest.fixture
def namesakes(emulator: EmulatorServer, write_desired: Any) -> EmulatorServer:
    seed = load_seed(DEMO_SEED)
    seed["accounts"].append(
        {
            "id": OTHER,
            "name": "Other Corp",
            "users": [
                {"id": f"o-{n}", "email": f"{n}@example.com", "name": n}
                for n in ("alice", "bob", "carol")
            ],
            "rooms": [
                {
                    "id": "room-o-web",
                    "name": "web-releases",
                    "memberships": [
                        {"member": "alice@example.com", "role": "Administrator"},
                        {"member": "bob@example.com", "role": "Member"},
                        {"member": "carol@example.com", "role": "Member"},
                    ],
                }
            ],
        }
    )
    emulator.reset(seed)
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "a.yaml": "\n    rooms:\n      web-releases:" + ROOMS.split("      web-releases:")[1],
            "b.yaml": OTHER_ROOM,
        }
    )
    return emulator


def test_a_room_of_another_account_sharing_the_name_is_named_by_its_scope_and_no_target_offered(
    namesakes: Any, cli: Any
) -> None:
    # QA-HJ Q-HJ-3: room:web-releases selects both rooms, so it is not offered; the rule
    # names the other account's room by its account
    rule = (
        f"[web-releases in account {OTHER}] Too many removals: 2 is over this room's limit "
        "of 1 (rooms.web-releases.safety.max_removals)"
    )
    run = cli("explain", "heidi@example.com")
    assert run.exit_code == 0, run.stderr
    plans = [line for line in run.lines if line.startswith("  plan: ")]
    assert plans == [
        "  plan: the plan removes it (prune is on), but the plan is refused by a rule "
        f"other targets break: {rule} (apply changes nothing without --allow-unsafe; no --target "
        "selects this room alone: another room has its name)"
    ]
    assert "--target 'room:web-releases'" not in cli("audit", "heidi@example.com").stdout
    planned = cli("plan")
    assert f"Error: refusing this plan: {rule}" in planned.lines


CAPPED = """
    rooms:
      incident-response:
        prune: true
        safety: {max_removals: 5}
        administrators: [dave@example.com]
        members: [alice@example.com, bob@example.com]
      web-releases:
        prune: true
        administrators: [carol@example.com, frank@example.com]
        members: []
    """
PLAN_WIDE = "Too many removals: 2 is over the limit of 1 (safety.max_removals)"


def test_the_plan_wide_limit_is_the_other_targets_rule_for_a_target_with_its_own(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    # QA-HJ Q-HJ-7: incident-response's own max_removals takes its removals out of the
    # plan-wide count: the 2 over the limit of 1 are web-releases'
    emulator.reset(load_seed(DEMO_SEED))
    settings = SETTINGS.rstrip(" ") + "    safety: {max_removals: 1}\n"
    write_desired({"settings.yaml": settings, "a.yaml": CAPPED})
    run = cli("explain", "heidi@example.com")
    assert run.exit_code == 0, run.stderr
    plans = [line for line in run.lines if line.startswith("  plan: ")]
    assert plans == [
        "  plan: the plan removes it (prune is on), but the plan is refused by a rule "
        f"other targets break: {PLAN_WIDE} (apply changes nothing without --allow-unsafe; --target "
        "'room:incident-response' applies this room alone)",
        f"  plan: the plan removes it (prune is on), but the plan is refused: {PLAN_WIDE} "
        "(apply changes nothing without --allow-unsafe)",
    ]
    alone = cli("plan", "--target", "room:incident-response")
    assert alone.exit_code == 0, alone.stdout + alone.stderr  # indeed not refused alone
