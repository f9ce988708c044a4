"""Which files a CODEOWNERS rule matches, as GitHub reads the file ("About code owners"):
gitignore-style patterns, case-sensitive, without ``!`` negation or ``[ ]`` ranges.

- a leading ``/``, or a ``/`` inside the pattern, anchors it at the repository's root;
  otherwise it matches at any depth (``*.yaml``, ``apps/``);
- a trailing ``/`` matches what is inside the folder (``/docs/``: every file under it);
- otherwise a match also covers everything inside what it names (``/apps/github``), but
  for a last segment that is a lone ``*`` (``docs/*``: the files directly in docs only);
- ``*`` is any run of characters but ``/``, ``?`` one such character, ``**`` any
  number of folders (``**/logs``, ``a/**/b``, ``a/**``); a backslash escapes the next.

Used to tell which of the repository's rules below the generated block override it (GitHub
applies the last matching line). Pure. The lines are the repository's own text, so they are
matched with RE2 (``reconciler.desired.patterns``), in time linear in the path: with Python's
``re`` a line such as ``/*a*a*a*a*a*a*a*a*b`` backtracked for seconds, then minutes, per path.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from reconciler.desired.patterns import compile_pattern
from reconciler.desired.patterns import literal as re2_literal


def rule_pattern(line: str) -> str | None:
    """The pattern of one CODEOWNERS line (its first field, in which a backslash escapes
    a space); None for a blank line or a comment, which match nothing."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    end = 0
    while end < len(text) and not text[end].isspace():
        end += 2 if text[end] == "\\" else 1
    return text[:end]


def literal(pattern: str) -> str:
    """The path an escaped pattern with no wildcard names (``/my\\ team/a.yaml`` ->
    ``my team/a.yaml``): the inverse of ``codeowners.pattern``."""
    return re.sub(r"\\(.)", r"\1", pattern, flags=re.DOTALL).lstrip("/")


def matches(pattern: str, path: str) -> bool:
    """Whether the rule ``pattern`` matches the file at ``path`` (from the root, '/')."""
    compiled = _regex(pattern)
    return compiled is not None and compiled.fullmatch(path)


@lru_cache(maxsize=512)
def _regex(pattern: str) -> Any:
    """The pattern as an RE2 ``Pattern``; None for one that names no file ("/")."""
    body = pattern.strip("/")
    if not body:
        return None
    segments = body.split("/")
    anchored = pattern.startswith("/") or len(segments) > 1
    regex = "" if anchored else "(?:.+/)?"
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == "**":
            regex += ".+" if last else "(?:.+/)?"
        else:
            regex += _segment(segment) + ("" if last else "/")
    if segments[-1] == "**":
        pass  # everything inside already
    elif pattern.endswith("/"):
        regex += "/.+"
    elif segments[-1] != "*":
        regex += "(?:/.*)?"
    return compile_pattern("(?s)" + regex)


def _segment(segment: str) -> str:
    if segment == "*":
        return "[^/]+"
    out = []
    chars = iter(segment)
    for ch in chars:
        if ch == "\\":
            out.append(re2_literal(next(chars, "\\")))
        elif ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        else:
            out.append(re2_literal(ch))
    return "".join(out)
