"""import --adopt and live names chosen by whoever can name a bot: an escape sequence,
U+202E, U+2028, U+200B. What it prints shows them as the visible escapes every other
renderer prints (render/safe.py ``shown``), and what it writes escapes them as
``import`` writes them (``importer.scalar``)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from reconciler.emulator import EmulatorServer
from reconciler.importer import scalar

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
BOTS = ("x\x1b[31mRED", "evil\u202egnp.exe", "q\u2028r", "s\u200bt", "old\u202ebot")
# anything a terminal or a diff would act on, or hide
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


@pytest.fixture
def hostile(emulator: EmulatorServer, write_desired: Any) -> EmulatorServer:
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [{"id": "u-alice", "email": "alice@example.com"}],
                    "bots": [{"id": f"b{i}", "name": name} for i, name in enumerate(BOTS)],
                    "rooms": [
                        {
                            "id": "r1",
                            "name": "ops",
                            "memberships": [
                                {"member": "alice@example.com", "role": "Administrator"},
                                *({"member": f"bot:{name}"} for name in BOTS),
                            ],
                        }
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  ops:\n    administrators: [alice@example.com]\n"
            '    members: [{member: "bot:old\\u202ebot", until: 2020-01-01}]\n',
        }
    )
    return emulator


def test_adopt_prints_live_names_as_visible_escapes(hostile: EmulatorServer, cli: Any) -> None:
    """QA4 R5: the report line joined the live references raw (ESC, U+202E, U+2028 on the
    terminal), and so did the warning for a member whose entry expired."""
    run = cli("import", "--adopt")
    assert run.exit_code == 0, run.stderr
    assert not RAW.search(run.stdout + run.stderr)
    assert run.lines[1] == (
        "  desired-state/rooms.yaml:4: members += bot:evil\\u202egnp.exe, bot:q\\u2028r, "
        "bot:s\\u200bt, bot:x\\x1b[31mRED"
    )
    assert run.stderr.splitlines() == [
        "Warning: bot:old\\u202ebot in room ops: its entry at desired-state/rooms.yaml:4 "
        "expired 2020-01-01 and Chime still has it (Member): extend its until: to keep the "
        "access, or remove it from Chime (prune: true) to end it; not adopted"
    ]


def test_adopt_writes_live_names_escaped_as_import_writes_them(
    hostile: EmulatorServer, cli: Any, workdir: Any
) -> None:
    """QA4 R6: adopt escaped C0/C1 controls and line separators but wrote format
    characters (U+202E, U+200B) raw into the file for the pull request, where a bidi
    override reorders the diff's line and a zero-width space is invisible. Each name is
    now the scalar import writes, and reads back as the same name."""
    assert cli("import", "--adopt").exit_code == 0
    text = (workdir / "desired-state" / "rooms.yaml").read_text(encoding="utf-8")
    assert not RAW.search(text.replace("\n", ""))
    members = yaml.safe_load(text)["rooms"]["ops"]["members"]
    adopted = sorted(f"bot:{name}" for name in BOTS if not name.startswith("old"))
    assert members[1:] == adopted
    for ref in adopted:
        assert scalar(ref) in text  # as import writes it: "bot:evil\u202egnp.exe"
    assert '"bot:evil\\u202egnp.exe"' in text and '"bot:s\\u200bt"' in text
    drift = [line for line in cli("plan").lines if "not in the desired state:" in line]
    assert [line.strip() for line in drift] == [  # the expired one stays drift, on purpose
        "not in the desired state: bot:old\\u202ebot (Member)"
    ]
