"""The NextToken pager and the per-item ``Errors`` parser, written once
(``PacedApi._page_by_page``, ``base.item_errors``: Q-AM-9) and used by the three API
wrappers: each follows NextToken with one call per page, stops at a missing or empty
token, and reads a batch's errors by its own id key."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from reconciler.capabilities import Capabilities
from reconciler.providers import RetryPolicy
from reconciler.providers.base import ItemError
from reconciler.providers.chime_api import ChimeApi
from reconciler.providers.meetings_api import MeetingsApi
from reconciler.providers.messaging_api import MessagingApi
from reconciler.refs import Role

CHANNEL = "arn:aws:chime:us-east-1:111122223333:app-instance/i-1/channel/c-1"
MEETING = "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c"
ONCE = RetryPolicy(attempts=1)


class Stub:
    """A client whose ``operation`` answers ``pages`` in turn, keeping each call's
    parameters; any batch call answers ``batch``."""

    def __init__(self, operation: str, pages: list[dict[str, Any]], batch: dict[str, Any]):
        self.params: list[dict[str, Any]] = []
        self.meta = SimpleNamespace(events=SimpleNamespace(register_first=lambda *a: None))
        self._pages = iter(pages)
        setattr(self, operation, self._page)
        for name in ("batch_create_room_membership", "batch_create_attendee"):
            setattr(self, name, lambda **p: batch)
        self.batch_create_channel_membership = lambda **p: batch

    def _page(self, **params: Any) -> dict[str, Any]:
        self.params.append(params)
        return next(self._pages)


def _tokens(stub: Stub) -> list[object]:
    return [p.get("NextToken") for p in stub.params]


def _errors(id_key: str) -> dict[str, Any]:
    return {"Errors": [{id_key: "who", "ErrorCode": "Conflict"}], "Attendees": []}


WHO = {"who": ItemError("who", "Conflict", "")}  # no ErrorMessage: an empty message


def test_chime_follows_next_token_and_stops_at_an_empty_one() -> None:
    pages = [
        {"Accounts": [{"AccountId": "b"}], "NextToken": "t1"},
        {"Accounts": [{"AccountId": "a"}], "NextToken": ""},
    ]
    stub = Stub("list_accounts", pages, _errors("MemberId"))
    api = ChimeApi(stub, ONCE)
    assert api.list_accounts() == ["a", "b"]
    assert _tokens(stub) == [None, "t1"]
    assert api.batch_create_memberships("acc", "room", [("who", Role.MEMBER)]) == WHO


def test_meetings_follow_next_token_and_stop_at_a_missing_one() -> None:
    pages = [
        {"Attendees": [{"AttendeeId": "1", "ExternalUserId": "bob"}], "NextToken": "t1"},
        {"Attendees": [{"AttendeeId": "2", "ExternalUserId": "al"}]},
    ]
    stub = Stub("list_attendees", pages, _errors("ExternalUserId"))
    api = MeetingsApi(stub, ONCE)
    assert [a.external_user_id for a in api.list_attendees(MEETING)] == ["bob", "al"]
    assert _tokens(stub) == [None, "t1"]
    caps = Capabilities("SendReceive", "SendReceive", "SendReceive")
    assert api.batch_create(MEETING, [("who", caps)]).errors == WHO


def test_messaging_follows_next_token_and_stops_at_an_empty_one() -> None:
    pages = [
        {"ChannelMemberships": [{"n": 1}], "NextToken": "t1"},
        {"ChannelMemberships": [{"n": 2}], "NextToken": "t2"},
        {"ChannelMemberships": [], "NextToken": ""},
    ]
    stub = Stub("list_channel_memberships", pages, _errors("MemberArn"))
    api = MessagingApi(stub, stub, ONCE)
    assert api.memberships(CHANNEL, "bearer", "DEFAULT") == [{"n": 1}, {"n": 2}]
    assert _tokens(stub) == [None, "t1", "t2"]
    assert all(p["MaxResults"] == 50 and p["ChimeBearer"] == "bearer" for p in stub.params)
    assert api.batch_create(CHANNEL, ["who"], "DEFAULT", "bearer") == WHO
