"""Parameters in, serialisation out (moto's ``responses.py``): one handler per operation.

A handler takes the backend, the parsed request and the fault decision for the call, and
returns the HTTP status and JSON body the botocore model describes (member names as the
model spells them, timestamps in ISO 8601). Errors are raised as ``ChimeError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from reconciler.emulator.errors import BadRequestError
from reconciler.emulator.faults import Decision
from reconciler.emulator.models import (
    AWS_ACCOUNT_ID,
    Account,
    Bot,
    ChimeBackend,
    Membership,
    Room,
    User,
)


@dataclass(frozen=True)
class Request:
    """An API request as botocore sends it: method, URI labels, querystring, JSON body and
    headers (names in lower case)."""

    method: str
    path: str
    params: Mapping[str, str]
    query: Mapping[str, str]
    body: Mapping[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)


Reply = tuple[int, dict[str, Any] | None]
Handler = Callable[[ChimeBackend, Request, Decision], Reply]


# -- serialisation -------------------------------------------------------------------------


@lru_cache(maxsize=4096)  # most records share a few timestamps (seeding, batches)
def timestamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def account_json(a: Account) -> dict[str, Any]:
    return {
        "AwsAccountId": AWS_ACCOUNT_ID,
        "AccountId": a.id,
        "Name": a.name,
        "AccountType": "EnterpriseLWA",
        "CreatedTimestamp": timestamp(a.created),
        "DefaultLicense": "Pro",
        "SupportedLicenses": ["Basic", "Pro"],
        "AccountStatus": "Active",
        "SigninDelegateGroups": [],
    }


def user_json(u: User) -> dict[str, Any]:
    return {
        "UserId": u.id,
        "AccountId": u.account_id,
        "PrimaryEmail": u.email,
        "DisplayName": u.name,
        "LicenseType": "Pro",
        "UserType": u.user_type,
        "UserRegistrationStatus": "Registered",
        "UserInvitationStatus": "Accepted",
        "RegisteredOn": timestamp(u.created),
        "InvitedOn": timestamp(u.created),
    }


def bot_json(b: Bot) -> dict[str, Any]:
    return {
        "BotId": b.id,
        "UserId": b.user_id,
        "DisplayName": b.name,
        "BotType": "ChatBot",
        "Disabled": False,
        "CreatedTimestamp": timestamp(b.created),
        "UpdatedTimestamp": timestamp(b.created),
        "BotEmail": b.email,
    }


def room_json(r: Room) -> dict[str, Any]:
    return {
        "RoomId": r.id,
        "Name": r.name,
        "AccountId": r.account_id,
        "CreatedBy": r.created_by,
        "CreatedTimestamp": timestamp(r.created),
        "UpdatedTimestamp": timestamp(r.created),
    }


def membership_json(m: Membership) -> dict[str, Any]:
    member: dict[str, Any] = {"MemberId": m.member.id, "MemberType": m.member.kind}
    if m.member.email is not None:
        member["Email"] = m.member.email
    member["FullName"] = m.member.full_name
    member["AccountId"] = m.member.account_id
    return {
        "RoomId": m.room_id,
        "Member": member,
        "Role": m.role,
        "InvitedBy": m.invited_by,
        "UpdatedTimestamp": timestamp(m.updated),
    }


def _listing(key: str, items: list[dict[str, Any]], token: str | None) -> Reply:
    body: dict[str, Any] = {key: items}
    if token is not None:
        body["NextToken"] = token
    return 200, body


# -- parameters ----------------------------------------------------------------------------


def _max_results(req: Request) -> int | None:
    raw = req.query.get("max-results")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadRequestError(f"MaxResults must be an integer, got {raw!r}.") from None


def _string(body: Mapping[str, Any], key: str, required: bool) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise BadRequestError(f"{key} is required.")
        return None
    if not isinstance(value, str):
        raise BadRequestError(f"{key} must be a string.")
    if required and not value.strip():
        raise BadRequestError(f"{key} is required.")
    return value


# -- operations ----------------------------------------------------------------------------


def list_accounts(backend: ChimeBackend, req: Request, _: Decision) -> Reply:
    accounts, token = backend.list_accounts(
        req.query.get("name"),
        req.query.get("user-email"),
        _max_results(req),
        req.query.get("next-token"),
    )
    return _listing("Accounts", [account_json(a) for a in accounts], token)


def get_account(backend: ChimeBackend, req: Request, _: Decision) -> Reply:
    return 200, {"Account": account_json(backend.get_account(req.params["accountId"]))}


def list_users(backend: ChimeBackend, req: Request, _: Decision) -> Reply:
    users, token = backend.list_users(
        req.params["accountId"],
        req.query.get("user-email"),
        req.query.get("user-type"),
        _max_results(req),
        req.query.get("next-token"),
    )
    return _listing("Users", [user_json(u) for u in users], token)


def get_user(backend: ChimeBackend, req: Request, _: Decision) -> Reply:
    user = backend.get_user(req.params["accountId"], req.params["userId"])
    return 200, {"User": user_json(user)}


def list_bots(backend: ChimeBackend, req: Request, _: Decision) -> Reply:
    bots, token = backend.list_bots(
        req.params["accountId"], _max_results(req), req.query.get("next-token")
    )
    return _listing("Bots", [bot_json(b) for b in bots], token)


def list_rooms(backend: ChimeBackend, req: Request, _: Decision) -> Reply:
    rooms, token = backend.list_rooms(
        req.params["accountId"],
        req.query.get("member-id"),
        _max_results(req),
        req.query.get("next-token"),
    )
    return _listing("Rooms", [room_json(r) for r in rooms], token)


def get_room(backend: ChimeBackend, req: Request, _: Decision) -> Reply:
    room = backend.get_room(req.params["accountId"], req.params["roomId"])
    return 200, {"Room": room_json(room)}


def list_room_memberships(backend: ChimeBackend, req: Request, _: Decision) -> Reply:
    memberships, token = backend.list_room_memberships(
        req.params["accountId"],
        req.params["roomId"],
        _max_results(req),
        req.query.get("next-token"),
    )
    return _listing("RoomMemberships", [membership_json(m) for m in memberships], token)


def create_room_membership(backend: ChimeBackend, req: Request, _: Decision) -> Reply:
    membership = backend.create_room_membership(
        req.params["accountId"],
        req.params["roomId"],
        _string(req.body, "MemberId", required=True) or "",
        _string(req.body, "Role", required=False),
    )
    return 201, {"RoomMembership": membership_json(membership)}


def batch_create_room_membership(backend: ChimeBackend, req: Request, fate: Decision) -> Reply:
    raw = req.body.get("MembershipItemList")
    if raw is None:
        raise BadRequestError("MembershipItemList is required.")
    if not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw):
        raise BadRequestError("MembershipItemList must be a list of MembershipItem objects.")
    items: list[tuple[str | None, str | None]] = []
    for item in raw:
        member_id, role = item.get("MemberId"), item.get("Role")
        items.append(
            (
                member_id if isinstance(member_id, str) else None,
                role if isinstance(role, str) or role is None else repr(role),
            )
        )
    errors = backend.batch_create_room_membership(
        req.params["accountId"], req.params["roomId"], items, fate.item_throttled
    )
    body = []
    for e in errors:
        entry: dict[str, Any] = {}
        if e.member_id is not None:
            entry["MemberId"] = e.member_id
        entry["ErrorCode"] = e.code
        entry["ErrorMessage"] = e.message
        body.append(entry)
    return 201, {"Errors": body}


def update_room_membership(backend: ChimeBackend, req: Request, _: Decision) -> Reply:
    membership = backend.update_room_membership(
        req.params["accountId"],
        req.params["roomId"],
        req.params["memberId"],
        _string(req.body, "Role", required=False),
    )
    return 200, {"RoomMembership": membership_json(membership)}


def delete_room_membership(backend: ChimeBackend, req: Request, _: Decision) -> Reply:
    backend.delete_room_membership(
        req.params["accountId"], req.params["roomId"], req.params["memberId"]
    )
    return 204, None
