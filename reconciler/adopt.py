"""``import --adopt``: write members that no file declares (drift) into the desired-state
files that declare their targets, for a pull request. Pure text editing: each file keeps
its comments, order and style; only the list gains entries.

* a flow list (``members: [a, b]``) gains ``, c`` before its ``]``;
* a block list (``- a`` lines) gains ``- c`` lines after its last item, at its indent;
* a missing list key is added: ``, administrators: [c]`` in a flow mapping, or an
  ``administrators: [c]`` line under the target's key in a block mapping.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reconciler.errors import ReconcilerError

_PLAIN = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$")  # an e-mail needs no quotes


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


def yaml_ref(ref: str) -> str:
    """A member reference as a YAML flow scalar: plain for an e-mail, else quoted."""
    return ref if _PLAIN.match(ref) else json.dumps(ref, ensure_ascii=False)


def adopt_all(text: str, adoptions: Sequence[Adoption]) -> str:
    """``text`` with every adoption (all of one file) made, bottom first so that the lines
    of the others stay where they were."""
    for a in sorted(adoptions, key=lambda a: a.key_line, reverse=True):
        text = adopt(text, a)
    return text


def adopt(text: str, a: Adoption) -> str:
    where = f"{a.file}:{a.key_line}"
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise AdoptError(f"{a.file}: cannot be parsed: {exc}") from None
    section = _child(root, a.section)
    target = None
    if isinstance(section, MappingNode):
        for key, value in section.value:
            if key.start_mark.line + 1 == a.key_line:
                target = value
    if not isinstance(target, MappingNode):
        raise AdoptError(f"{where}: the target is not a mapping here; add {_refs(a)} by hand")
    items = ", ".join(yaml_ref(r) for r in a.refs)
    existing = _child(target, a.list_key)
    if isinstance(existing, SequenceNode):
        if existing.flow_style:
            end = existing.end_mark.index - 1
            if text[end] != "]":
                raise AdoptError(f"{where}: unusual {a.list_key} list; add {_refs(a)} by hand")
            return text[:end] + (", " if existing.value else "") + items + text[end:]
        first, last = existing.value[0], existing.value[-1]
        line = text.splitlines()[first.start_mark.line]
        dash = line.index("-") if "-" in line[: first.start_mark.column] else -1
        if dash < 0:
            raise AdoptError(f"{where}: unusual {a.list_key} list; add {_refs(a)} by hand")
        at = _line_end(text, last.end_mark.index)
        block = "".join(f"{' ' * dash}- {yaml_ref(r)}\n" for r in a.refs)
        return text[:at] + block + text[at:]
    if existing is not None:
        raise AdoptError(f"{where}: {a.list_key} is not a list; add {_refs(a)} by hand")
    if target.flow_style:
        end = target.end_mark.index - 1
        if text[end] != "}":
            raise AdoptError(f"{where}: unusual mapping; add {_refs(a)} by hand")
        sep = ", " if target.value else ""
        return text[:end] + f"{sep}{a.list_key}: [{items}]" + text[end:]
    indent = target.value[0][0].start_mark.column if target.value else 0
    parent_key = next(k for k, v in section.value if v is target)  # type: ignore[union-attr]
    at = _line_end(text, parent_key.end_mark.index)
    return text[:at] + f"{' ' * indent}{a.list_key}: [{items}]\n" + text[at:]


def _refs(a: Adoption) -> str:
    return ", ".join(a.refs)


def _child(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            found: Node = v
            return found
    return None


def _line_end(text: str, index: int) -> int:
    """The index just after the end of the line holding ``index`` (its newline)."""
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1
