"""A role conflict is reported at the entry that makes it, also when a one-line (flow)
list holds several entries (QA M Q-M-8: it was at the line's first entry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.desired.loader import load_desired
from reconciler.errors import DesiredStateError

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
SETTINGS = f"app_instances:\n  chat: {{arn: '{INSTANCE}', bearer: 'user:r'}}\n"


def problems(root: Path, chat: str) -> list[str]:
    (root / "settings.yaml").write_text(SETTINGS)
    (root / "chat.yaml").write_text(chat)
    with pytest.raises(DesiredStateError) as caught:
        load_desired(root)
    return [str(p).replace(f"{root}/", "") for p in caught.value.problems]


def test_a_conflict_in_a_flow_list_names_its_own_entry(tmp_path: Path) -> None:
    chat = (
        "groups:\n  sre: [carol@example.com]\n"
        "channels:\n"
        "  ops:\n"
        "    members: [alice@example.com, carol@example.com]\n"
        "    hidden: [user:auditor, user:x, alice@example.com]\n"
        "  web:\n"
        "    members: [carol@example.com]\n"
        '    hidden: [user:y, "@sre"]\n'
    )
    assert problems(tmp_path, chat) == [
        "chat.yaml:6: channels.ops.hidden[2]: alice@example.com: conflicting roles DEFAULT "
        "and HIDDEN in channel 'ops' (DEFAULT at chat.yaml:5; HIDDEN at chat.yaml:6)",
        "chat.yaml:9: channels.web.hidden[1]: carol@example.com: conflicting roles DEFAULT "
        "and HIDDEN in channel 'web' (DEFAULT at chat.yaml:8; HIDDEN via @sre at chat.yaml:2)",
    ]
