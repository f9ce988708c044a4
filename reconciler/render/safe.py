"""What may reach a terminal, a log or a GitHub comment from live state or files.

Names, e-mails, ids and error messages come from Chime (anyone who can rename a bot or a
room) and from desired-state files (anyone who opens a pull request). Printed as they are,
``\\x1b[2J`` clears the screen, ``\\r`` and ``\\b`` overwrite what was printed, a newline or
U+2028 starts a forged plan line, U+202E reverses text; in Markdown, ``|`` breaks a table,
``</details>`` closes a block and ``@org/admins`` pings a team. In a GitHub Actions step
log (the workflows print plans, ``audit``, ``import`` and ``show`` there), ``##[error]``
anywhere in a line and ``::error::`` at its start (after white space) are workflow
commands: a fake annotation, ``##[add-mask]`` hiding words, ``##[stop-commands]`` turning
off the annotations that follow (QA-HD Q-HD-1).

- ``shown(text)``: every control, format and separator character (Unicode categories Cc,
  Cf, Zl, Zp, and lone surrogates) as a visible escape: ``\\x1b``, ``\\r``, ``\\u202e``;
  and no workflow command (``inert``): ``##[`` as ``##\\[``, a ``::`` that another ``::``
  follows as ``:\\:`` (a renderer that wraps a name, at a space or inside a word, cannot
  start a line with a command; ``[::1]`` and ``a::b`` are kept);
- ``shown_values(value)``: the same for every string inside a plan, an audit, any frozen
  dataclass (enums and unchanged parts are kept as they are);
- ``md_inline(text)`` and ``html_text(text)``: ``shown``, then escaped for Markdown inline
  text or HTML, with @mentions neutralised (``@&#8203;admins``, as Renovate does);
- ``json_text(text)``: rendered JSON with the same characters as ``\\uXXXX`` escapes (the
  same value, nothing raw on a terminal), ``##[`` as ``#\\u0023[`` (no workflow command).
"""

from __future__ import annotations

import dataclasses
import html
import re
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")

# Unicode 15 categories Cc, Cf, Zl, Zp and the surrogates (a test checks this against
# unicodedata for every code point)
_FORMAT_CLASS = (
    "\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f\ud800-\udfff"
)
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_FORMAT_CLASS}]")
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_FORMAT_CLASS}]")  # json.dumps escapes C0 already
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b"}
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~])")
_MENTION = re.compile(r"(?<![\w.+-])@(?=[A-Za-z0-9])")  # not an e-mail's @
ZERO_WIDTH_SPACE = "&#8203;"


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    if c in _NAMED:
        return _NAMED[c]
    code = ord(c)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def controls_shown(text: str) -> str:
    """``text`` with every control, format and separator character as a visible escape
    (and nothing else changed: YAML's double-quoted escapes are the same)."""
    return UNSAFE.sub(_escape, text) if UNSAFE.search(text) else text


LEGACY_COMMAND = "##["  # GitHub's runner reads ``##[cmd]`` anywhere in a log line
COMMAND_START = "::"  # and ``::cmd::`` at a line's start, after white space
# the first colon of each ``::`` that another ``::`` follows (the runner reads ``::cmd::``
# only with its closing ``::``, looked for from the third character on)
_OPENING_PAIR = re.compile(r":(?=:.*?::)", re.DOTALL)


def starts_command(text: str) -> bool:
    """Whether ``text``, printed at a line's start, would start a ``::cmd::`` there."""
    return text.lstrip().startswith(COMMAND_START)


def inert(text: str) -> str:
    """``text`` that cannot form a GitHub workflow command in a log line, however a
    renderer wraps it: ``##[`` as ``##\\[`` (no ``##[`` is left: each ``[`` after ``##``
    gets the backslash) and each ``::`` that another ``::`` follows as ``:\\:``, visible as
    the other escapes are. A line the runner reads as ``::cmd::`` starts with a ``::`` and
    has another after it; every ``::`` left has none, so no piece of the text, cut at a
    space or inside a word, starts a line with a command (not only a leading ``::``: QA
    REREAD 10), and a name or URL with one ``::`` (``a::b``, ``[::1]``) is shown as it is.
    Names from Chime reach the step logs (QA-HD Q-HD-1)."""
    if LEGACY_COMMAND in text:
        text = text.replace(LEGACY_COMMAND, "##\\[")
    if COMMAND_START in text:
        text = _OPENING_PAIR.sub(":\\\\", text)
    return text


def shown(text: str) -> str:
    """``text`` with every control, format and separator character as a visible escape,
    and no workflow command in it (``inert``)."""
    return inert(controls_shown(text))


def neutralize_mentions(text: str) -> str:
    """``@user`` and ``@org/team`` that GitHub would link and notify, made inert; the
    ``@`` of an e-mail address is left alone (GitHub does not link those)."""
    return _MENTION.sub("@" + ZERO_WIDTH_SPACE, text)


def md_inline(text: str) -> str:
    """``text`` safe in Markdown inline text, a table cell and a callout: visible escapes,
    Markdown punctuation and ``<``, ``>`` backslash-escaped (no tag opens or closes), ``&``
    as ``&amp;`` (no entity spells a character), mentions neutralised."""
    escaped = _MARKDOWN.sub(r"\\\1", shown(text)).replace("&", "&amp;")
    return neutralize_mentions(escaped)


def html_text(text: str) -> str:
    """``text`` safe inside an HTML element such as ``<summary>``."""
    return neutralize_mentions(html.escape(shown(text)))


def json_text(text: str) -> str:
    """Rendered JSON with format characters, C1 controls and separators escaped as
    ``\\uXXXX`` (json.dumps with ensure_ascii=False leaves them raw). ASCII text has none
    but DEL, looked for alone: the regex scan took most of a 24 MB plan's rendering."""
    if LEGACY_COMMAND in text:  # the same string, read back; no ``##[`` in a step log
        text = text.replace(LEGACY_COMMAND, "#\\u0023[")
    if text.isascii() and "\x7f" not in text:
        return text
    return _JSON_UNSAFE.sub(lambda m: _json_escape(m.group()), text)


def _json_escape(c: str) -> str:
    code = ord(c)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def shown_values(value: T) -> T:
    """``value`` with ``shown`` applied to every string in it: in frozen dataclasses,
    tuples, lists and dicts. Parts without anything to escape are returned as they are
    (the same objects), so a plan of plain names costs one regex search per string."""
    return _Shown().of(value)  # type: ignore[no-any-return]


_PLAIN = (int, float, bool, type(None))
_FIELDS: dict[type, tuple[str, ...] | None] = {}  # a class -> its init fields (a dataclass)


def _init_fields(cls: type) -> tuple[str, ...] | None:
    """The names of a dataclass's init fields (None: not a dataclass), once per class."""
    if cls not in _FIELDS:
        is_data = dataclasses.is_dataclass(cls)
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init) if is_data else None
    return _FIELDS[cls]


class _Shown:
    """One ``shown_values`` walk: each object is looked at once (a plan shares its member
    references, locations and paths among many changes), by identity while it lives."""

    def __init__(self) -> None:
        self.done: dict[int, tuple[Any, Any]] = {}  # id -> (the object, its shown value)

    def of(self, value: Any) -> Any:
        cls = type(value)
        if cls is str:
            return shown(value)
        if cls in _PLAIN or isinstance(value, Enum):
            return value
        known = self.done.get(id(value))
        if known is not None:
            return known[1]
        result = self._walked(value, cls)
        self.done[id(value)] = (value, result)  # the object kept: its id is not reused
        return result

    def _walked(self, value: Any, cls: type) -> Any:
        if isinstance(value, str):
            return shown(value)
        if isinstance(value, tuple | list):
            items = [self.of(v) for v in value]
            if all(a is b for a, b in zip(items, value, strict=True)):
                return value
            return type(value)(items)
        if isinstance(value, dict):
            pairs = [(self.of(k), self.of(v)) for k, v in value.items()]
            if all(a is k and b is v for (a, b), (k, v) in zip(pairs, value.items(), strict=True)):
                return value
            return dict(pairs)
        names = _init_fields(cls)
        if names is None:
            return value
        changed = {}
        for name in names:
            old = getattr(value, name)
            new = self.of(old)
            if new is not old:
                changed[name] = new
        return dataclasses.replace(value, **changed) if changed else value
