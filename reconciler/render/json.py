"""The JSON rendering of a Plan: versioned, documented, stable key order.

The document (``reconciler.plandoc``, format version 2) is described by the JSON Schema
``reconciler/render/plan.schema.json`` (``load_schema()``). It holds everything ``apply``
needs, so the saved-plan file (``reconciler.planfile``) is this same document. Keys
appear in a fixed order; new keys may be added within a format version, never renamed or
removed.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import orjson

from reconciler.plan import Plan
from reconciler.plandoc import FORMAT_VERSION, JsonObject, plan_to_data
from reconciler.render.safe import json_text

SCHEMA_RESOURCE = "plan.schema.json"

__all__ = ["FORMAT_VERSION", "compact", "indented", "load_schema", "plan_to_data", "render_json"]


def render_json(plan: Plan) -> str:
    """The JSON document, indented, ending with a newline."""
    return json_text(indented(plan_to_data(plan))) + "\n"


def indented(data: Any) -> str:
    """``json.dumps(data, indent=2, ensure_ascii=False)``, the same text, made by orjson
    (in C: the stdlib indents in Python, seconds for a plan of a million members). What
    orjson refuses (a lone surrogate, an integer beyond 64 bits) the stdlib writes."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(data, indent=2, ensure_ascii=False)


def compact(data: Any) -> str:
    """``data`` as one line of JSON (no newline in it: a JSON Lines record), as ``indented``
    makes it otherwise."""
    try:
        return orjson.dumps(data).decode("utf-8")
    except TypeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def load_schema() -> JsonObject:
    """The JSON Schema (draft 2020-12) of the document ``render_json`` writes."""
    text = resources.files("reconciler.render").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: JsonObject = json.loads(text)
    return schema
