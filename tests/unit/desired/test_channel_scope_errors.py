"""A channel whose app instance cannot be found is one error at the channel (not one per
kind of the `channels:` section), naming the label and the labels that exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.desired.loader import load_desired
from reconciler.errors import DesiredStateError

ARN = "arn:aws:chime:us-east-1:111122223333:app-instance/"


def problems(root: Path, settings: str, chat: str) -> list[str]:
    root.mkdir()
    (root / "settings.yaml").write_text(settings)
    (root / "chat.yaml").write_text(chat)
    with pytest.raises(DesiredStateError) as caught:
        load_desired(root)
    return [str(p) for p in caught.value.problems]


TWO_INSTANCES = (
    "app_instances:\n"
    f"  chat: {{arn: '{ARN}chat', bearer: 'user:r'}}\n"
    f"  ops: {{arn: '{ARN}ops', bearer: 'user:r'}}\n"
)
CHAT = (
    "channels:\n  ops:\n    app_instance: caht\n    members: [user:a]\n    moderators: [user:a]\n"
)


def test_an_unknown_label_is_one_error_naming_it_and_the_known_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert problems(Path("ds"), TWO_INSTANCES, CHAT) == [
        "ds/chat.yaml:2: channels.ops: app_instance 'caht' is not a label of settings.yaml's "
        "`app_instances` (its labels are 'chat', 'ops'); did you mean 'chat'?"
    ]


def test_without_a_label_among_several_instances_the_error_says_to_set_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    found = problems(Path("ds"), TWO_INSTANCES, "channels:\n  ops:\n    members: [user:a]\n")
    assert len(found) == 1
    assert found[0].startswith("ds/chat.yaml:2: channels.ops: channel has no app instance")
