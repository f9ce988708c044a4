"""import of a channel holding two AppInstanceUsers whose ids are one e-mail address in
different case (QA-FD Q-FD-1): AWS's ids are case-sensitive, a file names an e-mail
address in any case, so a file can name only one of them. import wrote one, dropped the
other silently and, with --prune, wrote `prune: true`: the next apply removed a live
member. Now the other is left out with a comment, the channel gets `prune: false`, import
says so, and `import --adopt` skips it with a warning. The real CLI against the emulator
over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
OPS = f"{CHAT}/channel/ops"
UPPER, LOWER = f"{CHAT}/user/Carol@Example.com", f"{CHAT}/user/carol@example.com"
NOT_DECLARED = "No changes, but Chime has 1 member the desired state does not declare."
WHY = (
    f"user carol@example.com ({LOWER}, DEFAULT): its AppInstanceUserId differs only in case "
    "from Carol@Example.com's, and a file names an e-mail address in any case"
)


def _seed(members: list[str]) -> dict[str, Any]:
    return {
        "app_instances": [
            {
                "arn": CHAT,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [
                    {"id": "reconciler"},
                    {"id": "Carol@Example.com"},
                    {"id": "carol@example.com"},
                    {"id": "bob@example.com"},
                ],
                "channels": [{"name": "ops", "id": "ops", "members": members}],
            }
        ]
    }


@pytest.fixture
def settings(write_desired: Callable[..., Path]) -> Path:
    return write_desired(
        {"settings.yaml": f'app_instances:\n  chat: {{arn: "{CHAT}", bearer: user:reconciler}}\n'}
    )


def _live(emulator: EmulatorServer) -> set[str]:
    return {a for a in emulator.messaging.channel_members(OPS) if not a.endswith("/reconciler")}


def test_import_prune_leaves_out_the_other_spelling_and_apply_removes_no_one(
    emulator: EmulatorServer, settings: Path, cli: Any
) -> None:
    emulator.reset(_seed([UPPER, LOWER]))
    run = cli(*UNPACED, "import", "--out", "desired-state", "--prune")
    assert run.exit_code == 0, run.stderr
    text = (settings / "channels" / "chat.yaml").read_text(encoding="utf-8")
    ops = yaml.safe_load(text)["channels"]["ops"]
    assert ops["members"] == ["Carol@Example.com"]
    assert ops["prune"] is False
    assert f"    # Left out: {WHY} (one member)." in text.splitlines()
    assert run.lines[0] == (  # QA-FK Q-FK-4: one line counts the channels too
        "Imported 1 channel (1 membership; 1 member left out: see the "
        "comments) from 1 app instance. Wrote 1 channel file "
        "(desired-state/channels/chat.yaml)."
    )
    assert run.lines[-1] == (  # QA-FD Q-FD-3: it promised `No changes.`
        "Next: chime-reconciler --desired desired-state plan   (expect: No changes, but "
        "Chime has 1 member the desired state does not declare: those left out)"
    )
    plan = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.stdout
    assert plan.lines[-1] == NOT_DECLARED
    apply = cli(*UNPACED, "apply", "--auto-approve")
    assert apply.exit_code == 0, apply.stderr
    assert _live(emulator) == {UPPER, LOWER}


def test_adopt_skips_a_member_another_spelling_of_which_is_declared_and_adopts_the_rest(
    emulator: EmulatorServer, settings: Path, write_desired: Callable[..., Path], cli: Any
) -> None:
    """adopt wrote `carol@example.com` beside `Carol@Example.com`, a file that did not
    load: "a bug in chime-reconciler". It is skipped with a warning; bob is adopted."""
    emulator.reset(_seed([UPPER, LOWER, f"{CHAT}/user/bob@example.com"]))
    write_desired(
        {"ops.yaml": "channels:\n  ops: {app_instance: chat, members: [Carol@Example.com]}\n"}
    )
    adopt = cli(*UNPACED, "import", "--adopt")
    assert adopt.exit_code == 0, adopt.stderr
    assert adopt.err_lines == [
        "Warning: carol@example.com in channel ops: the channel has 2 AppInstanceUsers "
        "whose ids are this e-mail address in different case (Carol@Example.com, "
        "carol@example.com), and a file names an e-mail address in any case: it can "
        "declare one of them only; not adopted"
    ]
    assert "Adopted 1 member into 1 file (1 to members):" in adopt.stdout
    channels = yaml.safe_load((settings / "ops.yaml").read_text(encoding="utf-8"))["channels"]
    assert channels["ops"]["members"] == ["Carol@Example.com", "bob@example.com"]
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stdout
    assert plan.lines[-1] == NOT_DECLARED
