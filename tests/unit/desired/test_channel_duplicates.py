"""A channel declared twice (by name or by ARN alike), or with neither a name nor an id,
is one error (it was two: the channel, then its moderators, the two kinds of one
`channels:` entry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.desired.loader import load_desired
from reconciler.errors import DesiredStateError

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
SETTINGS = f"app_instances:\n  chat: {{arn: '{INSTANCE}', bearer: 'user:r'}}\n"


def problems(root: Path, files: dict[str, str]) -> list[str]:
    root.mkdir()
    (root / "settings.yaml").write_text(SETTINGS)
    for name, text in files.items():
        (root / name).write_text(text)
    with pytest.raises(DesiredStateError) as caught:
        load_desired(root)
    return [str(p) for p in caught.value.problems]


def test_a_channel_declared_in_two_files_is_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    chat = "channels:\n  ops:\n    members: [user:a]\n    moderators: [user:a]\n"
    assert problems(Path("ds"), {"a.yaml": chat, "b.yaml": chat}) == [
        "ds/b.yaml:2: channels.ops: channel 'ops' is already declared at ds/a.yaml:2"
    ]


def test_a_channel_arn_declared_twice_is_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    arn = f"{INSTANCE}/channel/c1"
    chat = (
        f"channels:\n  ops:\n    arn: '{arn}'\n    members: [user:a]\n"
        f"  ops-again:\n    arn: '{arn}'\n    members: [user:a]\n"
    )
    assert problems(Path("ds"), {"a.yaml": chat}) == [
        f"ds/a.yaml:5: channels.ops-again: channel ARN '{arn}' is already declared at ds/a.yaml:2"
    ]


def test_a_blank_channel_key_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Q-BS-5: it was two on one line, the second "channel moderators has neither ...",
    and `Desired state is invalid: 2 errors`."""
    monkeypatch.chdir(tmp_path)
    chat = 'channels:\n  "": {members: [user:a]}\n'
    assert problems(Path("ds"), {"a.yaml": chat}) == [
        'ds/a.yaml:2: channels."": channel has neither a name nor an id'
    ]
