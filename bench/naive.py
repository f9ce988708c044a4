"""The naive script: what one might write with boto3 in an afternoon, to compare with.

Sequential; reads the desired-state YAML with ``yaml.safe_load``; finds each room by name
with ListRooms, lists its members, looks each unknown e-mail up with ListUsers
(``UserEmail``), then adds members one at a time (CreateRoomMembership), updates roles
and removes the undeclared (rooms with ``prune: true``). A 429 is retried after a second
(boto3's own retry modes do not retry Chime's ThrottledClientException). No pacing, no
batching, no threads.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import boto3
import yaml
from botocore.config import Config
from botocore.exceptions import ClientError


def _call(fn: Any, **params: Any) -> Any:
    while True:
        try:
            return fn(**params)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ThrottledClientException":
                raise
            time.sleep(1.0)


def _pages(fn: Any, key: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = None
    while True:
        resp = _call(fn, **params, **({"NextToken": token} if token else {}))
        items += resp.get(key, [])
        token = resp.get("NextToken")
        if not token:
            return items


def client(service: str, endpoint_url: str) -> Any:
    """A plain boto3 client, one attempt per call (the script retries 429s itself)."""
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="naive",
        aws_secret_access_key="naive",
        config=Config(retries={"total_max_attempts": 1}),
    )


def apply(endpoint_url: str, desired: Path) -> None:
    """Make the rooms declared under ``desired`` match, the naive way."""
    chime = client("chime", endpoint_url)
    settings = yaml.safe_load((desired / "settings.yaml").read_text())
    account = settings["account"]
    rooms: dict[str, Any] = {}
    for path in sorted(desired.glob("rooms-*.yaml")):
        rooms.update(yaml.safe_load(path.read_text())["rooms"])
    ids = {
        r["Name"]: r["RoomId"]
        for r in _pages(chime.list_rooms, "Rooms", AccountId=account, MaxResults=99)
    }
    user_ids: dict[str, str] = {}
    for name, spec in rooms.items():
        room_id = ids[name]
        live = {
            m["Member"].get("Email", "").lower(): (m["Member"]["MemberId"], m["Role"])
            for m in _pages(
                chime.list_room_memberships,
                "RoomMemberships",
                AccountId=account,
                RoomId=room_id,
                MaxResults=99,
            )
        }
        want = {e.lower(): "Administrator" for e in spec.get("administrators", [])}
        for e in spec.get("members", []):
            want.setdefault(e.lower(), "Member")
        for email, role in want.items():
            if email in live:
                member_id, live_role = live[email]
                if live_role != role:
                    _call(
                        chime.update_room_membership,
                        AccountId=account,
                        RoomId=room_id,
                        MemberId=member_id,
                        Role=role,
                    )
                continue
            if email not in user_ids:
                found = _call(chime.list_users, AccountId=account, UserEmail=email)["Users"]
                user_ids[email] = found[0]["UserId"]
            _call(
                chime.create_room_membership,
                AccountId=account,
                RoomId=room_id,
                MemberId=user_ids[email],
                Role=role,
            )
        if spec.get("prune"):
            for email, (member_id, _) in live.items():
                if email not in want:
                    _call(
                        chime.delete_room_membership,
                        AccountId=account,
                        RoomId=room_id,
                        MemberId=member_id,
                    )
