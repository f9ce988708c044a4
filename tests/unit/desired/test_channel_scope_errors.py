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


# A malformed ARN is reported with the form it must have (it was "must not be blank", the
# message of the other pattern the models check); a blank value still says it.
INSTANCE = f"{ARN}chat"
SETTINGS = f"app_instances:\n  chat: {{arn: '{INSTANCE}', bearer: 'user:r'}}\n"


@pytest.mark.parametrize("arn", ["arn:bogus", "nonsense", f"{INSTANCE}/channel/"])
def test_a_malformed_channel_arn_names_the_form_it_must_have(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arn: str
) -> None:
    monkeypatch.chdir(tmp_path)
    chat = f"channels:\n  ops:\n    arn: '{arn}'\n    members: [user:a]\n"
    assert problems(Path("ds"), SETTINGS, chat) == [
        "ds/chat.yaml:3: channels.ops.arn: expected "
        f"arn:aws:chime:REGION:ACCOUNT:app-instance/ID/channel/ID, got '{arn}'"
    ]


def test_a_malformed_app_instance_arn_names_the_form_it_must_have(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    bad = "arn:aws:chime:us-east-1:1:app-instance/x"  # a 1-digit account
    settings = f"app_instances:\n  chat: {{arn: '{bad}', bearer: 'user:r'}}\n"
    found = problems(Path("ds"), settings, "channels:\n  ops:\n    members: [user:a]\n")
    assert found[0] == (
        "ds/settings.yaml:2: app_instances.chat.arn: expected "
        "arn:aws:chime:REGION:ACCOUNT:app-instance/ID, "
        "got 'arn:aws:chime:us-east-1:1:app-instance/x'"
    )


def test_a_blank_value_still_must_not_be_blank(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    chat = "channels:\n  ops:\n    app_instance: '  '\n    members: [user:a]\n"
    assert "ds/chat.yaml:3: channels.ops.app_instance: must not be blank" in problems(
        Path("ds"), SETTINGS, chat
    )


def test_a_channel_given_by_arn_takes_the_app_instance_its_arn_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA-FP Q-FP-12: with several app instances, a channel given by `arn:` needed
    `app_instance:` too (`channel has no app instance`), though its ARN names one."""
    monkeypatch.chdir(tmp_path)
    root = Path("ds")
    root.mkdir()
    (root / "settings.yaml").write_text(TWO_INSTANCES)
    (root / "chat.yaml").write_text(
        f"channels:\n  y:\n    arn: '{ARN}ops/channel/lobby'\n    members: [user:a]\n"
        "    moderators: [user:a]\n"
    )
    desired = load_desired(root)
    assert {(t.key.kind, t.key.scope, t.target_id) for t in desired.targets} == {
        (kind, f"{ARN}ops", f"{ARN}ops/channel/lobby") for kind in ("channel", "channel-moderator")
    }


def test_a_channel_whose_arn_names_no_app_instance_of_settings_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    chat = f"channels:\n  y:\n    arn: '{ARN}eu/channel/lobby'\n    members: [user:a]\n"
    assert problems(Path("ds"), TWO_INSTANCES, chat) == [
        "ds/chat.yaml:2: channels.y: channel has no app instance: its arn: names app "
        f"instance {ARN}eu, which settings.yaml's `app_instances` does not define: define "
        "it there"
    ]


def _settings_problems(root: Path, settings: str) -> list[str]:
    root.mkdir()
    (root / "settings.yaml").write_text(settings)
    with pytest.raises(DesiredStateError) as caught:
        load_desired(root)
    return [str(p) for p in caught.value.problems]


def test_a_label_with_white_space_at_either_end_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA-GF Q-GF-5: label " sp " passed validate, but a channel's `app_instance:` is read
    stripped, so no file could name it: import wrote channel files that did not load."""
    monkeypatch.chdir(tmp_path)
    settings = f"app_instances:\n  ' sp ': {{arn: '{ARN}ai8', bearer: 'user:r'}}\n"
    assert _settings_problems(Path("ds"), settings) == [
        'ds/settings.yaml:2: app_instances." sp ": an app instance\'s label may not start or '
        "end with white space (a channel's `app_instance:` is read without it): ' sp '; "
        "write 'sp'"
    ]


def test_two_labels_of_one_app_instance_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA-GF Q-GF-5: labels chat and chat2 of one ARN passed validate; import read the app
    instance twice and wrote two files declaring each channel twice."""
    monkeypatch.chdir(tmp_path)
    settings = (
        "app_instances:\n"
        f"  chat: {{arn: '{ARN}chat', bearer: 'user:r'}}\n"
        f"  other: {{arn: '{ARN}x', bearer: 'user:r'}}\n"
        f"  chat2: {{arn: '{ARN}chat', bearer: 'user:r'}}\n"
    )
    # QA-GL Q-GL-7: at the second label's line, naming the first's (was: line 1)
    assert _settings_problems(Path("ds"), settings) == [
        "ds/settings.yaml:4: app_instances.chat2: names the app instance of label 'chat' "
        f"(ds/settings.yaml:2), {ARN}chat: give it one label"
    ]


def test_a_long_label_is_quoted_cut_short(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """QA-GL Q-GL-6: a 251-character label with a trailing space was quoted whole, twice
    (a 914-character line); each quote is now its first 80 characters and its length."""
    monkeypatch.chdir(tmp_path)
    label = "x" * 250 + " "
    settings = f"app_instances:\n  '{label}': {{arn: '{ARN}ai8', bearer: 'user:r'}}\n"
    (problem,) = _settings_problems(Path("ds"), settings)
    assert problem.endswith(
        f": {label[:80]!r}…(251 characters); write {label[:80]!r}…(250 characters)"
    ), problem
    assert len(problem) < 650  # the key path names it whole still (format_path's)
