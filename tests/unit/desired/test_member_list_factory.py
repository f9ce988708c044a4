"""The member-list types of rooms (and groups) and of channels come from one factory
(``member_entries.member_list``, Q-AM-11): each takes a reference or its mapping form
``{member, until, reason, ticket}``, and refuses a broken entry with the same messages."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from reconciler.desired.channels import ChannelMemberList
from reconciler.desired.member_entries import MemberList

LISTS = pytest.mark.parametrize(
    ("list_type", "mapping", "reference"),
    [
        (MemberList, "MemberMapping", "alice@example.com"),
        (ChannelMemberList, "ChannelMemberMapping", "user:alice"),
    ],
)


def _errors(list_type: Any, value: list[Any]) -> list[tuple[object, str]]:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(list_type).validate_python(value)
    return [(e["loc"], e["msg"]) for e in caught.value.errors()]


@LISTS
def test_an_entry_is_a_reference_or_its_mapping_form(
    list_type: Any, mapping: str, reference: str
) -> None:
    entries = [reference, {"member": reference, "until": "2027-03-31", "reason": "on call"}]
    text, form = TypeAdapter(list_type).validate_python(entries)
    assert text == reference
    assert type(form).__name__ == mapping
    assert (form.member, form.until, form.reason, form.ticket) == (
        reference,
        "2027-03-31",
        "on call",
        None,
    )


@LISTS
def test_a_broken_entry_is_refused_alike(list_type: Any, mapping: str, reference: str) -> None:
    assert _errors(list_type, [{"until": "2027-03-31"}]) == [
        (
            (0, "<mapping>"),
            "expected a member reference, or a mapping with `member:` (and `until:`, "
            "`reason:`, `ticket:`), got a mapping with keys: until",
        )
    ]
    assert _errors(list_type, [{"member": reference, "bogus": 1}]) == [
        ((0, "<mapping>", "bogus"), "Extra inputs are not permitted")
    ]
    assert _errors(list_type, [""]) == [((0, "<reference>"), "empty member reference")]


@LISTS
def test_the_schema_names_each_mapping(list_type: Any, mapping: str, reference: str) -> None:
    schema = TypeAdapter(list_type).json_schema()
    assert (
        schema["description"] == "Member references, or mappings {member, until, reason, ticket}."
    )
    assert set(schema["$defs"]) == {mapping}
    assert schema["$defs"][mapping]["required"] == ["member"]
