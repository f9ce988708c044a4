"""The emulator's records: frozen values the backend stores and the responses serialise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class EmailFilter(StrEnum):
    """How ListUsers' and ListAccounts' ``UserEmail`` filter compares an address, AWS's
    text saying neither (an account's ``email_filter:`` in a seed): ignoring case (the
    emulator's default) or letter for letter."""

    ANY_CASE = "ANY_CASE"
    EXACT = "EXACT"


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str
    created: datetime


@dataclass(frozen=True, slots=True)
class User:
    id: str
    account_id: str
    email: str
    name: str
    created: datetime
    user_type: str = "PrivateUser"


@dataclass(frozen=True, slots=True)
class Bot:
    id: str
    account_id: str
    user_id: str
    name: str
    email: str
    created: datetime


@dataclass(frozen=True, slots=True)
class Room:
    id: str
    account_id: str
    name: str
    created_by: str
    created: datetime


@dataclass(frozen=True, slots=True)
class Member:
    """A room member as ``Member`` in the API: kind is User, Bot or Webhook."""

    id: str
    kind: str
    email: str | None
    full_name: str
    account_id: str


@dataclass(frozen=True, slots=True)
class Membership:
    room_id: str
    member: Member
    role: str
    invited_by: str
    updated: datetime


@dataclass(frozen=True, slots=True)
class MemberError:
    """One entry of BatchCreateRoomMembership's ``Errors``."""

    member_id: str | None
    code: str
    message: str
