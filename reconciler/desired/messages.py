"""Validation errors as people read them: ``PATH: message``, located by the position table.

Every problem in the desired state is printed as ``FILE:LINE: PATH: message`` where PATH
is the dotted path to the offending value (``rooms.incident-response.members[2]``),
omitted for problems with the file as a whole.
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from reconciler.desired.yamlpos import Path, Positions
from reconciler.errors import Problem
from reconciler.refs import Location

_PLAIN_KEY = re.compile(r"^[\w@+:-][\w@+:.-]*$")  # \w: letters of any script


def _quoted(key: str) -> str:
    """A JSON string that shows letters of any script as written, invisible ones escaped."""
    ok = (c if c.isprintable() and c not in '"\\' else json.dumps(c)[1:-1] for c in key)
    return '"' + "".join(ok) + '"'


def format_path(path: Path) -> str:
    """``("rooms", "ops", "members", 2)`` -> ``rooms.ops.members[2]``; odd keys quoted."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if _PLAIN_KEY.match(part) and ".." not in part else _quoted(part)
            out += f".{text}" if out else text
    return out


def located(file: str, line: int, path: Path, message: str) -> Problem:
    """The one way every loader problem is built: ``FILE:LINE: PATH: message``."""
    prefix = format_path(path)
    return Problem(Location(file, line), f"{prefix}: {message}" if prefix else message)


def closest(word: str, choices: Sequence[str], cutoff: float = 0.6) -> str | None:
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return found[0] if found else None


def describe(value: Any) -> str:
    """What a YAML value is, for "expected X, got Y" messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, bytes):
        return "binary data"
    return f"a {type(value).__name__}"  # pragma: no cover - YAML makes no other types


@dataclass(frozen=True)
class Validated:
    """The model (None if the file could not be validated) and the problems found."""

    model: BaseModel | None
    errors: tuple[tuple[Path, Problem], ...]  # (pydantic loc, problem), to salvage the rest


def validate(
    model: type[BaseModel],
    data: Any,
    file: str,
    positions: Positions,
    top_level_hints: Mapping[str, str] | None = None,
) -> Validated:
    try:
        return Validated(model.model_validate(data), ())
    except ValidationError as exc:
        errors = []
        for error in exc.errors(include_url=False):
            loc = _line_path(tuple(error["loc"]))
            path, message = humanise(error, model, top_level_hints or {})
            errors.append((loc, located(file, positions.line_of(loc), path, message)))
        return Validated(None, tuple(errors))


def _line_path(loc: Path) -> Path:
    return loc[:-1] if loc and loc[-1] == "[key]" else loc


def humanise(
    error: ErrorDetails, root: type[BaseModel], hints: Mapping[str, str]
) -> tuple[Path, str]:
    """The path to show and a plain-language message for one pydantic error."""
    loc: Path = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        key = str(loc[-1])
        return loc[:-1], unknown_key(key, root, loc[:-1], hints if len(loc) == 1 else {})
    if kind == "missing":
        return loc[:-1], f"missing required key {loc[-1]!r}"
    path = _line_path(loc)
    got = describe(value)
    if kind == "string_type":
        return path, f"expected a string, got {got}{_string_hint(value)}"
    if kind == "bool_type":
        return path, f"expected true or false, got {got}"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return path, f"expected a whole number, got {got}"
    if kind in ("float_type", "float_parsing"):
        return path, f"expected a number, got {got}"
    if kind == "list_type":
        empty = " (write [] for none)" if value is None else ""
        return path, f"expected a list, got {got}{empty}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        empty = " (write {} for none)" if value is None else ""
        return path, f"expected a mapping, got {got}{empty}"
    if kind == "greater_than_equal":
        return path, f"must be at least {ctx.get('ge')}, got {value}"
    if kind == "less_than_equal":
        return path, f"must be at most {ctx.get('le')}, got {value}"
    if kind == "string_pattern_mismatch":
        return path, "must not be blank"
    if "message" in ctx:  # our own PydanticCustomError
        return path, str(ctx["message"])
    text = str(error["msg"]).removeprefix("Value error, ")
    return path, text[:1].lower() + text[1:]


def _string_hint(value: Any) -> str:
    if isinstance(value, int | float | datetime.date):
        return " (quote it)"
    if isinstance(value, dict) and len(value) == 1:  # `- bot: PagerBot` is a mapping
        ((key, name),) = value.items()
        if str(key).lower() == "bot" and isinstance(name, str) and name.strip():
            return f" (write 'bot:{name.strip()}', without a space after ':')"
    return ""


def unknown_key(key: str, root: type[BaseModel], parent: Path, hints: Mapping[str, str]) -> str:
    model = model_at(root, parent)
    valid = sorted(model.model_fields) if model else []
    if key in hints:
        return f"unknown key {key!r} ({hints[key]})"
    suggestion = closest(key, valid)
    if suggestion:
        return f"unknown key {key!r} (did you mean {suggestion!r}?)"
    if valid:
        return f"unknown key {key!r} (expected one of: {', '.join(valid)})"
    return f"unknown key {key!r}"


def model_at(root: type[BaseModel], path: Path) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``path`` (None if not a model)."""
    current: Any = root
    for part in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        elif get_origin(current) is list:
            current = get_args(current)[0]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(tp) if a is not type(None)]
            tp = options[0] if len(options) == 1 else tp
            if len(options) != 1:
                return tp
        else:
            return tp
