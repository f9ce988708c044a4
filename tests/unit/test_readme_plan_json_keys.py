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
