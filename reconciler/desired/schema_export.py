"""JSON Schema (draft 2020-12) of the desired-state files, generated from the models.

Editors with the YAML language server validate and complete a file that starts with
``# yaml-language-server: $schema=PATH-OR-URL`` (one schema per kind of file).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from reconciler.desired.sections import members_file_model
from reconciler.desired.spec import RestrictionsFile, SettingsFile

DRAFT = "https://json-schema.org/draft/2020-12/schema"
KINDS: dict[str, Callable[[], type[BaseModel]]] = {
    "rooms": members_file_model,  # every file but the two below: groups, rooms, ...
    "settings": lambda: SettingsFile,  # settings.yaml
    "restrictions": lambda: RestrictionsFile,  # restrictions.yaml
}


def json_schema(kind: str = "rooms") -> dict[str, Any]:
    """The schema of one kind of desired-state file ("rooms", "settings", "restrictions")."""
    generated = KINDS[kind]().model_json_schema()
    return {"$schema": DRAFT, **generated}
