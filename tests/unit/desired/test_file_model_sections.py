"""A members file is validated by the model of the sections it has (``members_file_model``
with its keys): the same problems and the same desired state as with the whole model, on
every fixture directory and this repository's desired state (rooms, channels, meetings);
and a plan of rooms builds no channel's or meeting's validator before its first call."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reconciler.desired import loader
from reconciler.desired.loader import load_desired
from reconciler.desired.sections import members_file_model
from reconciler.errors import DesiredStateError

ROOT = Path(__file__).resolve().parents[3]
DIRS = [
    *sorted(p for p in (ROOT / "tests" / "fixtures" / "desired").iterdir() if p.is_dir()),
    ROOT / "desired-state",
]


def outcome(directory: Path) -> str:
    try:
        return repr(load_desired(directory))
    except DesiredStateError as exc:
        return "\n".join(map(str, exc.problems))


@pytest.mark.parametrize("directory", DIRS, ids=lambda p: p.name)
def test_the_same_as_with_the_whole_model(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = outcome(directory)

    def whole(keys: Any = None) -> Any:
        return members_file_model()

    monkeypatch.setattr(loader, "members_file_model", whole)
    assert ours == outcome(directory)


EXTRA = {
    "rooms-only": "rooms:\n  r:\n    account: a\n    name: r\n    members: [x@example.com]\n",
    "bad-room": "rooms:\n  r:\n    account: a\n    memebrs: [x@example.com]\n",
    "groups": "groups:\n  g: [x@example.com]\nrooms:\n  r:\n    account: a\n    name: r\n"
    "    members: ['@g', 3]\n",
    "unknown": "rooms: {}\nchanels: {}\n",
    "number-key": "1: x\nrooms: {}\n",
    "null-section": "rooms:\nchannels:\n",
}


@pytest.mark.parametrize("name", sorted(EXTRA))
def test_files_of_some_sections_as_with_the_whole_model(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "settings.yaml").write_text("account: a\n")
    (tmp_path / "f.yaml").write_text(EXTRA[name])
    ours = outcome(tmp_path)
    monkeypatch.setattr(loader, "members_file_model", lambda keys=None: members_file_model())
    assert ours == outcome(tmp_path)


BUILT = """
import sys
from pathlib import Path
d = Path(sys.argv[1])
from reconciler.desired.loader import load_desired
from reconciler.desired.sections import members_file_model
load_desired(d)
print(members_file_model().__pydantic_complete__)
"""


def test_a_desired_state_of_rooms_builds_no_other_section_s_validator() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            BUILT,
            str(ROOT / "tests" / "fixtures" / "desired" / "valid-minimal"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.split() == ["False"]  # the whole model (channels, meetings): not built
