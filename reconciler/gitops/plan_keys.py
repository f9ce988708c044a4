"""Plan keys: one PR plan comment per desired state.

A job (or two workflows) that plans two desired states (staging and production) posts two
plans to one pull request. Each is given a key (``staging``); its comment's marker carries
it (``<!-- chime-reconciler-plan key=staging -->``), so that each plan updates its own
comment, and its heading names it. Without a key, the marker is the plain one the plan
renderer writes, as before: comments posted before keys existed are still found.
"""

from __future__ import annotations

import re

from reconciler.render.markdown import HEADING
from reconciler.render.markdown import MARKER as PLAN_MARKER

KEY_RULE = "letters, digits and . _ / -, starting with a letter or digit, at most 100"
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")
_KEYED_MARKER = re.compile(r"<!-- chime-reconciler-plan key=(\S+) -->")
_HEADING_LINE = re.compile(rf"{re.escape(HEADING)}(?:: .*)?")


# The first line of the error plan of a step whose comment-key was refused: no plan
# comment has it, and `pr-comment` posts no body that starts with it (Q-BR-3)
REJECTED_KEY_MARKER = "<!-- chime-reconciler-plan rejected-key -->"


def names_a_rejected_key(markdown: str) -> bool:
    """Whether ``markdown`` is the error plan of a step whose comment-key was refused."""
    return markdown.lstrip().split("\n", 1)[0].rstrip("\r") == REJECTED_KEY_MARKER


def check_key(key: str) -> str:
    """``key`` if it can name a plan (it goes into an HTML comment and a heading as it
    is), else ValueError."""
    if not _KEY.fullmatch(key) or "--" in key:
        raise ValueError(f"a plan key is {KEY_RULE} (no '--'), got {key!r}")
    return key


def plan_marker(key: str | None) -> str:
    """The marker of the plan comment for ``key`` (None: the plain marker)."""
    return PLAN_MARKER if key is None else f"<!-- chime-reconciler-plan key={check_key(key)} -->"


def key_of(markdown: str) -> str | None:
    """The key a Markdown plan's first line names (the composite action's ``comment-key``
    writes it there), or None."""
    first = markdown.lstrip().split("\n", 1)[0].rstrip("\r")
    found = _KEYED_MARKER.fullmatch(first)
    if found is None or not _KEY.fullmatch(found.group(1)) or "--" in found.group(1):
        return None
    return found.group(1)


def without_plan_marker(markdown: str) -> str:
    """``markdown`` without its first line when that is a plan marker, keyed or not."""
    stripped = markdown.lstrip()
    first, _, rest = stripped.partition("\n")
    if first.rstrip("\r") == PLAN_MARKER or _KEYED_MARKER.fullmatch(first.rstrip("\r")):
        return rest
    return markdown


def keyed_heading(key: str) -> str:
    """The plan's heading naming its key: ``### Chime membership plan: `staging```."""
    return f"{HEADING}: `{check_key(key)}`"


def name_plan(markdown: str, key: str) -> str:
    """``markdown`` (a plan without its marker) with its heading naming ``key``: the
    renderer's heading is replaced, and one is put first when there is none."""
    body = markdown.lstrip("\n")
    first, newline, rest = body.partition("\n")
    if _HEADING_LINE.fullmatch(first.rstrip("\r")):
        return keyed_heading(key) + newline + rest
    return f"{keyed_heading(key)}\n\n{body}"
