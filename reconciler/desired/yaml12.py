"""Numbers read as YAML 1.2 reads them (QA-EW Q-EW-1).

PyYAML resolves plain scalars by YAML 1.1: ``017`` is 15 (octal), ``1:30`` is 90
(sexagesimal), ``0b11`` is 3, ``1_0`` is 10, and ``1e3`` (no dot) is text. Editors
(yaml-language-server) and the JSON Schema they check against read YAML 1.2's core
schema: ``017`` is 17, ``1e3`` is 1000, and ``1:30``, ``0b11``, ``1_0`` are text. So that
``validate`` reads every number as the editor does, these loaders resolve a plain scalar
to an int or a float by the core schema's rules only; booleans, nulls, dates, ``<<`` and
``=`` resolve as before. ``CSafeLoader`` (libyaml) keeps composing: it asks the Python
resolver for each scalar's tag.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import ScalarNode

INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"

CORE_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
CORE_FLOAT = re.compile(
    r"""^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)


def _core_resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    """SafeLoader's implicit resolvers without YAML 1.1's int and float, then the core
    schema's (int before float: ``17`` matches both)."""
    table: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [(tag, rx) for tag, rx in entries if tag not in (INT_TAG, FLOAT_TAG)]
        if kept:
            table[first] = kept
    for tag, regexp, firsts in (
        (INT_TAG, CORE_INT, "-+0123456789"),
        (FLOAT_TAG, CORE_FLOAT, "-+.0123456789"),
    ):
        for first in firsts:
            table.setdefault(first, []).append((tag, regexp))
    return table


def construct_int(constructor: yaml.constructor.SafeConstructor, node: ScalarNode) -> int:
    """A core-schema int as YAML 1.2 reads it (``017`` is 17, ``0o17`` 15); any other
    text tagged ``!!int`` as PyYAML reads it."""
    value = str(node.value)
    if CORE_INT.match(value):
        if value.startswith("0o"):
            return int(value[2:], 8)
        if value.startswith("0x"):
            return int(value[2:], 16)
        return int(value, 10)
    return int(constructor.construct_yaml_int(node))


class SafeLoader12(yaml.SafeLoader):
    """``yaml.SafeLoader`` reading numbers by YAML 1.2's core schema."""

    yaml_implicit_resolvers = _core_resolvers()
    yaml_constructors = {**yaml.SafeLoader.yaml_constructors, INT_TAG: construct_int}


_C = getattr(yaml, "CSafeLoader", None)
CSafeLoader12: type[Any] | None = None
if _C is not None:

    class _CSafeLoader12(_C):  # type: ignore[misc,valid-type]
        """libyaml's ``CSafeLoader`` reading numbers by YAML 1.2's core schema."""

        yaml_implicit_resolvers = SafeLoader12.yaml_implicit_resolvers
        yaml_constructors = SafeLoader12.yaml_constructors

    CSafeLoader12 = _CSafeLoader12


def constructor() -> SafeLoader12:
    """A constructor for nodes composed by these loaders."""
    return SafeLoader12("")
