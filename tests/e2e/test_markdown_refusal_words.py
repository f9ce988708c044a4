"""QA-GT-4: the Markdown plan's refusal callout (the PR comment) says the refusal in the
words of every other line about it, with the count: "This plan is refused by 2 safety
rules (...): apply applies it only with `--allow-unsafe`." (it said "Refused by the safety
rules ... apply refuses this plan unless `--allow-unsafe` is given"). The CLI, boto3 and
the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

A = "11111111-2222-3333-4444-555555555555"
SOURCE = "(settings.yaml `safety:` and the `safety:` of rooms.dev in its file)"


@pytest.fixture(autouse=True)
def refused(emulator: EmulatorServer, write_desired: Any) -> None:
    admin = {"member": "alice@example.com", "role": "Administrator"}
    emulator.reset(
        {
            "accounts": [
                {
                    "id": A,
                    "name": "Example Corp",
                    "users": [
                        {"id": "alice-id", "email": "alice@example.com"},
                        {"id": "bob-id", "email": "bob@example.com"},
                        {"id": "carol-id", "email": "carol@example.com"},
                    ],
                    "rooms": [
                        {
                            "id": "r1",
                            "name": "ops",
                            "memberships": [
                                admin,
                                {"member": "bob@example.com"},
                                {"member": "carol@example.com"},
                            ],
                        },
                        {
                            "id": "r2",
                            "name": "dev",
                            "memberships": [admin, {"member": "carol@example.com"}],
                        },
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: '{A}'\nprune: true\nsafety: {{max_removals: 0}}\n",
            "rooms.yaml": "rooms:\n  ops: {administrators: [alice@example.com]}\n"
            "  dev: {administrators: [alice@example.com], safety: {max_removals: 0}}\n",
        }
    )


def test_the_markdown_callout_says_the_refusal_as_every_line_does(cli: Any) -> None:
    run = cli(*UNPACED, "plan", "--format", "markdown")
    assert run.exit_code == 1
    assert (
        f"> **This plan is refused by 2 safety rules** {SOURCE}: apply applies it only with "
        "`--allow-unsafe`."
    ) in run.lines, run.stdout
    assert "Refused by the safety rules" not in run.stdout
    text = cli(*UNPACED, "plan")
    assert (
        f"This plan is refused by 2 safety rules {SOURCE}: apply applies "
        "it only with --allow-unsafe."
    ) in text.lines, text.stdout
