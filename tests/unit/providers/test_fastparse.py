"""The compiled rest-json walk gives what botocore's own parser gives, for every operation
of every service the tool calls, on responses holding every member the model has (and
members it does not, nulls, empty lists, null list items)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import botocore.session
import pytest
from botocore.model import OperationModel, Shape
from botocore.parsers import RestJSONParser

from reconciler.awsclient.fastparse import FastRestJSONParser, timestamp_text

SERVICES = ("chime", "chime-sdk-messaging", "chime-sdk-identity", "chime-sdk-meetings")


def keep(value: str) -> str:
    return value


def sample(shape: Shape, depth: int = 0, extra: bool = True) -> Any:
    """A JSON value for ``shape`` with every member, list items including a null; with
    ``extra``, every object also has a member the model does not know."""
    kind = shape.type_name
    if kind == "structure":
        if depth > 6:
            return {}
        value = {
            member.serialization.get("name", name): sample(member, depth + 1, extra)
            for name, member in shape.members.items()
        }
        if shape.is_tagged_union and value:  # one member only
            first = next(iter(value))
            value = {first: value[first]}
        return {**value, "NotInTheModel": "x"} if extra else value
    if kind == "list":
        return [
            sample(shape.member, depth + 1, extra),
            None,
            sample(shape.member, depth + 1, extra),
        ]
    if kind == "map":
        return {"k": sample(shape.value, depth + 1, extra)}
    if kind in ("integer", "long"):
        return 7
    if kind in ("float", "double"):
        return 1.5
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return dt.datetime(2026, 1, 2, 3, 4, 5).isoformat() + "Z"
    if kind == "blob":
        return base64.b64encode(b"blob").decode()
    return f"{shape.name}-text"


def null_in_items(value: Any, in_list: bool = False) -> Any:
    """``value`` with the last member of every object in a list set to null (Q-AN-12:
    botocore leaves such a member out; nothing else puts a null inside a list item)."""
    if isinstance(value, list):
        return [null_in_items(v, in_list=True) for v in value]
    if isinstance(value, dict):
        nulled = {k: null_in_items(v) for k, v in value.items()}
        if in_list and nulled:
            nulled[next(reversed(nulled))] = None
        return nulled
    return value


def operations() -> list[tuple[str, OperationModel]]:
    session = botocore.session.get_session()
    found = []
    for service in SERVICES:
        model = session.get_service_model(service)
        for name in model.operation_names:
            operation = model.operation_model(name)
            if operation.output_shape is not None:
                found.append((service, operation))
    return found


def response(body: Any, status: int = 200) -> dict[str, Any]:
    return {
        "status_code": status,
        "headers": {"x-amzn-requestid": "r-1", "content-type": "application/json"},
        "body": json.dumps(body).encode(),
    }


@pytest.mark.parametrize(
    ("service", "operation"), operations(), ids=lambda v: getattr(v, "name", v)
)
def test_every_operation_parses_as_botocore_parses_it(
    service: str, operation: OperationModel
) -> None:
    shape = operation.output_shape
    # objects as AWS sends them (kept as they are), with unknown members, with nulls (at
    # the top, as list items, as members of list items)
    plain = sample(shape, extra=False)
    bodies = (plain, sample(shape), {}, {k: None for k in plain}, null_in_items(plain))
    # any timestamp parser, and the tool's own (timestamps kept as text: compiled away)
    for timestamps in (keep, timestamp_text):
        for body in bodies:
            expected = RestJSONParser(timestamp_parser=timestamps).parse(response(body), shape)
            got = FastRestJSONParser(timestamp_parser=timestamps).parse(response(body), shape)
            assert got == expected


def test_timestamps_in_a_kept_object_are_converted() -> None:
    model = botocore.session.get_session().get_service_model("chime")
    shape = model.operation_model("ListRoomMemberships").output_shape
    item = {"RoomId": "r", "Member": {"MemberId": "m"}, "UpdatedTimestamp": "2026-01-01T00:00:00Z"}
    body = {"RoomMemberships": [item]}
    for parser in (RestJSONParser(), FastRestJSONParser()):
        got = parser.parse(response(body), shape)["RoomMemberships"][0]
        assert got["UpdatedTimestamp"] == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        assert got["Member"] == {"MemberId": "m"}


@pytest.mark.parametrize(
    "raw",
    [
        b'{"NextToken": NaN}',  # json reads NaN, orjson does not
        b'{"NextToken": "t", "Big": 123456789012345678901234567890}',
        b'{"NextToken": "\\ud800"}',  # a lone surrogate
        b"not json at all",
        b"",
    ],
    ids=["nan", "big-integer", "lone-surrogate", "not-json", "empty"],
)
def test_bodies_orjson_refuses_parse_as_botocore_parses_them(raw: bytes) -> None:
    model = botocore.session.get_session().get_service_model("chime")
    shape = model.operation_model("ListRoomMemberships").output_shape
    for status in (200, 404):
        page = {"status_code": status, "headers": {"x-amzn-requestid": "r-1"}, "body": raw}
        expected = RestJSONParser().parse(dict(page), shape)
        assert FastRestJSONParser().parse(dict(page), shape) == expected


def test_a_body_that_is_not_utf8_fails_as_it_does_in_botocore() -> None:
    model = botocore.session.get_session().get_service_model("chime")
    shape = model.operation_model("ListRoomMemberships").output_shape
    page = {"status_code": 200, "headers": {}, "body": b'{"NextToken": "\xff"}'}
    for parser in (RestJSONParser(), FastRestJSONParser()):
        with pytest.raises(UnicodeDecodeError):
            parser.parse(dict(page), shape)


def test_a_listing_page_is_parsed_member_for_member() -> None:
    model = botocore.session.get_session().get_service_model("chime")
    shape = model.operation_model("ListRoomMemberships").output_shape
    item = {
        "RoomId": "r",
        "Member": {"MemberId": "m", "MemberType": "User", "Email": "a@x.io", "Extra": 1},
        "Role": "Administrator",
        "UpdatedTimestamp": "2026-01-01T00:00:00Z",
    }
    body = {"RoomMemberships": [item, None], "NextToken": None}
    got = FastRestJSONParser(timestamp_parser=keep).parse(response(body), shape)
    assert got["RoomMemberships"] == [
        {
            "RoomId": "r",
            "Member": {"MemberId": "m", "MemberType": "User", "Email": "a@x.io"},
            "Role": "Administrator",
            "UpdatedTimestamp": "2026-01-01T00:00:00Z",
        },
        None,
    ]
    assert "NextToken" not in got


def test_a_null_member_of_a_listed_item_is_left_out_as_botocore_leaves_it_out() -> None:
    # Q-AN-12: `"Role": null` in a membership: no "Role" key (code reading
    # `item.get("Role", default)` gets the default, as with real botocore)
    model = botocore.session.get_session().get_service_model("chime")
    shape = model.operation_model("ListRoomMemberships").output_shape
    item = {"RoomId": "r", "Role": None, "UpdatedTimestamp": "2026-01-01T00:00:00Z"}
    got = FastRestJSONParser(timestamp_parser=keep).parse(
        response({"RoomMemberships": [item]}), shape
    )
    assert got["RoomMemberships"] == [{"RoomId": "r", "UpdatedTimestamp": "2026-01-01T00:00:00Z"}]


def test_errors_are_parsed_by_botocore() -> None:
    model = botocore.session.get_session().get_service_model("chime")
    shape = model.operation_model("ListRoomMemberships").output_shape
    body = {"Code": "NotFound", "Message": "no such room"}
    expected = RestJSONParser().parse(response(body, 404), shape)
    assert FastRestJSONParser().parse(response(body, 404), shape) == expected
    assert expected["Error"]["Message"] == "no such room"


def test_one_parser_per_protocol_made_once() -> None:
    from reconciler.awsclient.fastparse import FastParserFactory

    factory = FastParserFactory()
    factory.set_parser_defaults(timestamp_parser=timestamp_text)
    first = factory.create_parser("rest-json")
    assert type(first) is FastRestJSONParser
    assert factory.create_parser("rest-json") is first
    assert first._timestamp_parser is timestamp_text
    other = factory.create_parser("query")
    assert factory.create_parser("query") is other and other is not first
    factory.set_parser_defaults(timestamp_parser=keep)  # new defaults: new parsers
    again = factory.create_parser("rest-json")
    assert again is not first and again._timestamp_parser is keep
