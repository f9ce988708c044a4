"""ARNs of the Chime SDK identity and messaging resources, in AWS's formats:

arn:aws:chime:REGION:AWS_ACCOUNT:app-instance/ID
arn:aws:chime:REGION:AWS_ACCOUNT:app-instance/ID/user/USER_ID
arn:aws:chime:REGION:AWS_ACCOUNT:app-instance/ID/bot/BOT_ID
arn:aws:chime:REGION:AWS_ACCOUNT:app-instance/ID/channel/CHANNEL_ID
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_REGION = "us-east-1"
# botocore's ChimeArn pattern, anchored.
CHIME_ARN_RE = re.compile(
    r"^arn:[a-z0-9-\.]{1,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[^/].{0,1023}$"
)
# AppInstanceUserId and ChannelId (botocore's patterns, anchored).
ID_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9:\-_.@]{0,62}[A-Za-z0-9])?$")
_INSTANCE_RE = re.compile(
    r"^arn:aws:chime:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):app-instance/(?P<id>[^/]+)$"
)


@dataclass(frozen=True)
class InstanceArn:
    """An app instance ARN, split."""

    arn: str
    region: str
    account: str
    id: str

    def child(self, kind: str, ident: str) -> str:
        """The ARN of a user, bot or channel of this app instance."""
        return f"{self.arn}/{kind}/{ident}"


def parse_instance_arn(arn: str) -> InstanceArn | None:
    found = _INSTANCE_RE.match(arn)
    if found is None:
        return None
    return InstanceArn(arn, found["region"], found["account"], found["id"])


def instance_arn(region: str, account: str, ident: str) -> str:
    return f"arn:aws:chime:{region}:{account}:app-instance/{ident}"


def parent_instance(arn: str) -> str | None:
    """The app instance ARN a user, bot or channel ARN belongs to (None if not one)."""
    head, sep, _ = arn.rpartition("/")
    head, sep2, kind = head.rpartition("/")
    if not sep or not sep2 or kind not in ("user", "bot", "channel"):
        return None
    return head if parse_instance_arn(head) is not None else None


def region_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else DEFAULT_REGION


def account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""
