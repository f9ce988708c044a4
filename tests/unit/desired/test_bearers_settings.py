"""settings.yaml's `app_instances.LABEL.bearers`: several bearers for one app instance,
beside the single `bearer` (which keeps working as before)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.channel_refs import parse_channel_member
from reconciler.desired.loader import DesiredStateError, load_desired

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"


def write(tmp_path: Path, instance: str) -> Path:
    (tmp_path / "settings.yaml").write_text(
        f"app_instances:\n  chat:\n    arn: {INSTANCE}\n{instance}"
    )
    (tmp_path / "chat.yaml").write_text("channels:\n  lobby:\n    members: [user:alice]\n")
    return tmp_path


def problems(tmp_path: Path, instance: str) -> list[str]:
    with pytest.raises(DesiredStateError) as caught:
        load_desired(write(tmp_path, instance))
    return [str(p) for p in caught.value.problems]


def test_one_bearer_is_one_protected_bearer(tmp_path: Path) -> None:
    state = load_desired(write(tmp_path, "    bearer: user:reconciler\n"))
    (setting,) = state.app_instances
    assert setting.bearers == (parse_channel_member("user:reconciler"),)
    assert setting.bearer == setting.bearers[0]
    assert setting.bearer in state.protected


def test_several_bearers_are_kept_in_order_and_all_protected(tmp_path: Path) -> None:
    state = load_desired(write(tmp_path, "    bearers: [user:r1, bot:Helper, user:r0]\n"))
    (setting,) = state.app_instances
    assert [str(b) for b in setting.bearers] == ["user:r1", "bot:Helper", "user:r0"]
    assert setting.bearer == setting.bearers[0]
    assert set(setting.bearers) <= state.protected


def test_a_bot_arn_bearer_is_that_bot_named_by_its_arn(tmp_path: Path) -> None:
    """QA-CI Q-CI-5: AWS's x-amz-chime-bearer takes an AppInstanceBot ARN too."""
    state = load_desired(write(tmp_path, f"    bearers: [{INSTANCE}/bot/b-1, user:r0]\n"))
    (setting,) = state.app_instances
    assert [str(b) for b in setting.bearers] == [f"bot:{INSTANCE}/bot/b-1", "user:r0"]
    assert set(setting.bearers) <= state.protected


@pytest.mark.parametrize(
    ("instance", "expected"),
    [
        (
            "    bearer: user:a\n    bearers: [user:b]\n",
            "settings.yaml:2: app_instances.chat: give `bearer` or `bearers`, not both",
        ),
        (
            "    user_id_from: email\n",
            "settings.yaml:2: app_instances.chat: `bearer` (or `bearers`, a list) is required",
        ),
        (
            "    bearers: [user:a, user:b, user:a]\n",
            # at the list's line (it was the app instance's; QA)
            "settings.yaml:4: app_instances.chat.bearers: user:a is listed twice in `bearers`",
        ),
        (
            f"    bearers: [{INSTANCE}/bot/b-1, bot:Helper, {INSTANCE}/bot/b-1]\n",
            f"settings.yaml:4: app_instances.chat.bearers: {INSTANCE}/bot/b-1 is listed twice "
            "in `bearers`",
        ),
        (
            "    bearers: []\n",
            "settings.yaml:4: app_instances.chat.bearers: an empty list: give at least one "
            "bearer (user:ID, bot:NAME, or an AppInstanceUser or AppInstanceBot ARN of this "
            "app instance)",
        ),
        (
            "    bearer: webhook:Alerts\n",
            "settings.yaml:4: app_instances.chat.bearer: a webhook cannot be a bearer: give "
            "user:ID, bot:NAME, or an AppInstanceUser or AppInstanceBot ARN of this app "
            "instance",
        ),
        (
            "    bearer: user:a\n    user_id_from: upn\n",
            "settings.yaml:5: app_instances.chat.user_id_from: expected email, got the string "
            "'upn'",
        ),
        (
            "    bearers: [user:a, '@admins']\n",
            "settings.yaml:4: app_instances.chat.bearers[1]: the bearer is one user or bot, "
            "not a group",
        ),
    ],
)
def test_bad_bearers_are_located_errors(tmp_path: Path, instance: str, expected: str) -> None:
    found = problems(tmp_path, instance)
    assert len(found) == 1, found
    assert found[0].startswith(f"{tmp_path}/{expected}"), found
    assert "input should be" not in found[0] and "after validation" not in found[0]


def test_a_setting_of_fixed_words_says_what_it_expected_and_what_it_got(tmp_path: Path) -> None:
    (tmp_path / "settings.yaml").write_text("drift: none\n")
    with pytest.raises(DesiredStateError) as caught:
        load_desired(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path}/settings.yaml:1: drift: expected all or changes-only, got the string 'none'"
    ]
