"""The channels part of `chime-reconciler audit` (wiring only; the join is in
``reconciler.channel_audit``): for each app instance of settings.yaml, the member's channel
memberships and moderated channels, every page, spread over the app instance's bearers.

Each listing (ListChannelMembershipsForAppInstanceUser or
ListChannelsModeratedByAppInstanceUser, of one AppInstanceUser or AppInstanceBot) is given
to one bearer by the same ``Spread`` that gives plan's channels to bearers, and the
listings are made at once, alternating between bearers (``--parallelism`` at a time): with
two bearers or more, a user's two listings are made by two bearers, each at its own
10 requests/s, both paced together under the user's own quota (``messaging.user-list``,
15/s). Audit makes no call on a channel, so no channel quota is shared.

A user (an e-mail, or user:ID) may be no AppInstanceUser of an app instance: a room member
often is not. So the first page of its memberships is asked for first, on its own; refused,
the user is in no channel there and its moderated channels are not asked for (one refused
call, not two); answered, the rest of both listings go at once as above. A bot is listed by
ListAppInstanceBots, so both of its listings go at once from the start."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from reconciler.channel_audit import ChannelRow, LiveChannelRole, channel_rows
from reconciler.channel_refs import USER_PREFIX, user_id_of
from reconciler.cli.context import AppContext
from reconciler.cli.directory import open_channels
from reconciler.desired.model import DesiredState
from reconciler.errors import AwsError
from reconciler.kinds.channels import MODERATOR
from reconciler.parallel import pmap
from reconciler.providers.channel_directory import ChannelDirectory
from reconciler.refs import MemberKind, MemberRef

# How the per-user listings answer for a user the app instance does not have.
NOT_A_USER = frozenset({"BadRequestException", "NotFoundException"})
MEMBERSHIPS = "ListChannelMembershipsForAppInstanceUser"
MODERATED = "ListChannelsModeratedByAppInstanceUser"


class Listing(NamedTuple):
    """One listing audit makes: ``operation`` of ``subject`` (an AppInstanceUser or
    AppInstanceBot ARN) in ``instance``."""

    instance: str
    subject: str
    operation: str

    @property
    def unit(self) -> str:
        """What ``Spread`` gives to one bearer: this listing (never a channel's ARN)."""
        return f"{self.operation} {self.subject}"


def audit_channels(app: AppContext, ref: MemberRef, desired: DesiredState) -> list[ChannelRow]:
    return channel_rows(ref, live_roles(open_channels(app, desired), ref, desired), desired)


def live_roles(
    found: ChannelDirectory, ref: MemberRef, desired: DesiredState
) -> list[LiveChannelRole]:
    """Every channel ``ref`` is in or moderates, in every app instance of ``desired``."""
    listings: list[Listing] = []
    for setting in desired.app_instances:
        instance = setting.arn
        if ref.kind is MemberKind.BOT:
            subjects = found.bots(instance).get(ref.key, [])
        else:
            subjects = [f"{instance}/user/{user_id_of(ref)}"]
        mine = [Listing(instance, s, op) for s in subjects for op in (MEMBERSHIPS, MODERATED)]
        spread = found.spread(instance)
        spread.assign((listing.unit, 1) for listing in mine)  # sizes unknown: one each
        listings += spread.interleave(mine, lambda listing: listing.unit)
    # a user first answers (or is refused) its memberships' first page, alone
    first = [x for x in listings if x.operation == MEMBERSHIPS and ref.kind is MemberKind.USER]
    firsts = pmap(lambda x: _begin(found, ref, x), first, found.parallelism)
    begun = dict(zip(first, firsts, strict=True))
    no_user = {(x.instance, x.subject) for x, pages in begun.items() if pages is None}
    rest = [x for x in listings if (x.instance, x.subject) not in no_user]
    found_roles = pmap(lambda x: _roles(found, ref, x, begun.get(x)), rest, found.parallelism)
    return [role for roles in found_roles for role in roles]


class _Begun(NamedTuple):
    """A memberships listing whose first page was answered: that page, and the others."""

    first: list[dict[str, Any]]
    others: Iterator[list[dict[str, Any]]]


def _begin(found: ChannelDirectory, ref: MemberRef, listing: Listing) -> _Begun | None:
    """The first page of a memberships listing; None: ``ref`` is no user there."""
    bearer = found.spread(listing.instance).bearer(listing.unit)
    pages = found.api.memberships_for_user(listing.subject, bearer)
    try:
        return _Begun(next(pages, []), pages)
    except AwsError as exc:
        _raise_unless_no_user(exc, ref)
        return None


def _roles(
    found: ChannelDirectory, ref: MemberRef, listing: Listing, begun: _Begun | None
) -> list[LiveChannelRole]:
    """One listing, as the bearer ``Spread`` gave it to (a memberships listing ``begun``
    goes on from its second page)."""
    instance, subject, operation = listing
    bearer = found.spread(instance).bearer(listing.unit)
    try:
        if operation == MODERATED:
            return [
                _role(instance, c.get("ChannelSummary", {}), MODERATOR)
                for c in found.api.moderated_by_user(subject, bearer)
            ]
        if begun is None:
            begun = _begin(found, ref, listing)
            if begun is None:
                return []
        pages = [begun.first, *begun.others]
        return [
            _role(instance, m.get("ChannelSummary", {}), _type(m)) for page in pages for m in page
        ]
    except AwsError as exc:
        _raise_unless_no_user(exc, ref)
        return []


def _raise_unless_no_user(exc: AwsError, ref: MemberRef) -> None:
    """An e-mail (a room member, say) that is no AppInstanceUser of this app instance is in
    none of its channels; user:ID names one, so it stays an error, as every other does."""
    if exc.code not in NOT_A_USER or not _is_email(ref):
        raise exc


def _type(membership: dict[str, Any]) -> str:
    return str(membership.get("AppInstanceUserMembershipSummary", {}).get("Type", "DEFAULT"))


def _is_email(ref: MemberRef) -> bool:
    return ref.kind is MemberKind.USER and not ref.key.startswith(USER_PREFIX)


def _role(instance: str, summary: dict[str, Any], role: str) -> LiveChannelRole:
    return LiveChannelRole(
        instance, str(summary.get("Name", "")), str(summary.get("ChannelArn", "")), role
    )
