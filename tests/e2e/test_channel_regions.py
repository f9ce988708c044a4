"""An app instance's calls go to its ARN's region, whatever the run's --region (QA3 Q7):
two app instances in two regions are managed in one run. The emulator refuses, as AWS's
regional endpoint would, a call signed for another region than its ARN's
(``reconciler/emulator/messaging/regions.py``), so a call sent to the wrong region fails
here too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

US = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
EU = "arn:aws:chime:eu-central-1:111122223333:app-instance/eu"


def instance(arn: str, name: str) -> dict[str, Any]:
    return {
        "arn": arn,
        "name": name,
        "admins": ["reconciler"],
        "users": [{"id": "reconciler"}, {"id": "alice"}, {"id": "bob"}],
        "channels": [{"name": name, "id": name, "members": ["alice"]}],
    }


SETTINGS = f"""
    app_instances:
      chat:
        arn: {US}
        bearer: user:reconciler
      eu:
        arn: {EU}
        bearer: user:reconciler
    """
CHANNELS = """
    channels:
      chat:
        app_instance: chat
        members: [user:alice, user:bob]
      eu:
        app_instance: eu
        prune: true
        members: [user:bob]
        moderators: [user:bob]
    """


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-1", "ap-south-1"])
def test_two_app_instances_in_two_regions_are_applied_whatever_the_run_region(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any, region: str
) -> None:
    emulator.reset({"app_instances": [instance(US, "chat"), instance(EU, "eu")]})
    write_desired({"settings.yaml": SETTINGS, "chat.yaml": CHANNELS})
    run = cli(*UNPACED, "--region", region, "apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[-1] == "Apply complete! Memberships: 3 added, 0 changed, 1 removed."
    assert sorted(emulator.messaging.channel_members(f"{US}/channel/chat")) == [
        f"{US}/user/alice",
        f"{US}/user/bob",
    ]
    assert sorted(emulator.messaging.channel_members(f"{EU}/channel/eu")) == [f"{EU}/user/bob"]
    again = cli(*UNPACED, "--region", region, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout + again.stderr


def test_the_emulator_refuses_a_call_signed_for_another_region_than_its_arn(
    emulator: EmulatorServer,
) -> None:
    """As AWS's eu-central-1 endpoint knows no us-east-1 app instance."""
    emulator.reset({"app_instances": [instance(US, "chat")]})

    def channels(region: str) -> Any:
        client = boto3.client(
            "chime-sdk-messaging",
            endpoint_url=emulator.url,
            region_name=region,
            aws_access_key_id="x",
            aws_secret_access_key="y",
        )
        return client.list_channels(AppInstanceArn=US, ChimeBearer=f"{US}/user/reconciler")

    assert [c["Name"] for c in channels("us-east-1")["Channels"]] == ["chat"]
    with pytest.raises(Exception, match=r"NotFoundException.*the eu-central-1 endpoint"):
        channels("eu-central-1")
