"""Q-EU-2: README's "Reading a plan" example is output `plan` prints, made here from the
desired state and the Chime it describes: a room without `prune` (an add, a user's role
changed in place, a bot's replaced, an administrator no file declares, a webhook) and one
with `prune: true` (a removal, and a protected member no file declares, named as kept).
It showed drift and `protected: ... left unchanged` in one room without `prune`, which no
desired state gives (there a protected member no file declares is drift), with its `~`
lines in another order than the tool's (bots before users).

The CLI in process, the real boto3 client, the emulator over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ACCOUNT, Cli, WriteDesired, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def readme_example() -> list[str]:
    """The lines of the code block after "Reading a plan"."""
    at = README.index("```\n", README.index("\nReading a plan")) + len("```\n")
    return README[at : README.index("```\n", at)].splitlines()


def test_the_readme_plan_example_is_what_plan_prints(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    doc = seed_doc(
        users=("alice", "bob", "carol", "eve", "mallory", "breakglass"),
        bots=("PagerBot",),
        webhooks=("Alerts", "Deploys"),
        rooms={
            "incident-response": [
                ("bob", "Member"),
                ("bot:PagerBot", "Administrator"),
                ("mallory", "Administrator"),
                ("webhook:Alerts", "Member"),
            ],
            "on-call": [
                ("carol", "Administrator"),
                ("eve", "Member"),
                ("breakglass", "Administrator"),
            ],
            "releases": [("carol", "Administrator"), ("webhook:Deploys", "Member")],
            "staff": [("carol", "Administrator")],
        },
    )
    for number, room in enumerate(doc["accounts"][0]["rooms"], 1):
        room["id"] = f"room-{number}"  # as the README's headers show them
    emulator.reset(doc)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nprotected: [breakglass@example.com]\n",
            "rooms.yaml": """
                rooms:
                  incident-response:
                    administrators: [alice@example.com, bob@example.com]
                    members: ["bot:PagerBot"]
                  on-call:
                    prune: true
                    administrators: [carol@example.com]
                  releases:
                    administrators: [carol@example.com]
                  staff:
                    administrators: [carol@example.com]
                """,
        }
    )
    run = cli("plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines == readme_example()
