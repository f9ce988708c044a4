"""``import --adopt``: write members that no file declares (drift) into the desired-state
files that declare their targets, for a pull request. Pure text editing: each file keeps
its comments, order, style and line endings; only the list gains entries. A line ends where
YAML says it does (CRLF, LF or a lone CR, as ``validate`` counts lines), and a line
written ends as the line before it.

* a flow list (``members: [a, b]``) gains ``, c`` after its last item;
* a block list (``- a`` lines) gains ``- c`` lines after its last item, at its indent
  (before the comment lines that may follow it);
* a missing list key is added: ``, administrators: [c]`` in a flow mapping, or an
  ``administrators: [c]`` line after the target's last key and value in a block mapping.

A list, or target, shared through a YAML anchor (``&name`` that a ``*name`` or ``<<: *name``
uses) is never edited: the members would go to every place that uses it. An anchor no
alias uses shares nothing: its list is edited like any other. Each edit is checked before
anything is written: the text must parse and declare exactly what it did plus the new
entries, else the edit is refused as adopt's own bug.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reconciler.desired.editor_lines import line_at
from reconciler.desired.yamlpos import LINE_BREAK
from reconciler.errors import ReconcilerError
from reconciler.importer import listed
from reconciler.line_breaks import newline_at
from reconciler.yaml_scalar import quoted, scalar

# an e-mail written plain: it starts with a letter or digit (no YAML indicator) and holds
# nothing YAML reads otherwise
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9.-]+$")
BUG = "a bug in chime-reconciler: please report it"
BREAKS = "\r\n\x85\u2028\u2029"  # the characters LINE_BREAK is made of


class AdoptError(ReconcilerError):
    """A file whose text cannot be edited safely (it is left as it was)."""


@dataclass(frozen=True)
class Adoption:
    """Members to add to one list of one target, where the target is declared."""

    file: str
    key_line: int  # the line of the target's key in its section
    section: str  # "rooms"
    list_key: str  # "administrators"
    refs: tuple[str, ...]  # as written: "grace@example.com", "bot:PagerBot"
    word: tuple[str, str] = ("member", "members")  # its kind's ``words.member``


@dataclass(frozen=True)
class Adopted:
    """An adoption made: ``line`` is the line of the edited file where its entries went."""

    adoption: Adoption
    line: int


def yaml_ref(ref: str) -> str:
    """A member reference as a YAML flow scalar: plain where ``import`` writes it plain
    (``user:bob``, an e-mail: ``scalar``), nothing in it is escaped and it reads back
    so in a flow list (the same text in a flow list as in a block list: QA-FP Q-FP-6),
    else double-quoted, every
    control, format and separator character escaped (``"bot:evil\\u202egnp.exe"``:
    nothing a diff would reorder or hide)."""
    written = quoted(ref)
    if _PLAIN.match(ref) or (scalar(ref) == ref and written == f'"{ref}"' and _flows(ref)):
        return ref
    return written


def _flows(ref: str) -> bool:
    """``ref`` written plain reads back as itself in a flow list, as in a block one (a
    ``:`` makes PyYAML's flow parser stop at some characters after it: ``bot:?``)."""
    try:
        return bool(yaml.safe_load(f"[{ref}, x]") == [ref, "x"])
    except yaml.YAMLError:
        return False


BOM = "\ufeff"  # a byte order mark, as Windows editors begin a UTF-8 file


def adopt_file(original: bytes, adoptions: Sequence[Adoption]) -> tuple[bytes, list[Adopted]]:
    """A file's bytes with every adoption (all of that file) made; its line endings (CRLF
    too) and encoding kept."""
    text, adopted = adopt_all(original.decode("utf-8"), adoptions)
    return text.encode("utf-8"), adopted


def adopt_all(text: str, adoptions: Sequence[Adoption]) -> tuple[str, list[Adopted]]:
    """``text`` with every adoption (all of one file) made, bottom first so that the key
    lines of the others stay where they were; and the line where each one's entries went.
    A leading byte order mark is kept but edited around: libyaml skips it without counting
    it, so every mark's index would be one short of the text's (QA-HK Q-HK-4)."""
    if text.startswith(BOM):
        body, adopted = adopt_all(text[len(BOM) :], adoptions)
        return BOM + body, adopted
    made: list[tuple[Adoption, int]] = []  # (adoption, index of its first entry)
    for a in sorted(adoptions, key=lambda a: a.key_line, reverse=True):
        at, inserted, entry, key = _edit(text, a)
        edited = text[:at] + inserted + text[at:]
        _check(text, edited, a, key)
        made = [(m, i + len(inserted) if i >= at else i) for m, i in made]
        made.append((a, at + entry))
        text = edited
    return text, [Adopted(a, line_at(text, i)) for a, i in made]


def adopt(text: str, a: Adoption) -> str:
    """``text`` with one adoption made."""
    return adopt_all(text, [a])[0]


def _edit(text: str, a: Adoption) -> tuple[int, str, int, Node]:
    """Where to insert, what, how far into it the first entry starts, and the target's key
    node."""
    where = f"{a.file}:{a.key_line}"
    root, shared = _compose(text, a.file)
    section = _child(root, a.section)
    pair = None
    if isinstance(section, MappingNode):
        for key, value in section.value:
            if key.start_mark.line + 1 == a.key_line:
                pair = (key, value)
    if pair is None or not isinstance(pair[1], MappingNode):
        raise AdoptError(f"{where}: the target is not a mapping here; add {_refs(a)} by hand")
    target_key, target = pair
    at, inserted, entry = _insertion(text, a, section, target_key, target, shared)
    return at, inserted, entry, target_key


def _insertion(
    text: str,
    a: Adoption,
    section: Node | None,
    target_key: Node,
    target: MappingNode,
    shared: dict[int, str],
) -> tuple[int, str, int]:
    where = f"{a.file}:{a.key_line}"
    for node in (section, target):  # the root is anchored nowhere but in itself
        if node is not None and id(node) in shared:
            raise _shared(a, node, _name(target_key), shared[id(node)])
    items = ", ".join(yaml_ref(r) for r in a.refs)
    list_pair = _child_pair(target, a.list_key)
    if list_pair is not None:
        list_key, existing = list_pair
        if id(existing) in shared:
            what = f"the {a.list_key} list of {_name(target_key)}"
            raise _shared(a, list_key, what, shared[id(existing)])
        if not isinstance(existing, SequenceNode):
            raise AdoptError(f"{where}: {a.list_key} is not a list; add {_refs(a)} by hand")
        if existing.flow_style:
            if not existing.value:  # just after its "["
                return existing.start_mark.index + 1, items, 0
            at = _content_end(text, existing.value[-1])
            return at, ", " + items, 2
        dash = _dash_column(text, existing.value[0])
        if dash < 0:
            raise AdoptError(f"{where}: unusual {a.list_key} list; add {_refs(a)} by hand")
        at = _line_end(text, _content_end(text, existing.value[-1]) - 1)
        nl = newline_at(text, at)
        lead = nl if at == len(text) and not text.endswith(tuple(BREAKS)) else ""  # no final one
        block = "".join(f"{' ' * dash}- {yaml_ref(r)}{nl}" for r in a.refs)
        return at, lead + block, len(lead)
    if any(isinstance(k, ScalarNode) and k.value == "<<" for k, _ in target.value):
        raise AdoptError(
            f"{where}: {_name(target_key)} merges a mapping (<<) that may hold its "
            f"{a.list_key}: nothing was written; add {_refs(a)} by hand"
        )
    if target.flow_style:
        entry = f"{a.list_key}: [{items}]"
        if not target.value:
            return target.start_mark.index + 1, entry, 0
        last_key, last_value = target.value[-1]
        at = max(_content_end(text, last_key), _content_end(text, last_value))
        return at, ", " + entry, 2
    # after the target's last key and value (the file's order of keys: QA-FP Q-FP-6)
    indent = target.value[0][0].start_mark.column
    at = _line_end(text, _content_end(text, target) - 1)
    nl = newline_at(text, at)
    lead = nl if at == len(text) and not text.endswith(tuple(BREAKS)) else ""  # no final one
    return at, f"{lead}{' ' * indent}{a.list_key}: [{items}]{nl}", len(lead)


def _shared(a: Adoption, where: Node, what: str, anchor: str) -> AdoptError:
    return AdoptError(
        f"{a.file}:{_line(where)}: {what} is shared through the YAML anchor &{anchor}: "
        "adding to it would add to every place that uses it, so nothing was written; "
        f"add {_refs(a)} by hand where it belongs"
    )


def _check(before: str, after: str, a: Adoption, key: Node) -> None:
    """The edited text parses and declares what ``before`` did, the list plus ``a.refs``:
    else the edit is adopt's bug, and it is refused before anything is written."""
    old = _loaded(before)
    try:
        new = _loaded(after)
    except yaml.YAMLError:
        new = _BROKEN
    name = yaml.SafeLoader("").construct_object(key, deep=True)
    target = dict(old[a.section][name])
    target[a.list_key] = [*(target.get(a.list_key) or []), *a.refs]
    expected = {**old, a.section: {**old[a.section], name: target}}
    if new != expected:
        what = "does not parse" if new is _BROKEN else "declares something else"
        raise AdoptError(
            f"{a.file}:{a.key_line}: adding {_refs(a)} to {a.list_key} made a file that "
            f"{what} ({BUG}); nothing was written: add them by hand"
        )


_BROKEN = object()


def _loaded(text: str) -> Any:
    """``text`` as libyaml reads it (the loader's parser: a tab inside a line taken,
    Q-HE-5), else as PyYAML's own does (an escaped lone surrogate taken, as import
    writes it); a YAMLError when neither reads it."""
    try:
        return yaml.load(text, Loader=_C_SAFE)
    except yaml.YAMLError:
        return yaml.safe_load(text)


# libyaml's parser, the loader's (``reconciler.desired``): the pure-Python one refuses what
# it takes, a tab before a comment or inside a line (``[a,\tb]``, ``key:\tvalue``), so a
# file every other command read could not be adopted into (QA-HE Q-HE-5)
_C_SAFE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PythonEvents(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """The pure-Python parser, where PyYAML has no libyaml (nor then has the loader)."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


try:
    from yaml.cyaml import CParser as _Events  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover (PyYAML built without libyaml)
    _Events = _PythonEvents  # type: ignore[misc,assignment]


class _Composer(
    yaml.composer.Composer,
    _Events,
    yaml.constructor.SafeConstructor,
    yaml.resolver.Resolver,
):
    """A composer that remembers the nodes anchored and those an alias (``*name``, ``<<:
    *name``) uses: a node both is shared; an anchor no alias uses shares nothing. Python's
    composer over the events of libyaml's parser (the loader's: ``_C_SAFE``)."""

    def __init__(self, text: str) -> None:
        _Events.__init__(self, text)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.anchored: dict[int, str] = {}  # id(node) -> its anchor
        self.aliased: set[int] = set()  # id(node) of the nodes an alias stands for

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            node = super().compose_node(parent, index)
            self.aliased.add(id(node))
            return node
        anchor = getattr(self.peek_event(), "anchor", None)
        node = super().compose_node(parent, index)
        if anchor is not None and node is not None:
            self.anchored[id(node)] = anchor
        return node

    @property
    def shared(self) -> dict[int, str]:
        return {n: anchor for n, anchor in self.anchored.items() if n in self.aliased}


def _compose(text: str, file: str) -> tuple[Node | None, dict[int, str]]:
    composer = _Composer(text)
    try:
        root = composer.get_single_node()
    except yaml.YAMLError as exc:  # as the loader, which read it, never says: one line
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark is not None else file
        why = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise AdoptError(f"{where}: cannot be parsed ({why}), nothing was written") from None
    finally:
        composer.dispose()
    return root, composer.shared


def _refs(a: Adoption) -> str:
    return ", ".join(listed(r) for r in a.refs)


def _name(key: Node) -> str:
    return str(key.value) if isinstance(key, ScalarNode) else "the target"


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _child(node: Node | None, key: str) -> Node | None:
    pair = _child_pair(node, key)
    return None if pair is None else pair[1]


def _child_pair(node: Node | None, key: str) -> tuple[Node, Node] | None:
    if not isinstance(node, MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return k, v
    return None


def _content_end(text: str, node: Node) -> int:
    """The index just after the last character of ``node``'s own text (a block
    collection's end mark lies at the next token, past comments and blank lines)."""
    if isinstance(node, SequenceNode | MappingNode) and node.value and not node.flow_style:
        last = node.value[-1]
        if isinstance(node, MappingNode):
            return max(_content_end(text, last[0]), _content_end(text, last[1]))
        return _content_end(text, last)
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t" + BREAKS:
        end -= 1
    return int(end)


def _dash_column(text: str, first: Node) -> int:
    """The column of the ``-`` before a block list's first item (-1: none on its line)."""
    start = first.start_mark.index
    line_start = max(text.rfind(c, 0, start) for c in BREAKS) + 1
    dash = text.rfind("-", line_start, start)
    return dash if dash < 0 else dash - line_start


def _line_end(text: str, index: int) -> int:
    """The index just after the end of the line holding ``index`` (its line break)."""
    found = LINE_BREAK.search(text, index)
    return len(text) if found is None else found.end()
