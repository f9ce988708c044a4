"""One string as YAML on one line (``import`` writes every name and reference this way)."""

from __future__ import annotations

import re
import unicodedata

import yaml

from reconciler.desired.yaml12 import CORE_FLOAT, CORE_INT
from reconciler.render.safe import LEGACY_COMMAND, UNSAFE, controls_shown, starts_command

LINE_BREAKS = "\n\r\x85\u2028\u2029"  # what YAML 1.1 reads as the end of a line


def scalar(text: str) -> str:
    """``text`` as one line of YAML: plain where YAML reads it back unchanged as a string,
    quoted (and escaped) otherwise. PyYAML's dumper decides by YAML 1.1; the desired
    state is read by YAML 1.2's numbers (``desired/yaml12``), so text that is a number
    only there (``1e3``, ``0o17``) is quoted too (QA-EZ Q-EZ-1). Text that would be a
    GitHub workflow command in a step log (``##[`` anywhere, ``::`` first: ``import``
    prints its YAML there) is quoted, its ``##[`` escaped (QA-HD Q-HD-1)."""
    if UNSAFE.search(text) or LEGACY_COMMAND in text or starts_command(text):
        return quoted(text)
    plain = yaml.safe_dump(text, allow_unicode=True, width=1 << 30)
    plain = plain.removesuffix("\n").removesuffix("\n...")
    if any(c in plain for c in LINE_BREAKS) or CORE_INT.match(plain) or CORE_FLOAT.match(plain):
        return quoted(text)
    return plain


# a ``\UXXXXXXXX`` escape PyYAML wrote, not a backslash it escaped (``\\U...``)
_WIDE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\U([0-9A-F]{8})")


def quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar on one line, with every control, format and
    separator character escaped (YAML writes format characters such as U+202E raw): the
    same name when read back, in a block or a flow collection (``import --adopt``).
    PyYAML escapes every character past U+FFFF there; one that shows (an emoji, a
    mathematical letter) is written as it is, as ``import`` writes it (QA-FD Q-FD-4).
    ``##[`` is written ``#\\x23[``: the same name, but no workflow command in a step log
    (QA-HD Q-HD-1); the quote first means no line starts with ``::``."""
    dumped = yaml.safe_dump(text, allow_unicode=True, width=1 << 30, default_style='"')
    dumped = _WIDE_ESCAPE.sub(_visible, dumped.removesuffix("\n"))
    dumped = controls_shown(dumped)  # its escapes are YAML's too: read back as is
    return dumped.replace(LEGACY_COMMAND, "#\\x23[")


def _visible(match: re.Match[str]) -> str:
    """A wide escape (backslash, ``U``, eight hex digits) as its character where that
    character shows: not a control, format, private-use, unassigned or separator one
    (Unicode categories C* and Z*)."""
    char = chr(int(match[2], 16))
    if unicodedata.category(char)[0] in "CZ":
        return match[0]
    return match[1] + char
