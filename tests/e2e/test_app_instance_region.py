"""QA-AL Q-AL-2: an app instance ARN of a region without Chime SDK messaging (botocore's
endpoint data: no endpoint there) is refused by ``validate`` and ``plan`` at its line in
settings.yaml, in the words the emulator's seed refuses it with, rather than a plan that
fails on an endpoint no one can reach, naming no file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest

from reconciler.emulator import EmulatorServer, SeedError, parse_seed

WEST = "arn:aws:chime:us-west-2:111122223333:app-instance/chat"
EXPECTED = (
    "desired-state/settings.yaml:3: app_instances.chat.arn: Chime SDK messaging exists only "
    "in us-east-1 and eu-central-1, not us-west-2"
)


def test_botocore_knows_no_messaging_endpoint_in_us_west_2() -> None:
    session = boto3.session.Session()
    for service in ("chime-sdk-messaging", "chime-sdk-identity"):
        assert "us-west-2" not in session.get_available_regions(service)


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_an_app_instance_where_chime_sdk_messaging_is_not_is_refused_at_its_line(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any, command: str
) -> None:
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat:
                    arn: {WEST}
                    bearer: user:reconciler
                """,
            "chat.yaml": "channels:\n  ops:\n    members: [user:alice]\n",
        }
    )
    run = cli(command)
    assert run.exit_code == 1, run.stdout + run.stderr
    assert EXPECTED in run.stdout + run.stderr
    assert emulator.calls() == {}  # nothing asked of Chime


def test_the_emulator_seed_refuses_it_in_the_same_words() -> None:
    with pytest.raises(SeedError) as info:
        parse_seed({"app_instances": [{"arn": WEST}]})
    assert str(info.value).endswith(EXPECTED.split("app_instances.chat.arn")[1])
