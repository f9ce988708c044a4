"""How deep YAML nests, and where it is too deep: libyaml's composer recurses on the C
stack unchecked (nesting is measured from its events first), PyYAML's and our own walk
on Python's (a ``RecursionError``). Either is reported at the line where the nesting
went too deep (QA-CF Q-CF-5: it was always line 1)."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import MappingEndEvent, MappingStartEvent, SequenceEndEvent, SequenceStartEvent


def reading_line(loader: yaml.SafeLoader) -> int:
    """The line PyYAML was reading: of the event it was composing, else of the first token
    not yet parsed, else of the character the scanner is at (the deepest point, or the
    same line: the scanner reads ahead no further than a key on one line)."""
    event = loader.current_event
    if event is not None:
        return int(event.start_mark.line) + 1
    if loader.tokens:
        return int(loader.tokens[0].start_mark.line) + 1
    return int(loader.line) + 1


TOO_DEEP = "YAML nesting is too deep"


class TooDeep(Exception):
    """Nesting too deep to compose, first at ``line``."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


# Nesting deeper than this is refused before libyaml composes it: its composer recurses on
# the C stack with no check, and a file nested ~30,000 deep (100 KB of ``[``) crashed the
# process (QA-BA Q-BA-1). Our own walk of the nodes refuses far less already (Python's
# recursion limit), so nothing that was read is refused by it.
MAX_NESTING = 1000


def deeper_than(text: str, loader: Any, limit: int) -> int | None:
    """The line where ``text`` first nests collections deeper than ``limit``, or None,
    from libyaml's events (its parser does not recurse); a YAML error is left for
    composing to report."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            kind = type(event)
            if kind is SequenceStartEvent or kind is MappingStartEvent:
                depth += 1
                if depth > limit:
                    mark = event.start_mark
                    return int(mark.line) + 1 if mark is not None else 1
            elif kind is SequenceEndEvent or kind is MappingEndEvent:
                depth -= 1
    except yaml.YAMLError:
        return None
    return None
