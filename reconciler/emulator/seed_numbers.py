"""A seed's numbers, read and worded as the desired state's are (QA-GV Q-GV-11).

README: numbers are read as YAML 1.2 reads them, "the same holds in an emulator seed".
But the seed quoted them as Python prints them: ``max_count: 1e400`` was ``got inf``,
``1e-400`` ``got 0.0``, ``1e2`` (a whole number, which the desired state takes where one
is due) was refused as ``got 100.0``, a 500-digit count was quoted whole, and one of over
4,300 digits was an internal error (Python will not read it). Now each number keeps its
text (``written``, as the desired state's reader keeps it), a whole number written as a
float is the whole number, a message says ``the number …`` as ``the_number`` does (cut
when long, and why ``1e400`` is not the number it says), and a number too long to read
is refused at its line. Pure."""

from __future__ import annotations

import math
from typing import Any

import yaml
from yaml.nodes import Node, ScalarNode

from reconciler.desired.written import float_as_written, misread, the_number
from reconciler.desired.written_number import number_as_written
from reconciler.desired.yaml12 import FLOAT_TAG, INT_TAG, SafeLoader12
from reconciler.quoted import cut, quoted


def _int(constructor: yaml.constructor.SafeConstructor, node: ScalarNode) -> object:
    try:
        value = SafeLoader12.yaml_constructors[INT_TAG](constructor, node)
    except ValueError:  # over 4,300 digits: Python reads no such int
        raise yaml.constructor.ConstructorError(
            None, None, f"the number {cut(str(node.value))} is too large", node.start_mark
        ) from None
    return number_as_written(value, str(node.value))


def _float(constructor: yaml.constructor.SafeConstructor, node: ScalarNode) -> object:
    value = SafeLoader12.yaml_constructors[FLOAT_TAG](constructor, node)
    text = str(node.value)
    if misread(value, text):  # 1e400, 1e-400: as written, and why
        return float_as_written(value, text)
    return number_as_written(value, text)


class SeedLoader(SafeLoader12):
    """``SafeLoader12`` whose numbers keep the text they were read from."""

    yaml_constructors = {**SafeLoader12.yaml_constructors, INT_TAG: _int, FLOAT_TAG: _float}


def construct(node: Node) -> Any:
    """The plain document of a composed seed, its numbers knowing their text."""
    return SeedLoader("").construct_document(node)


def whole_number(value: object) -> int | None:
    """``value`` as a whole number (``100``, ``1e2``, ``100.0``), or None for anything
    else (a fraction, a number that is not finite, a boolean, text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        if misread(value, getattr(value, "written", "")):  # 1e-400: not 0
            return None
        return int(value)
    return None


def got(value: object) -> str:
    """``value`` for "got ..." in a seed's message: a number as ``the_number`` says it,
    text quoted (cut when long), anything else as Python shows it, cut."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return the_number(value)
    if isinstance(value, str):
        return quoted(value)
    return cut(repr(value))
