"""botocore's rest-json response parser, with the walk over a response compiled per shape.

botocore parses a JSON response in two steps: ``json.loads``, then a walk over the result
guided by the output shape, to rename members, convert types and drop what the model does
not know. The walk looks each handler up by name and re-reads the shape's traits for every
value: for a page of 99 room memberships, about a thousand Python calls, and at a million
memberships the largest single cost of ``plan`` (issue 13).

Here the walk for each shape is made once (a function per structure, list and string,
kept for the process's life; shapes are part of botocore's cached service models) and
does what botocore's does, value for value. Anything else (numbers, timestamps, blobs,
maps, unions, documents, header values) is left to botocore's own handler. Errors are
parsed by botocore as before. ``tests/unit/providers/test_fastparse.py`` compares the two
on every operation of the services the tool uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.model import Shape
from botocore.parsers import ResponseParserFactory, RestJSONParser
from botocore.utils import is_json_value_header

Convert = Callable[[RestJSONParser, Any], Any]
_COMPILED: dict[Shape, Convert] = {}  # shapes hash by identity


class FastRestJSONParser(RestJSONParser):  # type: ignore[misc]  # botocore is untyped
    """``RestJSONParser`` whose walk over a body is compiled per shape."""

    def _parse_shape(self, shape: Shape, node: Any) -> Any:
        return converter(shape)(self, node)


def converter(shape: Shape) -> Convert:
    """The compiled walk for ``shape`` (made on first use)."""
    convert = _COMPILED.get(shape)
    if convert is None:
        convert = _COMPILED[shape] = _compile(shape)
    return convert


class FastParserFactory(ResponseParserFactory):  # type: ignore[misc]
    """botocore's factory, with ``FastRestJSONParser`` for the rest-json protocol."""

    def create_parser(self, protocol_name: str) -> Any:
        if protocol_name == "rest-json":
            return FastRestJSONParser(**self._defaults)
        return super().create_parser(protocol_name)


def _botocore(shape: Shape) -> Convert:
    """botocore's own handler for ``shape`` (what ``ResponseParser._parse_shape`` does)."""

    def convert(parser: RestJSONParser, node: Any) -> Any:
        handler = getattr(parser, f"_handle_{shape.type_name}", parser._default_handle)
        return handler(shape, node)

    return convert


def _compile(shape: Shape) -> Convert:
    kind = shape.type_name
    if kind == "string" and not is_json_value_header(shape):
        return _same
    if kind == "list" and shape.serialization.get("location") is None:
        return _list(shape)
    if kind == "structure" and not shape.is_document_type and not shape.is_tagged_union:
        return _structure(shape)
    return _botocore(shape)


def _same(parser: RestJSONParser, node: Any) -> Any:
    return node


def _list(shape: Shape) -> Convert:
    """``_handle_list``: every item parsed, a null kept as None (lists are sparse)."""
    member = shape.member

    def convert(parser: RestJSONParser, node: Any) -> Any:
        item_convert = converter(member)
        if item_convert is _same:
            return list(node)
        return [None if item is None else item_convert(parser, item) for item in node]

    return convert


def _structure(shape: Shape) -> Convert:
    """``BaseJSONParser._handle_structure``: null stays None; each modelled member present
    and not null, by its JSON name, parsed; the rest dropped. The members' walks are
    looked up on first use (a shape may contain itself)."""
    made: list[list[tuple[str, str, Convert]]] = []  # one complete list (threads may race)

    def convert(parser: RestJSONParser, value: Any) -> Any:
        if value is None:
            return None
        if not made:
            made.append(
                [
                    (name, member.serialization.get("name", name), converter(member))
                    for name, member in shape.members.items()
                ]
            )
        members = made[0]
        parsed = {}
        for name, json_name, member_convert in members:
            raw = value.get(json_name)
            if raw is not None:
                parsed[name] = raw if member_convert is _same else member_convert(parser, raw)
        return parsed

    return convert
