"""The JSON rendering: exact content, stable key order, valid against the published schema."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError
from render_samples import ALERTS, CAROL, FP, GLASS, IR, NO_CHANGES, PAGER, PLAN, QUIET, UNSAFE

from reconciler.live import LiveMember
from reconciler.plan import Plan, TargetPlan
from reconciler.refs import MemberKind, MemberRef, Role
from reconciler.render.json import indented, load_schema, plan_to_data, render_json

VALIDATOR = Draft202012Validator(load_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(load_schema())


@pytest.mark.parametrize("plan", [PLAN, UNSAFE, NO_CHANGES, Plan(())], ids=repr)
def test_output_validates_against_the_schema(plan: Plan) -> None:
    VALIDATOR.validate(json.loads(render_json(plan)))


def test_document_content_and_key_order() -> None:
    p = Plan(
        (
            TargetPlan(
                IR, "room-1", FP, (PAGER, CAROL), (ALERTS,), (), live_count=3, live_elevated=1
            ),
        ),
        violations=UNSAFE.violations,
        errors=("a.yaml:1: oops",),
        desired_digest="sha256:d",
    )
    assert json.loads(render_json(p)) == {
        "format_version": "2",
        "summary": {"add": 0, "change": 1, "remove": 1},
        "drift": {"members": 0, "elevated": 0},
        "targets": [
            {
                "kind": "room",
                "scope": "11111111-2222-3333-4444-555555555555",
                "name": "incident-response",
                "id": "room-1",
                "fingerprint": FP,
                "live_count": 3,
                "live_elevated": 1,
                "changes": [
                    {
                        "action": "update",
                        "member": "bot:PagerBot",
                        "member_key": "PagerBot",
                        "member_type": "Bot",
                        "member_id": "b-pager",
                        "role_before": "Administrator",
                        "role_after": "Member",
                        "provenance": [
                            {
                                "role": "Member",
                                "declared_at": "desired-state/teams/sre.yaml:11",
                                "via": [],
                                "location": None,
                            }
                        ],
                    },
                    {
                        "action": "delete",
                        "member": "carol@example.com",
                        "member_key": "carol@example.com",
                        "member_type": "User",
                        "member_id": "u-carol",
                        "role_before": "Member",
                        "role_after": None,
                        "provenance": [],
                    },
                ],
                "unmanaged": [
                    {
                        "member": "webhook:Alerts",
                        "member_key": "Alerts",
                        "member_type": "Webhook",
                        "member_id": "w-alerts",
                        "role": "Member",
                    }
                ],
                "protected": [],
            }
        ],
        "safety": {
            "safe": False,
            "violations": [
                {
                    "rule": "max_removals",
                    "kind": None,
                    "scope": None,
                    "name": None,
                    "message": "Too many removals: 2 is over the limit of 1 (safety.max_removals)",
                    "setting": "safety.max_removals",
                },
                {
                    "rule": "min_administrators",
                    "kind": "room",
                    "scope": "11111111-2222-3333-4444-555555555555",
                    "name": "incident-response",
                    "message": "[incident-response] Would leave 0 administrators (now 1), "
                    "fewer than the minimum of 1 (safety.min_administrators)",
                    "setting": "safety.min_administrators",
                },
            ],
        },
        "errors": ["a.yaml:1: oops"],
        "desired_digest": "sha256:d",
    }


def keys_in_order(data: Any) -> list[list[str]]:
    """Every object's keys, in document order."""
    if isinstance(data, dict):
        return [list(data), *(k for v in data.values() for k in keys_in_order(v))]
    if isinstance(data, list):
        return [k for v in data for k in keys_in_order(v)]
    return []


def test_keys_come_in_the_documented_order() -> None:
    order = keys_in_order(json.loads(render_json(UNSAFE)))
    assert order[0] == [
        "format_version",
        "summary",
        "drift",
        "targets",
        "safety",
        "errors",
        "desired_digest",
    ]
    assert order[2] == ["members", "elevated"]
    assert order[3] == [
        "kind",
        "scope",
        "name",
        "id",
        "fingerprint",
        "live_count",
        "live_elevated",
        "changes",
        "unmanaged",
        "protected",
    ]
    assert order[4] == [
        "action",
        "member",
        "member_key",
        "member_type",
        "member_id",
        "role_before",
        "role_after",
        "provenance",
    ]
    assert order[5] == ["role", "declared_at", "via", "location"]


def test_rendering_is_indented_and_keeps_non_ascii_text() -> None:
    renamed = replace(ALERTS, ref=MemberRef.webhook("Zürich"))
    p = Plan((TargetPlan(IR, "room-1", FP, (), (renamed,)),))
    text = render_json(p)
    assert '"member": "webhook:Zürich"' in text
    assert text.startswith('{\n  "format_version": "2",\n')
    assert text.endswith("}\n")


def test_schema_rejects_a_create_with_a_previous_role() -> None:
    data = plan_to_data(PLAN)
    data["targets"][0]["changes"][0]["role_before"] = "Member"
    with pytest.raises(ValidationError):
        VALIDATOR.validate(data)


def test_schema_rejects_unknown_keys_and_versions() -> None:
    for mutate in (
        lambda d: d.update(format_version="1"),
        lambda d: d["targets"][0].update(extra=1),
        lambda d: d["safety"].pop("safe"),
        lambda d: d["targets"][0]["changes"][0].update(action="replace"),
        lambda d: d["targets"][0]["changes"][0].update(role_after="Owner"),  # not a room role
    ):
        data = plan_to_data(PLAN)
        mutate(data)
        with pytest.raises(ValidationError):
            VALIDATOR.validate(data)


def test_indented_json_is_the_text_the_stdlib_writes() -> None:
    data = {
        "a": [1, -0.0, 0.25, 1e16, True, None, {}, [], {"b": 'x\x1b\n\t"\\ é \u2028'}],
        "kind": Role.ADMINISTRATOR,  # a StrEnum, as the plan has them
    }
    assert indented(data) == json.dumps(data, indent=2, ensure_ascii=False)


def test_what_orjson_refuses_the_stdlib_writes() -> None:
    data = {"surrogate": "\ud800", "large": 2**70}
    assert indented(data) == json.dumps(data, indent=2, ensure_ascii=False)


def test_drift_counts_the_members_no_file_declares_and_the_elevated_ones() -> None:
    """QA-GQ Q-GQ-8: ``test_document_content_and_key_order`` has no drift (its only
    unmanaged member, a webhook, is never managed), so its `"drift"` of zeros holds for any
    count. Here an undeclared Administrator and Member in one room, a Member in another,
    a webhook beside them (not drift): 3 members, 1 elevated."""
    heidi = LiveMember(MemberRef.user("heidi@example.com"), "u-heidi", MemberKind.USER, Role.MEMBER)
    ivan = LiveMember(MemberRef.user("ivan@example.com"), "u-ivan", MemberKind.USER, Role.MEMBER)
    p = Plan(
        (
            TargetPlan(IR, "room-1", FP, (), (ALERTS, GLASS, heidi), (), live_count=3),
            replace(QUIET, unmanaged=(ALERTS, ivan), live_count=2),
        )
    )
    assert json.loads(render_json(p))["drift"] == {"members": 3, "elevated": 1}
    unreported = replace(p, unmanaged_is_drift=False)
    assert json.loads(render_json(unreported))["drift"] == {
        "members": 3,
        "elevated": 1,
        "counts_as_drift": False,
    }
