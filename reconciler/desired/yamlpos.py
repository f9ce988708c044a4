"""Read YAML into plain data plus a separate table of source lines (no keys injected).

PyYAML composes the text into nodes (``yaml12``'s SafeLoader: numbers as YAML 1.2 reads
them); we build the plain data ourselves so
that we can (1) record the line of every value and every mapping key by its *path*
(``("rooms", "incident-response", "members", 2)``), (2) report duplicate keys, which
PyYAML silently overwrites, and (3) turn every YAML problem into a located message.

Mapping keys are always the key's text as written (``123:`` is the name ``"123"``, and
``null:`` the name ``"null"``): every key in a desired-state file is a name or a field
name. ``~:`` and an empty key alone are no name (``""``: a room given by ``id:`` alone).
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reconciler.desired.editor_lines import hidden_break, line_at
from reconciler.desired.long_key import long_key_message
from reconciler.desired.nesting import MAX_NESTING, TOO_DEEP, TooDeep, deeper_than, reading_line
from reconciler.desired.tagged import tagged_problem
from reconciler.desired.written import as_written, float_as_written, misread
from reconciler.desired.written_number import number_as_written
from reconciler.desired.yaml12 import CSafeLoader12, SafeLoader12
from reconciler.governance.grant import UNTIL_EXAMPLES, date_problem
from reconciler.quoted import cut, named, quoted
from reconciler.typed_number import TOO_LARGE, too_long

Path = tuple[str | int, ...]

MERGE_TAG = "tag:yaml.org,2002:merge"
NULL_TAG = "tag:yaml.org,2002:null"
# the keys that are no name (``~: {id: room-9}``, a room by id alone); ``null:`` is the
# name "null", as ``yes:`` is "yes": a room or group may well be called that
NO_NAME_KEYS = ("", "~")
MAX_NODES = 200_000  # nodes repeated through aliases ("billion laughs"); the others are
# bounded by the text's size, so a large file without aliases has no limit
MAX_WRITTEN = 256  # characters of a timestamp kept to quote back (``.000…`` may be long)
LARGE = 256 * 1024  # characters: a broken file this large is not parsed again in Python
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
VALUE_TAG = "tag:yaml.org,2002:value"  # a bare ``=``: YAML 1.1's "value" type, not text
HINTS = (  # what a PyYAML problem usually means in a desired-state file
    ("'@'", 'quote group references: "@group"'),
    ("'\\t'", "indent with spaces, not tabs"),
    ("expected <block end>", "check the indentation"),
    ("mapping values are not allowed here", "check the indentation, or quote a value with ': '"),
)


@dataclass(frozen=True)
class YamlIssue:
    """A problem found while reading YAML: a 1-based line, the path and a message."""

    line: int
    path: Path
    message: str
    value_lost: bool = False  # the value at ``path`` was dropped (read as null)


@dataclass
class Positions:
    """Source lines by path: ``values`` for the node at a path, ``keys`` for the key that
    introduced it (in a mapping), ``items`` for the items of a list, by the list's path
    (one compact array rather than a table entry per item). Lookups fall back to the
    nearest recorded parent."""

    values: dict[Path, int] = field(default_factory=dict)
    keys: dict[Path, int] = field(default_factory=dict)
    items: dict[Path, array[int]] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """Line of the key at ``path`` if recorded, else of its value, else the nearest
        parent's: where a key is missing, the mapping that lacks it."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in self.keys:
                return self.keys[prefix]
            line = self._value(prefix)
            if line:
                return line
        return 1

    def value_line(self, path: Path) -> int:
        return self._value(path) or self.line_of(path)

    def _value(self, path: Path) -> int | None:
        if path and type(path[-1]) is int:  # a list's item: in the list's array, if any
            lines = self.items.get(path[:-1])
            if lines is not None and 0 <= path[-1] < len(lines):
                return lines[path[-1]]
        return self.values.get(path)


@dataclass
class Document:
    data: Any
    positions: Positions
    issues: list[YamlIssue]


LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # what PyYAML counts as one


def parse(text: str) -> Document:
    """Parse one YAML document. Never raises for bad input: problems go to ``issues``
    (with ``data`` None when the text could not be parsed at all).

    Straight from libyaml's events (``yamlfast``) when it can, else (anchors, merges,
    errors: see there) by composing nodes and walking them (``parse_nodes``)."""
    from reconciler.desired.yamlfast import parse_fast  # it builds on this module

    return parse_nodes(text, fast=parse_fast)


def parse_nodes(text: str, fast: Callable[[str], Document | None] | None = None) -> Document:
    """``parse`` by composing the text into nodes and walking them: ``fast(text)`` first,
    when given (its YAML errors are reported like compose's)."""
    positions = Positions()
    hidden = hidden_break(text)  # PyYAML's lines would not be an editor's: refused
    if hidden is not None:
        return Document(None, positions, [YamlIssue(hidden.line, (), hidden.message)])
    try:
        done = fast(text) if fast is not None else None
        if done is not None:
            return done
        node = compose(text)
    except yaml.MarkedYAMLError as exc:
        return Document(None, positions, [_syntax_issue(exc, text)])
    except yaml.YAMLError as exc:  # ReaderError: a character YAML does not allow
        position = getattr(exc, "position", 0)
        message = str(exc).split("\n")[0]
        return Document(None, positions, [YamlIssue(line_at(text, position), (), message)])
    except TooDeep as exc:
        return Document(None, positions, [YamlIssue(exc.line, (), TOO_DEEP)])
    if node is None:  # empty file or comments only
        return Document(None, positions, [])
    builder = _Builder(positions)
    try:
        data = builder.build(node, ())
    except RecursionError:  # at the line of the deepest node reached
        return Document(None, positions, [YamlIssue(builder.where, (), TOO_DEEP)])
    except _Budget as exc:
        message = f"too many YAML nodes repeated through aliases (over {MAX_NODES:,})"
        return Document(None, positions, [YamlIssue(exc.line, (), message)])
    return Document(data, positions, builder.issues)


def compose(text: str) -> Node | None:
    """Compose with libyaml when present (about ten times faster); on a problem compose
    again in pure Python, whose messages are the ones we report on every machine, unless
    the text is over ``LARGE``: then libyaml's message (with its line) is reported, rather
    than spend seconds per megabyte parsing a broken file a second time."""
    fast = CSafeLoader12  # numbers as YAML 1.2 reads them (``yaml12``)
    if fast is not None:
        try:
            deep = deeper_than(text, fast, MAX_NESTING)
            if deep is not None:  # libyaml would crash, not raise
                raise TooDeep(deep)
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            if len(text) > LARGE:
                raise
    loader = SafeLoader12(text)
    try:
        return loader.get_single_node()
    except RecursionError:
        raise TooDeep(reading_line(loader)) from None
    finally:
        loader.dispose()


def _syntax_issue(exc: yaml.MarkedYAMLError, text: str) -> YamlIssue:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    long_key = long_key_message(text, exc)  # PyYAML's words would send the user astray
    if long_key is not None:
        return YamlIssue(line, (), long_key)
    parts = [p for p in (exc.context, exc.problem) if p]
    message = "YAML syntax error: " + ", ".join(parts) if parts else "YAML syntax error"
    notes = []
    started = exc.context_mark.line + 1 if exc.context_mark is not None else line
    if exc.context and started != line:
        notes.append(f"started at line {started}")
    notes += [hint for clue, hint in HINTS if clue in (exc.problem or "")][:1]
    return YamlIssue(line, (), message + (f" ({'; '.join(notes)})" if notes else ""))


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _Budget(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def lone_surrogate(text: str) -> str | None:
    """The first lone surrogate of ``text`` as an escape (``\\ud800``), or None. YAML's
    ``"\\ud800"`` makes one; it is not a character and cannot be written as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"\\u{ord(text[exc.start]):04x}"
    return None


def surrogate_message(what: str, escape: str) -> str:
    return f"{what} contains {escape}, half of a UTF-16 pair and not a character"


def scalar_value(
    constructor: SafeLoader12,
    node: ScalarNode,
    path: Path,
    issues: list[YamlIssue],
    aliased: bool = False,
) -> Any:
    """The value of a scalar node, or None with an issue (the value is lost). Each use
    of a node gets the issue, at the node's line: ``aliased``, a use through an alias
    (or ``<<:``) says so (the node has no record of the alias's line)."""
    line, note = _line(node), " (the anchor's value on this line, used through an alias)"
    note = note if aliased else ""
    try:
        value = constructor.construct_object(node, deep=True)
    except Exception as exc:  # a bad timestamp, base64 or unknown tag: PyYAML varies
        problem = getattr(exc, "problem", None) or str(exc)
        if node.tag == TIMESTAMP_TAG and isinstance(exc, ValueError):  # 2027-02-30
            problem = (
                f"invalid date {quoted(node.value)} ({date_problem(exc)}): expected "
                f"{UNTIL_EXAMPLES}, or quotes around text that is not a date"
            )
            issues.append(YamlIssue(line, path, problem + note, True))
            return None
        problem = tagged_problem(node.tag, str(node.value), exc) or problem  # `!!int "abc"`
        if node.tag == VALUE_TAG and node.value == "=":  # no constructor: say what to write
            problem = f'a bare {node.value!r} is not text in YAML 1.1 (quote it: "{node.value}")'
        issues.append(YamlIssue(line, path, f"invalid YAML value: {problem}{note}", True))
        return None
    finally:
        # kept alive by the constructor otherwise; a node whose construction failed stays
        # in ``recursive_objects``, and its next use (an alias) would be "recursive"
        constructor.constructed_objects.clear()
        constructor.recursive_objects.clear()
        constructor.deep_construct = False
    if isinstance(value, dt.datetime):  # quoted back as written, zone or none (Q-FU-2)
        return as_written(value, str(node.value)) if len(node.value) <= MAX_WRITTEN else value
    if isinstance(value, float) and misread(value, node.value):  # 1e400 (QA-LD Q-LD-2),
        return float_as_written(value, node.value)  # 1e-400 (Q-LE-2); cut short: Q-GE-2
    problem = None
    if isinstance(value, int) and too_long(value):  # the saved plan's bound too (Q-GV-1)
        problem = f"invalid YAML value: the number {cut(node.value)} is {TOO_LARGE}"
    elif isinstance(value, str) and (escape := lone_surrogate(value)):
        problem = surrogate_message("the text", escape)
    if problem:
        issues.append(YamlIssue(line, path, problem + note, True))
        return None
    return number_as_written(value, node.value)  # 0x10 quoted as written (QA-GV Q-GV-10)


def collection_tag_problem(tag: str | None, default: str, aliased: bool = False) -> str | None:
    """Why a mapping (``default`` MAP_TAG) or list (SEQ_TAG) tagged ``tag`` is not read,
    or None for its own tag (or none): a tag on a collection is refused as on a scalar,
    an unknown one (``!foo {…}``, ``!!python/tuple […]``) in PyYAML's words, and a known
    one (``!!set``, ``!!omap``) because it would change what the collection holds."""
    if tag is None or tag in ("!", default):
        return None
    note = " (the anchor's value on this line, used through an alias)" if aliased else ""
    if tag not in yaml.SafeLoader.yaml_constructors:
        return f"invalid YAML value: could not determine a constructor for the tag {tag!r}{note}"
    what = "mapping" if default == MAP_TAG else "list"
    return f"invalid YAML value: a {what} tagged {tag!r} is not read here (remove the tag){note}"


class _Builder:
    def __init__(self, positions: Positions) -> None:
        self.positions = positions
        self.issues: list[YamlIssue] = []
        self.count = 0
        self.active: set[int] = set()  # nodes being built: a recursive alias loops
        self.built: set[int] = set()  # nodes built once: met again, they are an alias
        self.in_alias = 0  # > 0 while an alias is expanded
        self.where = 1  # line of the last node written where it is (not through an alias)
        self.constructor = SafeLoader12("")

    def build(self, node: Node, path: Path) -> Any:
        alias = id(node) in self.built
        if not alias and not self.in_alias:
            self.where = _line(node)
        else:  # a node an alias repeats: counted, at the line that used the alias
            self.spend(1)
        self.built.add(id(node))
        self.positions.values.setdefault(path, _line(node))
        self.in_alias += alias
        try:
            if isinstance(node, ScalarNode):
                return self._scalar(node, path)
            default = SEQ_TAG if isinstance(node, SequenceNode) else MAP_TAG
            problem = collection_tag_problem(node.tag, default, self.in_alias > 0)
            if problem is not None:
                self.issues.append(YamlIssue(_line(node), path, problem, True))
                return None
            if id(node) in self.active:
                self.issues.append(YamlIssue(_line(node), path, "recursive YAML alias", True))
                return None
            self.active.add(id(node))
            try:
                if isinstance(node, SequenceNode):
                    return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
                if isinstance(node, MappingNode):
                    return self._mapping(node, path)
            finally:
                self.active.discard(id(node))
            return None  # pragma: no cover - PyYAML has no other node kinds
        finally:
            self.in_alias -= alias

    def spend(self, nodes: int) -> None:
        """Count ``nodes`` repeated through an alias (or a ``<<:`` merge) against
        ``MAX_NODES``: over it, the alias bomb is refused at the line that ran over."""
        self.count += nodes
        if self.count > MAX_NODES:
            raise _Budget(self.where)

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        aliased = self.in_alias > 0
        return scalar_value(self.constructor, node, path, self.issues, aliased)

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        merged: list[tuple[str, Node, int, int]] = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                if not self.in_alias:
                    self.where = _line(key_node)
                sources = self._merge_sources(value_node, path)
                merged.extend((*entry, self.where) for entry in sources)
                continue
            key = self._key(key_node, path)
            if key is None:
                continue
            if key in first_line:
                shown = named(key)
                message = f"duplicate key {shown} (first at line {first_line[key]})"
                self.issues.append(YamlIssue(_line(key_node), path, message))
                continue
            first_line[key] = _line(key_node)
            self.positions.keys[(*path, key)] = _line(key_node)
            if not self.in_alias:
                self.where = _line(key_node)
            result[key] = self.build(value_node, (*path, key))
        for key, value_node, line, merge_line in merged:  # explicit keys win, first merge too
            if key not in result:
                self.where = merge_line
                self.positions.keys[(*path, key)] = line
                result[key] = self.build(value_node, (*path, key))
        return result

    def _merge_sources(
        self, node: Node, path: Path, seen: frozenset[int] = frozenset()
    ) -> list[tuple[str, Node, int]]:
        """The keys ``<<:`` merges from ``node`` (a mapping or a list of them), nested
        merges flattened. A source merged before (through an alias) is a repetition: it
        and each entry it gives count against the alias budget, as an alias's nodes do
        (ten ``<<: [*m, *m, ...]`` levels would otherwise be 10^10 entries)."""
        sources = node.value if isinstance(node, SequenceNode) else [node]
        entries: list[tuple[str, Node, int]] = []
        for source in sources:
            repeated = self.in_alias > 0 or id(source) in self.built
            self.built.add(id(source))
            if repeated:
                self.spend(1 + len(source.value) if isinstance(source, MappingNode) else 1)
            if id(source) in seen or id(source) in self.active:
                self.issues.append(YamlIssue(_line(source), path, "recursive YAML alias"))
                continue
            if not isinstance(source, MappingNode):
                message = "'<<' (merge) needs a mapping or a list of mappings"
                self.issues.append(YamlIssue(_line(source), path, message))
                continue
            problem = collection_tag_problem(source.tag, MAP_TAG)
            if problem is not None:
                self.issues.append(YamlIssue(_line(source), path, problem))
                continue
            for key_node, value_node in source.value:
                if key_node.tag == MERGE_TAG:
                    entries.extend(self._merge_sources(value_node, path, seen | {id(source)}))
                    continue
                key = self._key(key_node, path)
                if key is not None:
                    entries.append((key, value_node, _line(key_node)))
        return entries

    def _key(self, node: Node, path: Path) -> str | None:
        if not isinstance(node, ScalarNode):
            message = "a mapping key must be a plain name, not a list or mapping"
            self.issues.append(YamlIssue(_line(node), path, message))
            return None
        if node.tag == NULL_TAG and node.value in NO_NAME_KEYS:
            return ""
        escape = lone_surrogate(str(node.value))
        if escape:
            self.issues.append(YamlIssue(_line(node), path, surrogate_message("a key", escape)))
            return None
        return str(node.value)
