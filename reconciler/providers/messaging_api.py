"""Small wrappers of the Chime SDK messaging and identity calls the channels providers make.

Every listing asks for 50 a page (the most the APIs allow) and follows ``NextToken``; every
messaging call carries the ``ChimeBearer``; every call names the quotas it counts against
(``reconciler.pacing``: ``messaging.bearer`` for its bearer, ``messaging.channel-batch``,
``-write`` or ``-list`` for its channel, ...) so the run's pacer keeps it under them, and
is retried as every call is (``call_with_retry``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

from reconciler.errors import FORBIDDEN_CODES, UNAUTHORIZED_CODES, AwsError, known_value, not_found
from reconciler.kinds.channels import DEFAULT, HIDDEN
from reconciler.pacing import Pacer, QuotaKey
from reconciler.pacing.quotas import BY_NAME, arn_region
from reconciler.providers.base import ItemError, item_errors
from reconciler.providers.paced_api import PacedApi
from reconciler.providers.retry import RetryPolicy

PAGE = 50  # MaxResults of every messaging and identity list: 1-50
# the quota (``reconciler.pacing.quotas``) a call counts against for its channel, user or
# app instance, besides its bearer's
BATCH = "messaging.channel-batch"
WRITE = "messaging.channel-write"
LIST = "messaging.channel-list"
USER = "messaging.user-list"
CHANNELS = "messaging.list-channels"
IDENTITY = "identity"  # every chime-sdk-identity call
LIST_USERS = "identity.list-users"  # ListAppInstanceUsers besides
MESSAGING = "chime-sdk-messaging"
IDENTITY_SERVICE = "chime-sdk-identity"
# what a call is about, the first one given: its region is the call's
ARN_PARAMETERS = ("ChannelArn", "AppInstanceArn", "AppInstanceUserArn")


class MessagingApi(PacedApi):
    """``chime-sdk-messaging`` and ``chime-sdk-identity`` calls, paced and retried. The
    quotas of a call depend on its bearer and channel, not only on its operation: each
    call names them (``_call_as``)."""

    def __init__(
        self,
        messaging: Any,
        identity: Any,
        retry: RetryPolicy,
        pacer: Pacer | None = None,
        regional: Callable[[str, str], Any] | None = None,
    ) -> None:
        super().__init__(retry, pacer)
        self.messaging = messaging
        self.identity = identity
        # (service, region) -> a client there: each call goes to the region of the ARN it
        # is about (its app instance's), whatever the run's --region (None: the two above)
        self._regional = regional
        self._clients: dict[tuple[str, str], Any] = {}

    def _client(self, service: str, params: dict[str, Any]) -> Any:
        """The client of ``service`` for a call with ``params``: in the region of the ARN
        it names (``AppInstanceArn``, ``ChannelArn`` or ``AppInstanceUserArn``)."""
        default = self.messaging if service == MESSAGING else self.identity
        region = _region(params)
        if self._regional is None or region is None:
            return default
        found = self._clients.get((service, region))
        if found is None:  # made once (the factory keeps one per service and region)
            found = self._clients[(service, region)] = self._regional(service, region)
        return found

    def _call_as(
        self,
        operation: str,
        bearer: str | None,
        quota: tuple[str, str] | None,
        context: str,
        **params: Any,
    ) -> Any:
        """One call as ``bearer`` (None: an identity call), counted against ``quota``
        (quota name, scope) besides the bearer's."""
        if bearer is not None:
            keys = [QuotaKey("messaging.bearer", bearer)]
            params["ChimeBearer"] = bearer
        else:
            keys = [QuotaKey("identity")]
        if quota is not None:
            keys.append(QuotaKey(*quota))
        client = self._client(MESSAGING if bearer is not None else IDENTITY_SERVICE, params)
        method: Callable[..., Any] = getattr(client, _snake(operation))
        try:
            return self._paced(operation, method, context, keys, **params)
        except AwsError as exc:
            hint = bearer_hint(exc.code, bearer)
            if hint is None:
                raise
            raise AwsError(
                exc.operation, exc.code, f"{exc.message} ({hint})", exc.context
            ) from None

    def _pages(self, *listing: Any, **params: Any) -> Iterator[dict[str, Any]]:
        """Every item of every page (``_listing_pages``'s arguments)."""
        for items, _ in self._listing_pages(*listing, **params):
            yield from items

    def _listing_pages(
        self,
        operation: str,
        key: str,
        bearer: str | None,
        quota: tuple[str, str] | None,
        context: str,
        **params: Any,
    ) -> Iterator[tuple[list[dict[str, Any]], bool]]:
        """Each page's items and whether another page follows; stop iterating to stop
        calling."""
        call = partial(self._call_as, operation, bearer, quota, context, MaxResults=PAGE)
        return self._page_by_page(call, key, **params)

    # -- reads -----------------------------------------------------------------------------

    def list_channels(self, instance: str, bearer: str, privacy: str) -> list[dict[str, Any]]:
        """The app instance's channels of one ``Privacy`` (PUBLIC or PRIVATE), every page:
        AWS documents each filter, not what a listing without one returns (QA-AL Q-AL-1)."""
        return list(
            self._pages(
                "ListChannels", "Channels", bearer, (CHANNELS, instance),
                f"app instance {instance}", AppInstanceArn=instance, Privacy=privacy,
            )
        )  # fmt: skip

    def lists_one(self, instance: str, bearer: str, privacy: str) -> None:
        """One ListChannels call of the app instance's channels of one ``Privacy``, one
        channel at most: whether ``bearer`` may list them at all (PRIVATE: an
        AppInstanceAdmin's right). Raises ``AwsError`` as any call does."""
        self._call_as("ListChannels", bearer, (CHANNELS, instance), f"app instance {instance}",
                      AppInstanceArn=instance, Privacy=privacy, MaxResults=1)  # fmt: skip

    def describe_channel(self, channel: str, bearer: str) -> dict[str, Any] | None:
        try:
            found = self._call_as("DescribeChannel", bearer, None, f"channel {channel}",
                               ChannelArn=channel)  # fmt: skip
        except AwsError as exc:
            if not_found(exc):
                return None
            raise
        channel_doc: dict[str, Any] = found.get("Channel", {})
        return channel_doc

    def memberships(self, channel: str, bearer: str, kind: str) -> list[dict[str, Any]]:
        return list(
            self._pages(
                "ListChannelMemberships", "ChannelMemberships", bearer, (LIST, channel),
                f"channel {channel}", ChannelArn=channel, Type=kind,
            )
        )  # fmt: skip

    def moderators(self, channel: str, bearer: str) -> list[dict[str, Any]]:
        return list(
            self._pages(
                "ListChannelModerators", "ChannelModerators", bearer, (LIST, channel),
                f"channel {channel}", ChannelArn=channel,
            )
        )  # fmt: skip

    def bans(self, channel: str, bearer: str) -> list[dict[str, Any]]:
        return list(
            self._pages(
                "ListChannelBans", "ChannelBans", bearer, (LIST, channel),
                f"channel {channel}", ChannelArn=channel,
            )
        )  # fmt: skip

    def bots(self, instance: str) -> list[dict[str, Any]]:
        return list(
            self._pages(
                "ListAppInstanceBots", "AppInstanceBots", None, None, f"app instance {instance}",
                AppInstanceArn=instance,
            )
        )  # fmt: skip

    def user_pages(self, instance: str) -> Iterator[tuple[list[str], bool]]:
        """ListAppInstanceUsers, page by page: each page's user ARNs, and whether more
        follow (stop iterating to stop calling)."""
        for items, more in self._listing_pages(
            "ListAppInstanceUsers", "AppInstanceUsers", None, (LIST_USERS, ""),
            f"app instance {instance}", AppInstanceArn=instance,
        ):  # fmt: skip
            yield [str(u.get("AppInstanceUserArn", "")) for u in items], more

    def identity_seconds(self) -> tuple[float, float]:
        """The seconds one ListAppInstanceUsers page and one DescribeAppInstanceUser take at
        best under the run's quotas (pages one after another, each counted against both
        ``identity.list-users`` and ``identity``; lookups in parallel within ``identity``).
        A quota the run does not pace (``off``) counts at AWS's documented default."""
        configured = self.pacer.rates if self.pacer is not None else {}

        def rate(name: str) -> float:
            found = configured.get(name) or BY_NAME[name].rate
            assert found is not None  # both identity quotas are documented
            return found

        return 1 / min(rate(LIST_USERS), rate(IDENTITY)), 1 / rate(IDENTITY)

    def user_exists(self, user: str) -> bool:
        """DescribeAppInstanceUser: is ``user`` (an ARN) an AppInstanceUser?"""
        try:
            self._call_as("DescribeAppInstanceUser", None, None, f"user {user}",
                       AppInstanceUserArn=user)  # fmt: skip
        except AwsError as exc:
            if not_found(exc):
                return False
            raise
        return True

    def membership_type(self, channel: str, member: str, bearer: str) -> str | None:
        try:
            found = self._call_as(
                "DescribeChannelMembership", bearer, None, f"channel {channel}",
                ChannelArn=channel, MemberArn=member,
            )  # fmt: skip
        except AwsError as exc:
            if not_found(exc):
                return None
            raise
        value = found.get("ChannelMembership", {}).get("Type")
        if value is None:
            return None
        what = f"the type of member {member}'s membership"
        return known_value(value, TYPES, "DescribeChannelMembership", f"channel {channel}", what)

    def memberships_for_user(self, user: str, bearer: str) -> Iterator[list[dict[str, Any]]]:
        """ListChannelMembershipsForAppInstanceUser, page by page (stop iterating to stop
        calling)."""
        for items, _ in self._listing_pages(
            "ListChannelMembershipsForAppInstanceUser", "ChannelMemberships", bearer,
            (USER, user), f"user {user}", AppInstanceUserArn=user,
        ):  # fmt: skip
            yield items

    def moderated_by_user(self, user: str, bearer: str) -> list[dict[str, Any]]:
        """ListChannelsModeratedByAppInstanceUser, every page."""
        return list(
            self._pages(
                "ListChannelsModeratedByAppInstanceUser", "Channels", bearer,
                (USER, user), f"user {user}", AppInstanceUserArn=user,
            )
        )  # fmt: skip

    # -- writes ----------------------------------------------------------------------------

    def batch_create(
        self, channel: str, members: Sequence[str], kind: str, bearer: str
    ) -> dict[str, ItemError]:
        reply = self._call_as(
            "BatchCreateChannelMembership", bearer, (BATCH, channel),
            f"channel {channel}", ChannelArn=channel, MemberArns=list(members), Type=kind,
        )  # fmt: skip
        return item_errors(reply, "MemberArn")

    def delete_membership(self, channel: str, member: str, bearer: str) -> None:
        self._call_as(
            "DeleteChannelMembership", bearer, (WRITE, channel),
            f"channel {channel}", ChannelArn=channel, MemberArn=member,
        )  # fmt: skip

    def create_moderator(self, channel: str, member: str, bearer: str) -> None:
        self._call_as(
            "CreateChannelModerator", bearer, (WRITE, channel),
            f"channel {channel}", ChannelArn=channel, ChannelModeratorArn=member,
        )  # fmt: skip

    def delete_moderator(self, channel: str, member: str, bearer: str) -> None:
        self._call_as(
            "DeleteChannelModerator", bearer, (WRITE, channel),
            f"channel {channel}", ChannelArn=channel, ChannelModeratorArn=member,
        )  # fmt: skip


def _region(params: dict[str, Any]) -> str | None:
    """The region of the first ARN a call names (``arn:aws:chime:REGION:...``)."""
    for name in ARN_PARAMETERS:
        arn = params.get(name)
        if isinstance(arn, str) and arn.startswith("arn:"):
            return arn_region(arn)
    return None


TYPES = (DEFAULT, HIDDEN)  # a channel membership's Type


def bearer_hint(code: str, bearer: str | None) -> str | None:
    """What to do about a messaging call refused for its bearer, naming the bearer: a 401
    (AWS: "An invalid app instance user ARN was supplied for the x-amz-chime-bearer HTTP
    header.") is a bearer that is no user or bot of the app instance, most likely a typo in
    settings.yaml; a 403 a bearer without the rights, which an AppInstanceAdmin has. None
    for other errors and identity calls (no bearer)."""
    if bearer is None:
        return None
    if code in UNAUTHORIZED_CODES:
        instance = bearer.rsplit("/", 2)[0]
        return (
            f"called as the bearer {bearer}, which is not an AppInstanceUser or AppInstanceBot "
            f"of app instance {instance}: check the id given in settings.yaml `bearer:` or "
            "`bearers:`"
        )
    if code in FORBIDDEN_CODES:
        return (
            f"called as the bearer {bearer}: every bearer of an app instance must be an "
            "AppInstanceAdmin, CreateAppInstanceAdmin"
        )
    return None


def _snake(operation: str) -> str:
    """``ListChannelMemberships`` -> ``list_channel_memberships`` (boto3's method names)."""
    out = []
    for i, c in enumerate(operation):
        if c.isupper() and i:
            out.append("_")
        out.append(c.lower())
    return "".join(out)
