"""import with a bearer that is no AppInstanceAdmin (QA-FS Q-FS-4): it stopped at the
first channel it could not list, with AWS's error and no settings.yaml line, and wrote
nothing, the rooms neither. Now each such channel is named as the plan names it (the
bearer's settings.yaml line), left out, and the rest imported; exit 1. The real CLI
against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
SETTINGS = f"""account: {ACCOUNT}
app_instances:
  chat:
    arn: {CHAT}
    bearer: user:alice
"""


@pytest.fixture
def scenario(emulator: EmulatorServer, write_desired: Callable[..., Path]) -> Path:
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [{"id": "u-bob", "email": "bob@example.com", "name": "Bob"}],
                    "rooms": [
                        {
                            "id": "room-ops",
                            "name": "ops",
                            "memberships": [{"member": "bob@example.com", "role": "Member"}],
                        }
                    ],
                }
            ],
            "app_instances": [
                {
                    "arn": CHAT,
                    "name": "chat",
                    "admins": ["reconciler"],  # alice is not one
                    "users": [{"id": u} for u in ("reconciler", "alice", "bob")],
                    "channels": [
                        # alice moderates news: she may list it
                        {"name": "news", "id": "news", "members": ["alice", "bob"]}
                        | {"moderators": ["alice"]},
                        # a plain member of a PUBLIC channel may not list its HIDDEN ones
                        {"name": "lobby", "id": "lobby", "members": ["alice", "bob"]},
                    ],
                }
            ],
        }
    )
    return write_desired({"settings.yaml": SETTINGS})


def test_import_names_the_bearer_and_imports_the_rest(scenario: Path, cli: Any) -> None:
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 1, run.stdout + run.stderr
    said = run.stdout + run.stderr
    assert (
        f"Error: channel lobby ({CHAT}/channel/lobby): its bearer user:alice "
        "(desired-state/settings.yaml:5) may not list its HIDDEN members and moderators"
    ) in said
    assert "not imported." in said
    assert "ListChannelMemberships failed" not in said
    # an error is said on stderr, as every command says it, not with the report on
    # stdout (QA-LD Q-LD-6)
    assert "Error: channel lobby (" in run.stderr
    assert "Error" not in run.stdout, run.stdout
    assert run.lines[0].startswith("Imported 1 room (1 membership)"), run.lines
    # the rest is imported: the room, and the channel alice may list
    assert (scenario / "rooms").is_dir()
    channels = yaml.safe_load((scenario / "channels" / "chat.yaml").read_text(encoding="utf-8"))
    assert set(channels["channels"]) == {"news"}
    # to stdout alike
    preview = cli(*UNPACED, "import")
    assert preview.exit_code == 1
    assert "Error: channel lobby (" in preview.stderr
    assert "news:" in preview.stdout


WARNING = (
    f"Warning: app instance chat ({CHAT}): its bearer user:alice "
    "(desired-state/settings.yaml:5) may not list its PRIVATE channels (ListChannels: "
    "ForbiddenException; AWS lists them to AppInstanceAdmins only), so none of them is "
    "imported, however many there are: only the PUBLIC channels are. Make every bearer an "
    "AppInstanceAdmin (CreateAppInstanceAdmin) and import again."
)


def test_import_says_a_bearer_may_not_list_the_private_channels(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-LD Q-LD-8: a bearer that is no AppInstanceAdmin is refused ListChannels'
    PRIVATE listing; import left out every PRIVATE channel without a word, and exited 0
    as if it had imported them all."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": CHAT,
                    "name": "chat",
                    "admins": ["reconciler"],  # alice is not one
                    "users": [{"id": u} for u in ("reconciler", "alice", "bob")],
                    "channels": [
                        {"name": "news", "id": "news", "members": ["alice", "bob"]}
                        | {"moderators": ["alice"]},
                        {"name": "secret", "id": "secret", "members": ["alice", "bob"]}
                        | {"moderators": ["alice"], "privacy": "PRIVATE"},
                    ],
                }
            ],
        }
    )
    settings = SETTINGS.replace(f"account: {ACCOUNT}\n", "")
    desired = write_desired({"settings.yaml": "# no account: channels only\n" + settings})
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert WARNING in run.err_lines, run.stderr
    channels = yaml.safe_load((desired / "channels" / "chat.yaml").read_text(encoding="utf-8"))
    assert set(channels["channels"]) == {"news"}
    preview = cli(*UNPACED, "import")  # to stdout alike
    assert preview.exit_code == 0, preview.stderr
    assert WARNING in preview.err_lines, preview.stderr
    assert "secret" not in preview.stdout


def test_with_several_bearers_the_warning_says_which_was_refused(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-LE Q-LE-8 (c): with `bearers:` a list, the warning named the first bearer as
    "its bearer", as if it were the only one: now it says which of them ListChannels was
    called as."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": CHAT,
                    "name": "chat",
                    "admins": ["reconciler"],  # alice is not one
                    "users": [{"id": u} for u in ("reconciler", "alice", "bob")],
                    "channels": [
                        {"name": "news", "id": "news", "members": ["alice", "bob"]}
                        | {"moderators": ["alice"]},
                        {"name": "secret", "id": "secret", "members": ["bob"]}
                        | {"privacy": "PRIVATE"},
                    ],
                }
            ],
        }
    )
    settings = (
        f"app_instances:\n  chat:\n    arn: {CHAT}\n    bearers: [user:alice, user:reconciler]\n"
    )
    write_desired({"settings.yaml": settings})
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert (
        f"Warning: app instance chat ({CHAT}): its bearer user:alice "
        "(desired-state/settings.yaml:4), the first of its 2 bearers (ListChannels is called "
        "as it), may not list its PRIVATE channels (ListChannels: "
    ) in run.stderr, run.stderr
