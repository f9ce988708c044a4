"""The emulator's answers are the bytes they always were: JSON bodies as
``json.dumps(separators=(",", ":"))`` writes them (orjson only where it writes the same),
request ids as ``uuid.uuid5`` makes them, and the Date header of the current second."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import enum
import json
import time
import urllib.request
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.emulator import EmulatorServer
from reconciler.emulator.app import _REQUEST_IDS, encode, request_id

# what the chime service's answers hold: no floating-point number
texts = st.text(alphabet=st.characters(codec="utf-8"))  # any character, DEL included
values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


def dumped(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


@given(st.dictionaries(texts, values, max_size=5))
def test_a_chime_answer_is_written_as_json_dumps_writes_it(payload: dict[str, Any]) -> None:
    assert encode(payload, "chime") == dumped(payload)


def test_other_services_answers_and_floats_are_left_to_json() -> None:
    payload = {"CreatedTimestamp": 1.5e-05, "Name": "caf\u00e9\x7f"}
    assert encode(payload, "messaging") == dumped(payload)
    assert encode({"Name": "caf\u00e9\x7f", "N": 2**80}, "chime") == dumped(
        {"Name": "caf\u00e9\x7f", "N": 2**80}
    )


def test_what_json_dumps_refuses_it_still_refuses() -> None:
    @dataclasses.dataclass
    class Record:
        name: str

    for odd in (Record("x"), dt.datetime(2026, 1, 1)):
        with pytest.raises(TypeError):
            dumped({"Value": odd})
        with pytest.raises(TypeError):
            encode({"Value": odd}, "chime")
    role = enum.StrEnum("Role", {"ADMIN": "Administrator"}).ADMIN  # a str subclass
    assert encode({"Role": role}, "chime") == dumped({"Role": role}) == b'{"Role":"Administrator"}'


def test_request_ids_are_uuid5_of_the_request_number() -> None:
    for number in [0, 1, 9, 10, 99, 12345, 10**9]:
        assert request_id(number) == str(uuid.uuid5(_REQUEST_IDS, str(number)))


def test_the_date_header_names_the_current_second(emulator: EmulatorServer) -> None:
    for _ in range(3):
        before = int(time.time())
        with urllib.request.urlopen(f"{emulator.url}/_emulator/calls", timeout=10) as resp:
            stamp = email.utils.parsedate_to_datetime(resp.headers["Date"]).timestamp()
        assert before <= stamp <= time.time()
        time.sleep(0.6)
