"""What the `import --out DIR --force` refresh tests share (QA-RR Q-RR-22): the seed (one
room `ops`, one channel `ops`), the settings, a first import, and the check that a
hand-edited file is kept with a Note naming its edits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import UNPACED

from reconciler.emulator import EmulatorServer

A = "11111111-2222-3333-4444-555555555555"
CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
SETTINGS = (
    f"account: {A}\napp_instances:\n"
    f'  chat: {{arn: "{CHAT}", bearer: "user:reconciler", user_id_from: email}}\n'
)
NO_CHANGES = "No changes. Chime memberships match the desired state."
ADOPT = (
    "which import cannot read from Chime and a refresh would drop: it is kept as it is. "
    "`chime-reconciler import --adopt` writes the members Chime has that it lacks into it; "
    "to refresh it from Chime, {then} first."
)


def seed() -> dict[str, Any]:
    """Room ops (alice administrator, bob member) and channel ops (a-b, c-d) of app
    instance chat."""
    return {
        "accounts": [
            {
                "id": A,
                "name": "Example Corp",
                "users": [
                    {"id": "alice-id", "email": "alice@example.com"},
                    {"id": "bob-id", "email": "bob@example.com"},
                ],
                "rooms": [
                    {
                        "id": "r1",
                        "name": "ops",
                        "memberships": [
                            {"member": "alice@example.com", "role": "Administrator"},
                            {"member": "bob@example.com"},
                        ],
                    }
                ],
            }
        ],
        "app_instances": [
            {
                "arn": CHAT,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [{"id": "reconciler"}, {"id": "a-b"}, {"id": "c-d"}],
                "channels": [{"name": "ops", "id": "ch-1", "members": ["a-b", "c-d"]}],
            }
        ],
    }


def imported(emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any) -> Path:
    """The emulator seeded, and everything imported into desired-state/ once."""
    emulator.reset(seed())
    desired = write_desired({"settings.yaml": SETTINGS})
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    return desired


def kept_with_note(
    cli: Any, desired: Path, relative: str, edited: str, holds: str, then: str = ""
) -> Any:
    """Write ``edited`` into desired-state/``relative`` and refresh (``--force``): the file
    is kept as it is, with the Note that it holds ``holds`` and that ``then`` (default:
    "remove those lines") refreshes it; the run."""
    path = desired / relative
    path.write_text(edited, encoding="utf-8")
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert run.exit_code == 0, run.stderr
    assert path.read_text(encoding="utf-8") == edited
    assert (
        f"Note: desired-state/{relative} is not written again (--force): it holds {holds}, "
        + ADOPT.format(then=then or "remove those lines")
    ) in run.lines, run.lines
    return run


def plans_no_changes(cli: Any) -> None:
    """A plan right after finds nothing to change."""
    plan = cli(*UNPACED, "plan")
    assert (plan.exit_code, plan.lines[-1]) == (0, NO_CHANGES), plan.stderr
