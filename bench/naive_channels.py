"""The naive script for channels: what one might write with boto3 in an afternoon.

Sequential; reads the desired-state YAML with ``yaml.safe_load``; finds each channel by
name with ListChannels, lists its DEFAULT and HIDDEN members and its moderators, then
removes the undeclared (``prune: true``; first, so that a channel at its maximum of
members has room for the adds), adds members one at a time (CreateChannelMembership),
changes a member's type by deleting and creating it again, and grants the missing
moderators (CreateChannelModerator). A 429 is retried after a second. No pacing, no
batching, no threads. Users are ``user:ID`` (the AppInstanceUser ARN built from the id).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bench.naive import _call, _pages, client


def apply(endpoint_url: str, desired: Path) -> None:
    """Make the channels declared under ``desired`` match, the naive way."""
    chime = client("chime-sdk-messaging", endpoint_url)
    settings = yaml.safe_load((desired / "settings.yaml").read_text())
    instances = settings["app_instances"]
    channels: dict[str, Any] = {}
    for path in sorted(desired.glob("channels-*.yaml")):
        channels.update(yaml.safe_load(path.read_text())["channels"])
    arns: dict[tuple[str, str], str] = {}
    for label, inst in instances.items():
        bearer = _bearer(inst)
        for c in _pages(
            chime.list_channels, "Channels", AppInstanceArn=inst["arn"], ChimeBearer=bearer
        ):
            arns[(label, c["Name"])] = c["ChannelArn"]
    for name, spec in channels.items():
        inst = instances[spec["app_instance"]]
        bearer = _bearer(inst)
        arn = arns[(spec["app_instance"], name)]

        def user(ref: str) -> str:
            return f"{inst['arn']}/user/{ref.removeprefix('user:')}"  # noqa: B023

        common = {"ChannelArn": arn, "ChimeBearer": bearer}
        live: dict[str, str] = {}
        for kind in ("DEFAULT", "HIDDEN"):
            for m in _pages(
                chime.list_channel_memberships, "ChannelMemberships", Type=kind, **common
            ):
                live[m["Member"]["Arn"]] = kind
        mods = {
            m["Moderator"]["Arn"]
            for m in _pages(chime.list_channel_moderators, "ChannelModerators", **common)
        }
        want = {user(m): "DEFAULT" for m in spec.get("members", [])}
        want.update({user(m): "HIDDEN" for m in spec.get("hidden", [])})
        if spec.get("prune"):  # first: a channel at its maximum has no room for the adds
            for member in live:
                if member not in want and member != bearer:
                    _call(chime.delete_channel_membership, MemberArn=member, **common)
        for member, kind in want.items():
            if live.get(member) == kind:
                continue
            if member in live:
                _call(chime.delete_channel_membership, MemberArn=member, **common)
            _call(chime.create_channel_membership, MemberArn=member, Type=kind, **common)
        for m in spec.get("moderators", []):
            if user(m) not in mods:
                _call(chime.create_channel_moderator, ChannelModeratorArn=user(m), **common)


def _bearer(instance: dict[str, Any]) -> str:
    """The AppInstanceUser the script calls as: the one bearer (or the first of several)."""
    ref = instance.get("bearer") or instance["bearers"][0]
    return f"{instance['arn']}/user/{str(ref).removeprefix('user:')}"
