"""Lines as an editor counts them, and the characters only YAML 1.1 reads as line breaks.

PyYAML (YAML 1.1) ends a line at NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH
SEPARATOR (U+2029) as well as at LF, CRLF and CR; editors, ``grep -n`` and GitHub end one
at LF, CRLF and CR only. Such a character in a desired-state file (pasted from Slack, a
web page or mis-decoded Windows-1252) is refused at its line as an editor shows it: in a
comment it would turn the rest of the comment into YAML, and anywhere it would put every
later message a line too low. Written as an escape (``"\\u2028"``) it is just text."""

from __future__ import annotations

import re
from dataclasses import dataclass

EDITOR_BREAK = re.compile("\r\n|[\n\r]")
YAML_ONLY_BREAKS = {
    "\x85": "NEXT LINE (NEL)",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
}
_YAML_ONLY = re.compile("[" + "".join(YAML_ONLY_BREAKS) + "]")


def line_at(text: str, index: int) -> int:
    """The 1-based line of ``text[index]`` as an editor shows it."""
    return len(EDITOR_BREAK.findall(text, 0, max(index, 0))) + 1


@dataclass(frozen=True)
class HiddenBreak:
    """The first character of a text that only YAML 1.1 reads as a line break."""

    line: int  # as an editor counts lines
    message: str


def hidden_break(text: str) -> HiddenBreak | None:
    # a str's own search first: about 0.01 ms for a file of 20,000 members (none above
    # the text's widest character: not looked for at all in ASCII), where the regex's scan
    # took 2-10 ms of the plan's start for each (it finds the first one, below)
    if not any(char in text for char in YAML_ONLY_BREAKS):
        return None
    found = _YAML_ONLY.search(text)
    if found is None:
        return None
    char = found.group()
    more = len(_YAML_ONLY.findall(text, found.end()))
    message = (
        f"U+{ord(char):04X} {YAML_ONLY_BREAKS[char]} in this line: YAML 1.1 reads it as a "
        "line break where an editor shows none; delete it (in a double-quoted string, "
        f"write it as \\u{ord(char):04x})" + (f"; {more:,} more after it" if more else "")
    )
    return HiddenBreak(line_at(text, found.start()), message)
