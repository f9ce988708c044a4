"""Why a scalar with an explicit YAML tag (``!!int "abc"``, ``!!timestamp "bad"``) could not
be read, in words: PyYAML's constructors fail with whatever Python raises on the way
(``'NoneType' object has no attribute 'groupdict'``, ``string index out of range``,
``could not convert string to float``, a bare ``'maybe'``), none of which says what is
wrong (QA-FL Q-FL-1). The value is shown as ``reconciler.quoted`` shows a name: cut short
when long, escaped where it is not printable."""

from __future__ import annotations

from reconciler.governance.grant import UNTIL_EXAMPLES
from reconciler.quoted import cut, named
from reconciler.typed_number import TOO_LARGE

YAML_TAG_PREFIX = "tag:yaml.org,2002:"
# what a value tagged ``!!<name>`` must be; ``!!timestamp`` says which forms it takes
MUST_BE = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "null": "null",
    "timestamp": f"a date: expected {UNTIL_EXAMPLES}",
    "binary": "base64 data",
    "str": "text",
    "map": "a mapping",
    "set": "a mapping",
    "seq": "a list",
    "omap": "a list of one-key mappings",
    "pairs": "a list of one-key mappings",
}
DIGIT_LIMIT = "integer string conversion"  # Python's ValueError beyond 4,300 digits


def shorthand(tag: str) -> str:
    """``!!int`` for ``tag:yaml.org,2002:int``; another tag as written."""
    if tag.startswith(YAML_TAG_PREFIX):
        return "!!" + tag[len(YAML_TAG_PREFIX) :]
    return tag


def tagged_problem(tag: str, value: str, exc: Exception) -> str | None:
    """Why ``value`` tagged ``tag`` is not what the tag says, or None for a tag this module
    does not know (PyYAML's own message, such as an unknown tag's, says it then)."""
    name = tag[len(YAML_TAG_PREFIX) :] if tag.startswith(YAML_TAG_PREFIX) else None
    if name is None or name not in MUST_BE:
        return None
    if name == "int" and isinstance(exc, ValueError) and DIGIT_LIMIT in str(exc):
        return f"the number {cut(value)} is {TOO_LARGE}"  # as one of 101 digits (Q-GV-1)
    return f"{named(value)} tagged {shorthand(tag)} is not {MUST_BE[name]}"
