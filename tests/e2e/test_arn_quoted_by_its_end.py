"""An AppInstanceBot ARN, or an ARN that is no AppInstanceUser's, refused as a channel's
member (QA-GV Q-GV-7): a real app instance's ARN is 87 characters, so quoting its first 80
cut it inside the app instance's id and never showed the ``/bot/pager`` or ``/users/bob``
that is wrong, and ``audit``/``explain`` quoted that cut text twice in one line. Now an ARN
is quoted whole up to 256 characters, else by both its ends, and once. Over the emulator
and the real boto3 client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/87654321-4321-4321-4321-210987654321"
BOT_ARN = f"{INSTANCE}/bot/pager"  # 96 characters
USERS_ARN = f"{INSTANCE}/users/bob"  # /users/, not /user/
SETTINGS = f"""account: {ACCOUNT}
app_instances:
  chat:
    arn: {INSTANCE}
    bearer: user:reconciler
"""
BOT_WHY = (
    "an AppInstanceBot ARN: a channel names bots as bot:NAME only (two bots of one name "
    "cannot be told apart: rename one, UpdateAppInstanceBot)"
)
USERS_WHY = "not an AppInstanceUser ARN (name bots as bot:NAME)"


@pytest.fixture
def ready(seed: Callable[..., Any], write_desired: WriteDesired) -> Callable[[str], None]:
    seed(users=("alice",), rooms={"ops": [("alice", "Member")]})

    def write(member: str) -> None:
        chat = f"channels:\n  ops-chat:\n    app_instance: chat\n    members:\n      - {member}\n"
        write_desired({"settings.yaml": SETTINGS, "chat.yaml": chat})

    return write


@pytest.mark.parametrize(("arn", "why"), [(BOT_ARN, BOT_WHY), (USERS_ARN, USERS_WHY)])
def test_validate_quotes_the_arn_whole(
    cli: Cli, ready: Callable[[str], None], arn: str, why: str
) -> None:
    ready(arn)
    run = cli("validate")
    assert run.exit_code == 1
    shown = run.stdout + run.stderr
    assert f"chat.yaml:5: channels.ops-chat.members[0]: {arn!r} is {why}" in shown
    assert "characters)" not in shown


@pytest.mark.parametrize("command", ["audit", "explain"])
@pytest.mark.parametrize(("arn", "why"), [(BOT_ARN, BOT_WHY), (USERS_ARN, USERS_WHY)])
def test_audit_and_explain_quote_the_arn_once_whole(
    cli: Cli,
    ready: Callable[[str], None],
    calls: Callable[[], dict[str, int]],
    command: str,
    arn: str,
    why: str,
) -> None:
    ready("user:alice")
    before = calls()
    run = cli(command, arn)
    assert run.exit_code == 1
    assert run.err_lines == [
        f"Error: MEMBER {arn!r}: {why} (give an e-mail address, bot:NAME or user:ID)"
    ]
    assert calls() == before


@pytest.mark.parametrize("command", ["audit", "explain"])
def test_an_arn_too_long_shows_both_its_ends(
    cli: Cli, ready: Callable[[str], None], command: str
) -> None:
    ready("user:alice")
    arn = f"{INSTANCE}/user/{'b' * 200}/bot/pager"  # 302 characters
    run = cli(command, arn)
    assert run.exit_code == 1
    assert run.err_lines == [
        f"Error: MEMBER {arn[:40]!r}…{arn[-40:]!r}(302 characters): the member reference is "
        "too long: 302 characters, at most 256"
    ]
