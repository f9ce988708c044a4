"""The one order of a plan's messages (errors, governance errors, notices): located ones
(``file:line: ...``) by file and line, then the others; each once. The planner lists its
errors so; a plan adding the governance errors (``cli.pipeline``) and ``merge-plans``
(``plan_merge``) both sort with this, so a plan's errors read the same whether it was
made whole or merged from shards (QA-FV Q-FV-1)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# ASCII digits only: ``\d`` is any script's (U+0661, an Arabic-Indic one), which took
# ``x:\u0661: rooms.yaml:2: ...`` for file ``x`` at line 1 and ordered that file's lines
# as text, 10 before 2 (QA-LF Q-LF-8)
_LOCATED = re.compile(r"^(.*?):([0-9]+): ", re.ASCII)
# a desired-state file's name ends in .yaml or .yml: the first ``:N: `` after such an end
# is the location, so a name holding an ASCII ``:1: `` (``x:1: r.yaml``) is not file ``x``
# at line 1 for all its errors (QA-HI Q-HI-5); else (no such name) the first ``:N: ``
_IN_YAML = re.compile(r"^(.*?\.ya?ml):([0-9]+): ", re.ASCII | re.IGNORECASE)


def in_file_order(messages: Iterable[str]) -> tuple[str, ...]:
    """``messages`` once each, located ones by file and line, then the others."""

    def order(text: str) -> tuple[int, str, int, str]:
        found = _IN_YAML.match(text) or _LOCATED.match(text)
        return (0, found[1], int(found[2]), text) if found else (1, "", 0, text)

    return tuple(sorted(set(messages), key=order))
