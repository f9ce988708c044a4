"""Seeds and clients for the Chime SDK messaging and identity emulator tests."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from reconciler.emulator import EmulatorServer

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
OTHER_INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/other"


def user(uid: str, instance: str = INSTANCE) -> str:
    return f"{instance}/user/{uid}"


def bot(bid: str, instance: str = INSTANCE) -> str:
    return f"{instance}/bot/{bid}"


def channel(cid: str, instance: str = INSTANCE) -> str:
    return f"{instance}/channel/{cid}"


ADMIN = user("reconciler")
ALICE = user("alice")  # moderator of incident-chat, DEFAULT member
BOB = user("bob")  # DEFAULT member of incident-chat and lobby
CAROL = user("carol")  # HIDDEN member of incident-chat
DAVE = user("dave")  # in no channel
MALLORY = user("mallory")  # banned from incident-chat
PAGER = bot("bot-1")
INCIDENT = channel("ch-1")  # PRIVATE, RESTRICTED
LOBBY = channel("ch-2")  # PUBLIC, UNRESTRICTED
STRANGER = user("stranger", OTHER_INSTANCE)  # a user of another app instance


class ManualClock:
    """A clock for the emulator's quotas that moves only when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def chat_seed(
    extra_users: int = 0, channels: list[dict[str, Any]] | None = None, **instance: Any
) -> dict[str, Any]:
    """App instance chat-1 (admin: reconciler) with alice, bob, carol, dave, mallory, bot
    PagerBot, ``extra_users`` users u00000..., channels incident-chat and lobby (or
    ``channels``); and app instance ``other`` with one user, ``stranger``."""
    users = [{"id": u} for u in ("reconciler", "alice", "bob", "carol", "dave", "mallory")]
    users[1]["name"] = "Alice"
    users += [{"id": f"u{i:05d}"} for i in range(extra_users)]
    default_channels = [
        {
            "name": "incident-chat",
            "id": "ch-1",
            "privacy": "PRIVATE",
            "mode": "RESTRICTED",
            "members": ["alice", "bob"],
            "hidden": ["carol"],
            "moderators": ["alice"],
            "bans": ["mallory"],
        },
        {"name": "lobby", "id": "ch-2", "members": ["bob"]},
    ]
    return {
        "app_instances": [
            {
                "arn": INSTANCE,
                "name": "chat",
                "admins": ["reconciler"],
                "users": users,
                "bots": [{"id": "bot-1", "name": "PagerBot"}],
                "channels": default_channels if channels is None else channels,
                **instance,
            },
            {"arn": OTHER_INSTANCE, "users": [{"id": "stranger"}]},
        ]
    }


@cache
def _session() -> boto3.session.Session:
    """One session per test process: it caches the loaded service models."""
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )


def clients(emulator: EmulatorServer, **config: Any) -> tuple[Any, Any]:
    """Raw boto3 ``chime-sdk-messaging`` and ``chime-sdk-identity`` clients for the
    emulator, one attempt per call (tests see every fault)."""
    session = _session()
    settings = Config(retries={"total_max_attempts": 1}, read_timeout=30, **config)
    return (
        session.client("chime-sdk-messaging", endpoint_url=emulator.url, config=settings),
        session.client("chime-sdk-identity", endpoint_url=emulator.url, config=settings),
    )


def members(messaging: Any, channel_arn: str, bearer: str, kind: str = "DEFAULT") -> list[str]:
    """Every member ARN of one type, following NextToken."""
    found: list[str] = []
    token: str | None = None
    while True:
        page = messaging.list_channel_memberships(
            ChannelArn=channel_arn,
            ChimeBearer=bearer,
            Type=kind,
            **({"NextToken": token} if token else {}),
        )
        found += [m["Member"]["Arn"] for m in page["ChannelMemberships"]]
        token = page.get("NextToken")
        if token is None:
            return found
