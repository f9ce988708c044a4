"""README "Output formats" describes the JSON plan key by key, for those who write a
consumer from it, and says that `schema --file plan` declares every key it names: so every
key the schema declares, at any depth, is named there too (QA-GB Q-GB-3: the README left
out `governance_errors`, `origin.differs` and `expiring[].refusal`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "reconciler" / "render" / "plan.schema.json"
START = "**JSON** (`--format json`, and the saved plan file)"
END = "Version 1 (before membership kinds"


def keys(node: Any, path: str = "") -> Iterator[str]:
    """Every property the schema declares, as ``parent.key`` paths."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for name, sub in value.items():
                    yield f"{path}.{name}"
                    yield from keys(sub, f"{path}.{name}")
            else:
                yield from keys(value, path)
    elif isinstance(node, list):
        for item in node:
            yield from keys(item, path)


def test_every_key_of_the_plan_schema_is_named_in_the_readme_json_section() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index(START) : readme.index(END)]
    named = set(re.findall(r"[A-Za-z_]\w*", section))
    schema = json.loads(SCHEMA.read_text())
    missing = sorted(p for p in set(keys(schema)) if p.rsplit(".", 1)[-1] not in named)
    assert missing == []


def test_refusal_names_each_kinds_minimum_and_none_for_a_kind_without_one() -> None:
    """QA-GS Q-GS-4: `expiring[].refusal` is set when an end takes a target below its
    kind's minimum setting; the README and the schema name each kind's setting, and never
    a kind without one (a meeting's presenters) as having a minimum."""
    import reconciler.kinds as kinds

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index(START) : readme.index(END)]
    start = section.index("`refusal`, the reason")
    readme_text = section[start : section.index("the plan is then refused", start)]
    schema = json.loads(SCHEMA.read_text())
    refusal = schema["properties"]["expiring"]["items"]["properties"]["refusal"]
    for text in (" ".join(readme_text.split()), refusal["description"]):
        for kind in kinds.all_kinds():
            many = kind.words.elevated[1]
            if kind.minimum_setting is not None:
                assert f"`{kind.minimum_setting}`" in text
            elif many:
                assert f"{kind.words.noun}'s {many}" not in text
                assert f"{kind.words.noun} has no minimum" in text
