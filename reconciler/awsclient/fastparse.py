"""botocore's rest-json response parser, with the walk over a response compiled per shape.

botocore parses a JSON response in two steps: ``json.loads``, then a walk over the result
guided by the output shape, to rename members, convert types and drop what the model does
not know. The walk looks each handler up by name and re-reads the shape's traits for every
value: for a page of 99 room memberships, about a thousand Python calls, and at a million
memberships the largest single cost of ``plan`` (issue 13).

Here the body is decoded by orjson (in C; botocore's ``json.loads`` decodes whatever orjson
refuses, so a body orjson cannot read parses as before), and the walk for each shape is
made once (a function per structure, list and string, kept for the process's life; shapes
are part of botocore's cached service models) and does what botocore's does, value for
value. A structure whose JSON object holds only members the model names as they are
written, none of them null (every page AWS sends), is kept as the object itself, its
members that need converting converted in place: the object was decoded for this walk
alone. Anything else (numbers, timestamps, blobs, maps, unions, documents, header values)
is left to botocore's own handler. Errors are parsed by botocore as before.
``tests/unit/providers/test_fastparse.py`` compares the two on every operation of the
services the tool uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from botocore.model import Shape
from botocore.parsers import ResponseParserFactory, RestJSONParser
from botocore.utils import is_json_value_header

Convert = Callable[[RestJSONParser, Any], Any]


def timestamp_text(value: str) -> str:
    """A parser's ``timestamp_parser`` that keeps each timestamp as the text the API sent."""
    return value


class FastRestJSONParser(RestJSONParser):  # type: ignore[misc]  # botocore is untyped
    """``RestJSONParser`` whose walk over a body is compiled per shape."""

    def __init__(self, timestamp_parser: Any = None, blob_parser: Any = None) -> None:
        super().__init__(timestamp_parser=timestamp_parser, blob_parser=blob_parser)
        self._walks = _TEXT if timestamp_parser is timestamp_text else _PARSED

    def _parse_shape(self, shape: Shape, node: Any) -> Any:
        return self._walks(shape)(self, node)

    def _parse_body_as_json(self, body_contents: bytes) -> Any:
        """botocore's, decoded by orjson; what orjson refuses (invalid UTF-8, NaN, integers
        beyond 64 bits, lone surrogates, not JSON at all) is left to botocore."""
        if body_contents:
            try:
                return orjson.loads(body_contents)
            except orjson.JSONDecodeError:
                pass
        return super()._parse_body_as_json(body_contents)


class FastParserFactory(ResponseParserFactory):  # type: ignore[misc]
    """botocore's factory, with ``FastRestJSONParser`` for the rest-json protocol, and one
    parser per protocol made once: botocore asks for a new one for every response, and a
    parser keeps nothing of a response (only the timestamp and blob parsers it is made
    with), so each would be the same. Thread-safe (at worst one is made twice)."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, Any] = {}

    def set_parser_defaults(self, **kwargs: Any) -> None:
        super().set_parser_defaults(**kwargs)
        self._made = {}

    def create_parser(self, protocol_name: str) -> Any:
        made = self._made.get(protocol_name)
        if made is None:
            if protocol_name == "rest-json":
                made = FastRestJSONParser(**self._defaults)
            else:
                made = super().create_parser(protocol_name)
            self._made[protocol_name] = made
        return made


class _Walks:
    """The compiled walk of each shape (made on first use), for parsers whose timestamps
    are kept as text (``timestamp_text``: a timestamp is then a string like any other) or
    parsed by botocore's handler."""

    def __init__(self, timestamps_as_text: bool) -> None:
        self.timestamps_as_text = timestamps_as_text
        self._made: dict[Shape, Convert] = {}  # shapes hash by identity

    def __call__(self, shape: Shape) -> Convert:
        convert = self._made.get(shape)
        if convert is None:
            convert = self._made[shape] = self._compile(shape)
        return convert

    def _compile(self, shape: Shape) -> Convert:
        kind = shape.type_name
        if kind == "string" and not is_json_value_header(shape):
            return _same
        if kind == "timestamp" and self.timestamps_as_text:
            return _same  # BaseJSONParser._handle_timestamp: timestamp_parser(value)
        if kind == "list" and shape.serialization.get("location") is None:
            return _list(self, shape)
        if kind == "structure" and not shape.is_document_type and not shape.is_tagged_union:
            return _Structure(self, shape)
        return _botocore(shape)


_PARSED = _Walks(timestamps_as_text=False)
_TEXT = _Walks(timestamps_as_text=True)


def _botocore(shape: Shape) -> Convert:
    """botocore's own handler for ``shape`` (what ``ResponseParser._parse_shape`` does)."""
    name = f"_handle_{shape.type_name}"

    def convert(parser: RestJSONParser, node: Any) -> Any:
        return getattr(parser, name, parser._default_handle)(shape, node)

    return convert


def _same(parser: RestJSONParser, node: Any) -> Any:
    return node


def _list(walks: _Walks, shape: Shape) -> Convert:
    """``_handle_list``: every item parsed, a null kept as None (lists are sparse). Items
    that are structures are checked here (``_Members.keeps``), not one call each."""
    member = shape.member

    def convert(parser: RestJSONParser, node: Any) -> Any:
        walk = walks(member)
        if walk is _same:
            return list(node)
        if type(walk) is not _Structure:
            return [None if item is None else walk(parser, item) for item in node]
        members = walk.members()
        as_written, converted = members.as_written, members.resolved()
        parsed: list[Any] = []
        for item in node:
            if type(item) is dict and item.keys() <= as_written and None not in item.values():
                for name, member_walk, flat in converted:
                    raw = item.get(name)
                    if raw is not None and not (
                        flat is not None
                        and type(raw) is dict
                        and raw.keys() <= flat
                        and None not in raw.values()
                    ):
                        item[name] = member_walk(parser, raw)
                parsed.append(item)
            else:
                parsed.append(None if item is None else walk(parser, item))
        return parsed

    return convert


class _Structure:
    """``BaseJSONParser._handle_structure``: null stays None; each modelled member present
    and not null, by its JSON name, parsed; the rest dropped. The members' walks are
    looked up on first use (a shape may contain itself).

    An object (a dict, as decoded) whose keys are all members written under their own
    names, with no null, comes out as itself: the same keys, the same values once the
    members that need it are converted, in place."""

    __slots__ = ("_members", "shape", "walks")

    def __init__(self, walks: _Walks, shape: Shape) -> None:
        self.walks = walks
        self.shape = shape
        self._members: _Members | None = None

    def members(self) -> _Members:
        made = self._members
        if made is None:  # threads may race: both make the same
            made = self._members = _Members(self.walks, self.shape)
        return made

    def __call__(self, parser: RestJSONParser, value: Any) -> Any:
        if value is None:
            return None
        members = self.members()
        if (
            type(value) is dict
            and value.keys() <= members.as_written
            and None not in value.values()
        ):
            for name, member_walk, flat in members.resolved():
                raw = value.get(name)
                if raw is not None and not (
                    flat is not None
                    and type(raw) is dict
                    and raw.keys() <= flat
                    and None not in raw.values()
                ):
                    value[name] = member_walk(parser, raw)
            return value
        parsed = {}
        for name, json_name, member_walk in members.every:
            raw = value.get(json_name)
            if raw is not None:
                parsed[name] = raw if member_walk is _same else member_walk(parser, raw)
        return parsed


class _Members:
    """A structure's members, for its compiled walk."""

    def __init__(self, walks: _Walks, shape: Shape) -> None:
        # (name, JSON name, walk) of every member
        self.every = [
            (name, member.serialization.get("name", name), walks(member))
            for name, member in shape.members.items()
        ]
        renamed = {json_name for name, json_name, _ in self.every if json_name != name}
        # the keys an object may have to be kept as it is: members written under their own
        # name (and no other member's JSON name)
        self.as_written = frozenset(
            name for name, json_name, _ in self.every if json_name == name
        ).difference(renamed)
        # the members written under their own name whose values need converting
        self.converted = [
            (name, walk)
            for name, json_name, walk in self.every
            if walk is not _same and name in self.as_written
        ]
        self._resolved: list[tuple[str, Convert, frozenset[str] | None]] | None = None

    @property
    def flat(self) -> frozenset[str] | None:
        """The keys an object of this structure may have to be kept as it is, when none of
        its members needs converting (None otherwise)."""
        return None if self.converted else self.as_written

    def resolved(self) -> list[tuple[str, Convert, frozenset[str] | None]]:
        """``converted``, each with its ``flat`` keys when it is a structure that has them:
        such an object is checked in place of a call. Made on first use (not with the
        members: a structure may contain itself)."""
        made = self._resolved
        if made is None:
            made = self._resolved = [
                (name, walk, walk.members().flat if type(walk) is _Structure else None)
                for name, walk in self.converted
            ]
        return made
