"""``awsclient/not_api.check_answer`` (QA-HD Q-HD-3): a 2xx answer of a JSON API that is
not a JSON object is a ``NotApiAnswer``; the API's own answers, empty ones, error
statuses and other protocols' answers are left to botocore."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import botocore.session
import pytest

from reconciler.awsclient.not_api import NotApiAnswer, check_answer


def answer(status: int, body: bytes, kind: str = "application/json") -> Any:
    return SimpleNamespace(status_code=status, content=body, headers={"Content-Type": kind})


def model(protocol: str = "rest-json") -> Any:
    return SimpleNamespace(name="ListRooms", service_model=SimpleNamespace(protocol=protocol))


def chime(operation: str) -> Any:
    """The operation's model as botocore has it (its output shape, its protocol)."""
    return botocore.session.get_session().get_service_model("chime").operation_model(operation)


@pytest.mark.parametrize(
    ("status", "body", "protocol"),
    [
        (200, b'{"Rooms": []}', "rest-json"),
        (200, b'  \n{"Rooms": []}', "json"),
        (204, b"", "rest-json"),
        (404, b"<html>Not Found</html>", "rest-json"),  # botocore's ClientError already
        (200, b"<GetCallerIdentityResponse/>", "query"),
    ],
)
def test_the_apis_own_answers_pass(status: int, body: bytes, protocol: str) -> None:
    check_answer(http_response=answer(status, body), model=model(protocol))


@pytest.mark.parametrize("body", [b"<!doctype html><title>Sign in</title>", b"a.a.a", b"[]"])
def test_a_2xx_answer_that_is_no_json_object_is_not_the_apis(body: bytes) -> None:
    with pytest.raises(NotApiAnswer) as raised:
        check_answer(http_response=answer(200, body, "text/html"), model=model())
    meta = raised.value.response["ResponseMetadata"]
    assert (meta["HTTPStatusCode"], meta["HTTPHeaders"]["content-type"]) == (200, "text/html")
    assert raised.value.response["Error"]["Message"] == body.decode()
    assert raised.value.operation_name == "ListRooms"


@pytest.mark.parametrize("operation", ["DeleteRoomMembership", "DeleteRoom"])
def test_no_body_is_the_answer_of_an_operation_with_no_output(operation: str) -> None:
    check_answer(http_response=answer(204, b""), model=chime(operation))


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        # botocore reads no body as {} and white space as {"message": ...}: an empty Chime,
        # a write counted as made (QA-HI Q-HI-4)
        ("ListRooms", b""),
        ("CreateRoomMembership", b""),
        ("BatchCreateRoomMembership", b""),
        ("ListRooms", b"\n"),
        ("ListRooms", b"   "),
        ("DeleteRoomMembership", b" \r\n"),
    ],
)
def test_a_blank_2xx_answer_is_not_the_apis_where_it_answers_json(
    operation: str, body: bytes
) -> None:
    with pytest.raises(NotApiAnswer) as raised:
        check_answer(http_response=answer(200, body, "text/plain"), model=chime(operation))
    assert raised.value.operation_name == operation
