"""The channels part of `chime-reconciler audit` (wiring only; the join is in
``reconciler.channel_audit``): for each app instance of settings.yaml, the member's channel
memberships and moderated channels, every page, as the app instance's bearer."""

from __future__ import annotations

from reconciler.channel_audit import ChannelRow, LiveChannelRole, channel_rows
from reconciler.channel_refs import USER_PREFIX, user_id_of
from reconciler.cli.context import AppContext
from reconciler.cli.directory import open_channels
from reconciler.desired.model import DesiredState
from reconciler.errors import AwsError
from reconciler.kinds.channels import MODERATOR
from reconciler.refs import MemberKind, MemberRef

# How the per-user listings answer for a user the app instance does not have.
NOT_A_USER = frozenset({"BadRequestException", "NotFoundException"})


def audit_channels(app: AppContext, ref: MemberRef, desired: DesiredState) -> list[ChannelRow]:
    found = open_channels(app, desired)
    live: list[LiveChannelRole] = []
    for setting in desired.app_instances:
        instance = setting.arn
        bearer = found.bearer(instance)
        if ref.kind is MemberKind.BOT:
            subjects = found.bots(instance).get(ref.key, [])
        else:
            subjects = [f"{instance}/user/{user_id_of(ref)}"]
        for subject in subjects:
            try:
                memberships = found.api.memberships_for_user(subject, bearer)
            except AwsError as exc:
                # an e-mail (a room member, say) that is no AppInstanceUser of this app
                # instance is in none of its channels; user:ID names one, so it stays an error
                if exc.code not in NOT_A_USER or not _is_email(ref):
                    raise
                continue
            for m in memberships:
                summary = m.get("ChannelSummary", {})
                kind = m.get("AppInstanceUserMembershipSummary", {}).get("Type", "DEFAULT")
                live.append(_role(instance, summary, str(kind)))
            for c in found.api.moderated_by_user(subject, bearer):
                live.append(_role(instance, c.get("ChannelSummary", {}), MODERATOR))
    return channel_rows(ref, live, desired)


def _is_email(ref: MemberRef) -> bool:
    return ref.kind is MemberKind.USER and not ref.key.startswith(USER_PREFIX)


def _role(instance: str, summary: dict[str, object], role: str) -> LiveChannelRole:
    return LiveChannelRole(
        instance, str(summary.get("Name", "")), str(summary.get("ChannelArn", "")), role
    )
