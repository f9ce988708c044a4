"""What stderr says after `plan --out` / `merge-plans --out` of a plan the safety rules
refuse (QA-GB Q-GB-1): that apply refuses it, before the command that overrides the rules,
not a bare "Apply exactly this plan with: ... apply --allow-unsafe FILE", which was all a
terminal showed when stdout (the refusal) went to a file. The real CLI, boto3 and the
emulator (the ops scenario: one removal, over `max_removals: 0`)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ACCOUNT

pytestmark = pytest.mark.e2e


@pytest.fixture
def unsafe(ops: Any, write_desired: Any) -> Any:
    write_desired({"settings.yaml": f"account: {ACCOUNT}\nsafety: {{max_removals: 0}}\n"})
    return ops


REFUSAL = (
    "Error: refusing this plan: Too many removals: 2 is over the limit of 0 (safety.max_removals)"
)


def command(cli: Any, file: str) -> str:
    return f"  chime-reconciler --endpoint-url {cli.endpoint_url} apply --allow-unsafe {file}"


def test_plan_out_of_a_refused_plan_says_apply_refuses_it(unsafe: Any, cli: Any) -> None:
    run = cli.raw("--endpoint-url", cli.endpoint_url, "plan", "--out", "p.json")
    assert run.exit_code == 1
    assert run.err_lines == [  # stdout is no terminal: stderr names the refusal (Q-LD-13)
        "Saved the plan to p.json; it is refused by 1 safety rule: apply applies it only with "
        "--allow-unsafe. To override the safety rules and apply it all the same:",
        command(cli, "p.json"),
        REFUSAL,  # once the plan is known written (Q-GK-4)
        "Error: the plan is refused by 1 safety rule (above, and in the text output): apply "
        "applies it only with --allow-unsafe; exit 1.",
    ]
    refused = cli.raw("apply", "p.json")  # as the note says
    assert refused.exit_code == 1
    applied = cli.raw("apply", "--allow-unsafe", "p.json")  # the command it gives
    assert applied.exit_code == 0, applied.stdout + applied.stderr


def test_plan_out_with_allow_unsafe_says_apply_needs_it_too(unsafe: Any, cli: Any) -> None:
    run = cli.raw("--endpoint-url", cli.endpoint_url, "plan", "--allow-unsafe", "--out", "p.json")
    assert run.exit_code == 0
    assert run.err_lines == [
        "Saved the plan to p.json; it is refused by 1 safety rule: apply applies it only with "
        "--allow-unsafe. Apply exactly this plan with:",
        command(cli, "p.json"),
    ]


def test_merge_plans_out_of_a_refused_plan_says_apply_refuses_it(unsafe: Any, cli: Any) -> None:
    made = cli("plan", "--shard", "1/1", "--allow-unsafe", "--out", "plan-1.json")
    assert made.exit_code == 0, made.stderr
    run = cli.raw(
        "--endpoint-url", cli.endpoint_url, "merge-plans", "plan-1.json", "--out", "m.json"
    )
    assert run.exit_code == 1
    assert run.err_lines == [
        "Saved the merged plan to m.json; it is refused by 1 safety rule: apply applies it "
        "only with --allow-unsafe. To override the safety rules and apply it all the same:",
        "  chime-reconciler --desired desired-state --endpoint-url "
        f"{cli.endpoint_url} --region us-east-1 apply --allow-unsafe m.json",
        REFUSAL,
        "Error: the merged plan is refused by 1 safety rule (above, and in the text output): "
        "apply applies it only with --allow-unsafe; exit 1.",
    ]
