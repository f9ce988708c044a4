"""Validation errors as people read them: ``PATH: message``, located by the position table.

Every problem in the desired state is printed as ``FILE:LINE: PATH: message`` where PATH
is the dotted path to the offending value (``rooms.incident-response.members[2]``),
omitted for problems with the file as a whole.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from reconciler.desired.arns import FORMS
from reconciler.desired.written import WrittenDateTime, WrittenFloat, the_number
from reconciler.desired.yamlpos import Path, Positions
from reconciler.errors import Problem
from reconciler.governance.entries import strip_tags
from reconciler.quoted import NAME_SHOWN, clip, cut, named, quoted
from reconciler.refs import Location

_PLAIN_KEY = re.compile(r"^[\w@+:-][\w@+:.-]*$")  # \w: letters of any script


def _quoted(key: str) -> str:
    """A JSON string that shows letters of any script as written, invisible ones escaped."""
    ok = (c if c.isprintable() and c not in '"\\' else json.dumps(c)[1:-1] for c in key)
    return '"' + "".join(ok) + '"'


def format_path(path: Path) -> str:
    """``("rooms", "ops", "members", 2)`` -> ``rooms.ops.members[2]``; odd keys quoted,
    keys over 256 characters cut short as a message names them (``reconciler.quoted.named``:
    the path cut a 100-character key at 80, the message after it did not, Q-RR-3)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            head, rest = clip(part, NAME_SHOWN)
            text = head if _PLAIN_KEY.match(head) and ".." not in head else _quoted(head)
            out += f".{text}{rest}" if out else text + rest
    return out


def located(file: str, line: int, path: Path, message: str) -> Problem:
    """The one way every loader problem is built: ``FILE:LINE: PATH: message``."""
    prefix = format_path(path)
    return Problem(Location(file, line), f"{prefix}: {message}" if prefix else message)


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The one choice ``word`` is most likely a typo of, or None: a suggestion must never
    point at a wrong name. A choice qualifies when it is a few edits away (1 for words of
    up to 4 characters (0 up to 2), 2 up to 10, else 3; a swap of two letters is one edit; case is
    free), or else when it is ``word`` with one more dash-separated part (``sre`` ->
    ``sre-team``) or ``word`` abbreviates it (``admins`` -> ``administrators``). Only a
    single best choice is suggested: a tie suggests nothing."""
    scored = sorted(
        (d, c)
        for c in dict.fromkeys(choices)
        if c != word and (d := _typo_score(word, c)) is not None
    )
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


ABBREVIATION_MIN = 4  # letters a word must keep of a name to abbreviate it
_EXTENSION_SCORE = 10  # above every edit distance allowed: a near spelling wins


def _typo_score(word: str, choice: str) -> int | None:
    """How far ``choice`` is from ``word`` as a typo (lower is closer), None if too far."""
    limit = 0 if len(word) <= 2 else 1 if len(word) <= 4 else 2 if len(word) <= 10 else 3
    folded, other = word.casefold(), choice.casefold()
    if abs(len(folded) - len(other)) <= limit:  # else farther: no quadratic work on a long key
        distance = edit_distance(folded, other)
        if distance <= limit:
            return distance
    parts, extended = word.split("-"), choice.split("-")
    if len(extended) == len(parts) + 1 and (extended[:-1] == parts or extended[1:] == parts):
        return _EXTENSION_SCORE
    stem = folded.removesuffix("s")  # an abbreviation: admin(s) -> administrators
    if len(stem) >= ABBREVIATION_MIN and other.startswith(stem):
        return _EXTENSION_SCORE
    return None


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps
    of two adjacent letters each count one."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]


def describe(value: Any) -> str:
    """What a YAML value is, for "expected X, got Y" messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):  # 1e400 as written (Q-LD-2), 400 digits cut (Q-GE-2)
        return the_number(value)
    if isinstance(value, str):
        return f"the string {quoted(value)}"  # 10 MB: its first 80 and length (Q-LE-1)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    written = getattr(value, "written", None)  # a value computed from one has none
    if isinstance(value, WrittenDateTime) and written:  # as the file has it (Q-FT-3)
        return f"the date and time {written!r}"
    if isinstance(value, datetime.datetime):
        return f"the date and time {value.isoformat()}"
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


# the validation context's key for settings.yaml's data as written (a members file's
# validators may read it: ``meeting_spec``'s attendee profiles)
SETTINGS_DATA = "settings"


def validate(
    model: type[BaseModel],
    data: Any,
    file: str,
    positions: Positions,
    top_level_hints: Mapping[str, str] | None = None,
    context: Mapping[str, Any] | None = None,
) -> Validated:
    """``data`` validated as ``model``, or its errors located; ``context``: what a
    validator may read beside the data (``SETTINGS_DATA``)."""
    try:
        return Validated(model.model_validate(data, context=context), ())
    except ValidationError as exc:
        errors = []
        for error in exc.errors(include_url=False):
            error["loc"] = strip_tags(tuple(error["loc"]))  # the mapping form of an entry
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
        hint = _string_hint(value)
        not_a_number = isinstance(value, WrittenFloat) or (  # 1e400, 1e-400 (Q-LE-2)
            isinstance(value, float) and not math.isfinite(value)
        )
        if hint and not_a_number:  # one note: `1e400 (too large: ...; quote it)`, but a
            # cut number's `…(100 characters)` keeps its own parenthesis (reread item 24)
            return path, f"expected a string, got {got[:-1]}; {hint[2:]}"
        return path, f"expected a string, got {got}{hint}"
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
    if kind in ("literal_error", "enum"):  # ctx: "'all' or 'changes-only'"
        choices = re.sub(r"'([^']*)'", r"\1", str(ctx.get("expected", "")))
        return path, f"expected {choices}, got {got}"
    if kind == "too_short" and value == []:
        least = ctx.get("min_length", 1)
        return path, f"an empty list: give at least {least} (or leave the key out)"
    if kind == "greater_than_equal":
        return path, f"must be at least {ctx.get('ge')}, got {cut(str(value))}"
    if kind == "less_than_equal":  # 200 digits: cut (QA-GV Q-GV-15)
        return path, f"must be at most {ctx.get('le')}, got {cut(str(value))}"
    if kind == "string_pattern_mismatch":
        form = FORMS.get(str(ctx.get("pattern")))
        if form is None:
            return path, "must not be blank"  # NON_BLANK: the one other pattern
        return path, f"expected {form}, got {quoted(str(value))}"
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
    shown = named(key)
    valid = sorted(model.model_fields) if model else []
    if key in hints:
        return f"unknown key {shown} ({hints[key]})"
    # a model may say why a key it refuses is not its own (a safety setting of another kind)
    hint = getattr(model, "unknown_key_hint", None)
    why = hint(key) if callable(hint) else None
    if why:
        return f"unknown key {shown} ({why})"
    suggestion = closest(key, valid)
    if suggestion:
        return f"unknown key {shown} (did you mean {suggestion!r}?)"
    if valid:
        return f"unknown key {shown} (expected one of: {', '.join(valid)})"
    return f"unknown key {shown}"


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


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(tp) if a is not type(None)]
            models = [a for a in map(_unwrap, options) if _is_model(a)]
            if len(options) != 1 and len(models) == 1:  # a reference or its mapping form
                return models[0]
            tp = options[0] if len(options) == 1 else tp
            if len(options) != 1:
                return tp
        else:
            return tp
