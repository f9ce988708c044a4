"""The fast path of ``yamlpos.parse``: build plain data straight from libyaml's events.

``yamlpos`` composes a node tree and walks it, resolving and constructing every scalar in
Python: at a million member entries that is most of the loading time. Desired-state files
are mostly plain names in lists, so here libyaml's events (``yaml12``'s ``CSafeLoader``:
numbers as YAML 1.2 reads them) become the data directly, a scalar whose first character
no implicit YAML type can start with (``a``, not ``1``, ``t`` or ``~``) is its own text,
and a list's item lines are kept in one array rather than one table entry per item.

The result is the one ``yamlpos``'s node walk gives (data, lines, issues, in the same
order; ``tests/unit/desired/test_yamlfast.py`` compares the two). Whatever this path does
not reproduce exactly (anchors and aliases, ``<<`` merges, several documents, a YAML error,
deep nesting) makes it give up (None): ``yamlpos`` then parses the text
its own way, with its messages.
"""

from __future__ import annotations

from array import array
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

from reconciler.desired.yaml12 import CSafeLoader12, SafeLoader12
from reconciler.desired.yamlpos import (
    LARGE,
    MAP_TAG,
    MERGE_TAG,
    NO_NAME_KEYS,
    NULL_TAG,
    SEQ_TAG,
    Document,
    Path,
    Positions,
    YamlIssue,
    collection_tag_problem,
    lone_surrogate,
    scalar_value,
    surrogate_message,
)
from reconciler.quoted import named

STR_TAG = "tag:yaml.org,2002:str"
MAX_DEPTH = 64  # deeper than any desired-state file: left to yamlpos (its own limit)
RESOLVERS = SafeLoader12.yaml_implicit_resolvers  # first character -> the types it may start


class _GiveUp(Exception):
    """Something this path does not reproduce: parse the text the usual way."""


def parse_fast(text: str) -> Document | None:
    """The document, or None when the usual path must parse ``text``. A YAML error in a
    text over ``LARGE`` is raised (libyaml's message, as ``yamlpos.compose`` gives it),
    rather than parse a large broken file a second time."""
    loader_class = CSafeLoader12  # numbers as YAML 1.2 reads them, as yamlpos does
    if loader_class is None or None in RESOLVERS:  # no libyaml, or a wildcard resolver
        return None
    loader = loader_class(text)
    try:
        return _Events(loader).document()
    except yaml.YAMLError:
        if len(text) > LARGE:
            raise
        return None
    except (_GiveUp, RecursionError):
        return None
    finally:
        loader.dispose()


class _Events:
    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.next: Any = loader.get_event
        self.positions = Positions()
        self.issues: list[YamlIssue] = []
        self.constructor = SafeLoader12("")  # for the scalars that are not text
        self.strings: dict[str, str] = {}  # the same member is listed in many places

    def document(self) -> Document:
        self._expect(self.next(), StreamStartEvent)
        event = self.next()
        if type(event) is StreamEndEvent:  # empty, or comments only
            return Document(None, self.positions, [])
        self._expect(event, DocumentStartEvent)
        event = self.next()
        self.positions.values[()] = self._line(event)
        data = self._value(event, (), 0)
        self._expect(self.next(), DocumentEndEvent)
        self._expect(self.next(), StreamEndEvent)  # another document: yamlpos reports it
        return Document(data, self.positions, self.issues)

    @staticmethod
    def _expect(event: Event, kind: type[Event]) -> None:
        if type(event) is not kind:
            raise _GiveUp

    def _line(self, event: Any) -> int:
        """The node's 1-based line (an anchor: given up, no alias is expanded here)."""
        if getattr(event, "anchor", None) is not None:
            raise _GiveUp
        return int(event.start_mark.line) + 1

    def _value(self, event: Any, path: Path, depth: int) -> Any:
        kind = type(event)
        if kind is ScalarEvent:
            return self._scalar(event, path)
        if depth > MAX_DEPTH:
            raise _GiveUp
        if kind is not SequenceStartEvent and kind is not MappingStartEvent:
            raise _GiveUp  # an alias
        if event.tag is not None:  # ``!!set {…}``, ``!foo […]``: refused, as yamlpos does
            problem = collection_tag_problem(
                event.tag, SEQ_TAG if kind is SequenceStartEvent else MAP_TAG
            )
            if problem is not None:
                line = int(event.start_mark.line) + 1
                self.issues.append(YamlIssue(line, path, problem, True))
                self._skip(event)
                return None
        if kind is SequenceStartEvent:
            return self._sequence(path, depth)
        return self._mapping(path, depth)

    def _scalar(self, event: Any, path: Path) -> Any:
        tag, value = self._tag(event), event.value
        if tag != STR_TAG:
            node = ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
            return scalar_value(self.constructor, node, path, self.issues)
        escape = lone_surrogate(value)
        if escape:
            line = int(event.start_mark.line) + 1
            self.issues.append(YamlIssue(line, path, surrogate_message("the text", escape), True))
            return None
        return self.strings.setdefault(value, value)  # one object per text, not per place

    def _tag(self, event: Any) -> str:
        """The composer's tag: as written, else resolved (only where a type could start)."""
        tag = event.tag
        if tag is not None and tag != "!":
            return str(tag)
        value = event.value
        if event.implicit[0] and (not value or value[0] in RESOLVERS):
            return str(self.loader.resolve(ScalarNode, value, event.implicit))
        return STR_TAG

    def _sequence(self, path: Path, depth: int) -> list[Any]:
        out: list[Any] = []
        lines = array("L")
        self.positions.items[path] = lines
        next_event, line_of, strings = self.next, self._line, self.strings
        while True:
            event = next_event()
            kind = type(event)
            if kind is SequenceEndEvent:
                return out
            if kind is ScalarEvent and event.tag is None and event.anchor is None:
                # most items: a name (``_line`` and ``_scalar`` of an untagged text, inline)
                value = event.value
                text = not event.implicit[0] or (value and value[0] not in RESOLVERS)
                if text and (value.isascii() or lone_surrogate(value) is None):
                    lines.append(event.start_mark.line + 1)
                    out.append(strings.setdefault(value, value))
                    continue
            lines.append(line_of(event))
            out.append(self._value(event, (*path, len(out)), depth + 1))

    def _mapping(self, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        positions = self.positions
        while True:
            event = self.next()
            if type(event) is MappingEndEvent:
                return result
            key_line = self._line(event)
            key = self._key(event, key_line, path)
            value_event = self.next()
            if key is None:
                self._skip(value_event)
                continue
            if key in first_line:
                shown = named(key)
                message = f"duplicate key {shown} (first at line {first_line[key]})"
                self.issues.append(YamlIssue(key_line, path, message))
                self._skip(value_event)
                continue
            first_line[key] = key_line
            at = (*path, key)
            positions.keys[at] = key_line
            positions.values[at] = self._line(value_event)
            result[key] = self._value(value_event, at, depth + 1)

    def _key(self, event: Any, line: int, path: Path) -> str | None:
        """A key's name; None (an issue) for a key that is no name."""
        if type(event) is not ScalarEvent:
            self._skip(event)
            message = "a mapping key must be a plain name, not a list or mapping"
            self.issues.append(YamlIssue(line, path, message))
            return None
        tag = self._tag(event)
        value: str = event.value
        if tag == MERGE_TAG:
            raise _GiveUp
        if tag == NULL_TAG and value in NO_NAME_KEYS:
            return ""
        escape = lone_surrogate(value)
        if escape:
            self.issues.append(YamlIssue(line, path, surrogate_message("a key", escape)))
            return None
        return value

    def _skip(self, event: Any) -> None:
        """Pass over a node that is not built (a duplicate key's value, say)."""
        open_ = 0
        while True:
            kind = type(event)
            if kind is AliasEvent or getattr(event, "anchor", None) is not None:
                raise _GiveUp
            if kind is SequenceStartEvent or kind is MappingStartEvent:
                open_ += 1
            elif kind is SequenceEndEvent or kind is MappingEndEvent:
                open_ -= 1
            if open_ == 0:
                return
            event = self.next()
